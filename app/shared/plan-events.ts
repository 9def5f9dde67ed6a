import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebsocketProvider } from "y-websocket";
import type { SuggestionView } from "../../server/suggestions/suggestion-service.server";
import type { Side } from "./permissions";
import type { PlanStatus, SignoffState } from "./signoff-state";

/**
 * Coplan's one extension to the y-websocket protocol: a message type for plan events (sign-off
 * state, comment changes) pushed by the server. A client opts in by sending a frame holding just
 * this type; the server answers with the current state and then sends every change. Stock
 * y-websocket clients never opt in, so they never see a type they do not know.
 */
export const PLAN_EVENTS_MESSAGE = 100;

export interface SignoffPerson {
  id: string;
  name: string;
  organisation: string;
}

export interface SignoffRecordView {
  id: number;
  side: Side;
  signedBy: SignoffPerson;
  /** The signatory a deputy (`signedBy`) signed for; null when people sign for themselves. */
  onBehalfOf: SignoffPerson | null;
  signedAt: string;
  contentHash: string;
  fresh: boolean;
  staleAt: string | null;
  staleBy: SignoffPerson | null;
  /** The statement the signer made, written by the server; null for a record made before it was kept. */
  meaning: string | null;
  /** How the signer proved it was them at signing; null before it was asked. */
  method: "password" | null;
}

export interface SectionSignoffView {
  state: SignoffState;
  requiredSides: Side[];
  /** The section's current sign-offs; revoked and superseded ones are in its history. */
  records: SignoffRecordView[];
  /** A signatory sent it back, and nobody has changed it since. */
  returned: SignoffReturnView | null;
  /** The open request's due date (`YYYY-MM-DD`), if it set one. */
  due: string | null;
  /** The open "Request sign-off", until every side it asked signs or the section is returned. */
  request: SignoffRequestView | null;
}

export interface SignoffReturnView {
  by: SignoffPerson;
  reason: string;
  at: string;
}

export interface SignoffRequestView {
  by: SignoffPerson;
  at: string;
  message: string | null;
  due: string | null;
  sides: Side[];
}

export interface PlanSignoffView {
  status: PlanStatus;
  signed: number;
  total: number;
  sections: Record<string, SectionSignoffView>;
}

export interface CommentPerson {
  id: string;
  name: string;
  organisation: string;
}

export interface CommentView {
  id: string;
  sectionKey: string;
  /** The thread's first comment, for a reply; null for the first comment itself. */
  parentId: string | null;
  author: CommentPerson;
  /** Plain text; empty once deleted. */
  body: string;
  quote: string | null;
  /** Base64 Yjs relative positions in the section's fragment. */
  anchor: { start: string; end: string } | null;
  /** Whether the anchored words are still in the section, as the server sees it now. */
  anchorStatus: "anchored" | "text-removed" | "none";
  anchoredText: string | null;
  mentions: { id: string; name: string }[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  resolvedAt: string | null;
  resolvedBy: CommentPerson | null;
}

export type PlanEvent =
  | { type: "signoffs"; signoffs: PlanSignoffView }
  /** Every comment: sent when a client subscribes. */
  | { type: "comments"; comments: CommentView[] }
  /** After a change: the comments it changed or added, and those no longer shown. */
  | { type: "comment-changes"; changed: CommentView[]; removed: string[] }
  /** Every open cell proposal of the plan: sent when a client subscribes and after each change. */
  | { type: "cell-suggestions"; suggestions: SuggestionView[] };

/** The comment list after a `comment-changes` event: changed ones in place, new ones last. */
export function applyCommentChanges(comments: CommentView[], changed: CommentView[], removed: string[]): CommentView[] {
  const gone = new Set(removed);
  const byId = new Map(changed.map((comment) => [comment.id, comment]));
  const next = comments.filter((comment) => !gone.has(comment.id)).map((comment) => byId.get(comment.id) ?? comment);
  const present = new Set(next.map((comment) => comment.id));
  return [...next, ...changed.filter((comment) => !present.has(comment.id))];
}

/**
 * Opts a y-websocket provider in to plan events, again on every reconnect (the server sends
 * the current state each time, so nothing missed while offline stays missed).
 */
export function subscribeToPlanEvents(provider: WebsocketProvider, onEvent: (event: PlanEvent) => void): () => void {
  provider.messageHandlers[PLAN_EVENTS_MESSAGE] = (_encoder, decoder) => {
    onEvent(JSON.parse(decoding.readVarString(decoder)) as PlanEvent);
  };
  const subscribe = () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, PLAN_EVENTS_MESSAGE);
    provider.ws?.send(encoding.toUint8Array(encoder));
  };
  const onStatus = ({ status }: { status: string }) => {
    if (status === "connected") subscribe();
  };
  provider.on("status", onStatus);
  if (provider.wsconnected) subscribe();
  return () => {
    provider.off("status", onStatus);
    delete provider.messageHandlers[PLAN_EVENTS_MESSAGE];
  };
}
