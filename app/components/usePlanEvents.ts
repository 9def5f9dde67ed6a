import { useEffect, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import {
  applyCommentChanges,
  subscribeToPlanEvents,
  type CommentView,
  type PlanSignoffView,
} from "~/shared/plan-events";

export interface PlanEventsState {
  signoffs: PlanSignoffView;
  comments: CommentView[];
}

/** The plan's sign-off state and comments: as the page was rendered, then as the server pushes them. */
export function usePlanEvents(provider: WebsocketProvider | undefined, initial: PlanEventsState): PlanEventsState {
  const [state, setState] = useState(initial);
  useEffect(() => {
    if (!provider) return;
    return subscribeToPlanEvents(provider, (event) => {
      if (event.type === "signoffs") setState((current) => ({ ...current, signoffs: event.signoffs }));
      if (event.type === "comments") setState((current) => ({ ...current, comments: event.comments }));
      if (event.type === "comment-changes") {
        setState((current) => ({
          ...current,
          comments: applyCommentChanges(current.comments, event.changed, event.removed),
        }));
      }
    });
  }, [provider]);
  return state;
}
