import { startTransition, useEffect, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import type { SuggestionView } from "../../server/suggestions/suggestion-service.server";
import {
  applyCommentChanges,
  subscribeToPlanEvents,
  type CommentView,
  type PlanSignoffView,
} from "~/shared/plan-events";
import { shareUnchanged } from "~/shared/share-unchanged";

export interface PlanEventsState {
  signoffs: PlanSignoffView;
  comments: CommentView[];
  /** Open cell proposals: they are not in the document, so the server pushes them. */
  cellSuggestions: SuggestionView[];
}

/**
 * The plan's sign-off state, comments and cell proposals: as the page was rendered, then as the
 * server pushes them. The server sends them all as the connection opens, mostly as the page
 * already has them: what did not change stays the same object, so no section is redrawn for it.
 */
export function usePlanEvents(provider: WebsocketProvider | undefined, initial: PlanEventsState): PlanEventsState {
  const [state, setState] = useState(initial);
  useEffect(() => {
    if (!provider) return;
    // Transitions: the page is drawn again in slices, between which the browser answers input.
    return subscribeToPlanEvents(provider, (event) =>
      startTransition(() => {
        if (event.type === "signoffs")
          setState((current) => shareUnchanged(current, { ...current, signoffs: event.signoffs }));
        if (event.type === "comments")
          setState((current) => shareUnchanged(current, { ...current, comments: event.comments }));
        if (event.type === "cell-suggestions") {
          setState((current) => shareUnchanged(current, { ...current, cellSuggestions: event.suggestions }));
        }
        if (event.type === "comment-changes") {
          setState((current) => ({
            ...current,
            comments: applyCommentChanges(current.comments, event.changed, event.removed),
          }));
        }
      }),
    );
  }, [provider]);
  return state;
}
