/** Kept apart from the comment schemas so that the page's bundle does not pull in zod. */
export const COMMENT_MAX_LENGTH = 4000;
