import { useEffect, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import { subscribeToPlanEvents, type PlanSignoffView } from "~/lib/plan-events";

/** The plan's sign-off state: as the page was rendered, then as the server pushes it. */
export function usePlanSignoffs(provider: WebsocketProvider | undefined, initial: PlanSignoffView): PlanSignoffView {
  const [signoffs, setSignoffs] = useState(initial);
  useEffect(() => {
    if (!provider) return;
    return subscribeToPlanEvents(provider, (event) => {
      if (event.type === "signoffs") setSignoffs(event.signoffs);
    });
  }, [provider]);
  return signoffs;
}
