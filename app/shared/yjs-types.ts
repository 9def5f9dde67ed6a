import type * as Y from "yjs";

/**
 * Any shared type of a document (map, array, text, XML). Yjs parameterises each by its event
 * type, and only `any` accepts them all, so it is written here once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SharedType = Y.AbstractType<any>;
