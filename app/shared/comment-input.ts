import { z } from "zod";
import { COMMENT_MAX_LENGTH } from "./comment-limits";
const body = z
  .string({ error: "body is required" })
  .trim()
  .min(1, "body is empty")
  .max(COMMENT_MAX_LENGTH, `body is longer than ${COMMENT_MAX_LENGTH} characters`);

/** A Yjs relative position, as `Y.encodeRelativePosition` bytes in base64. */
const relativePosition = z
  .string()
  .max(512, "is too long for a position")
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be a base64-encoded Yjs relative position");

export const commentAnchorSchema = z.object({ start: relativePosition, end: relativePosition });
export type CommentAnchor = z.infer<typeof commentAnchorSchema>;

export const newCommentSchema = z.object({
  sectionKey: z.string({ error: "sectionKey is required" }).min(1).max(100),
  body,
  quote: z.string().max(2000, "quote is longer than 2000 characters").optional(),
  anchor: commentAnchorSchema.optional(),
  parentId: z.string().min(1).max(100).optional(),
});
export type NewComment = z.infer<typeof newCommentSchema>;

export const editCommentSchema = z.object({ body });
