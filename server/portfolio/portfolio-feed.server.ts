import type { EventBus } from "../events/event-bus.server";
import { moduleLog } from "../log.server";
import type { PlanAccessService, Viewer } from "../plans/plan-access.server";

const logger = moduleLog("portfolio");

/**
 * What open portfolio pages follow (as server-sent events): each sign-off or comment change on
 * a plan the viewer may read, and each indexing of its edited words, tells the plan's id, and
 * the page fetches the portfolio again. Whether the viewer may read the plan is checked when
 * the event is sent, so a removed member is told nothing more about it.
 */
export class PortfolioFeed {
  private readonly subscribers = new Set<{ viewer: Viewer; listener: (planId: string) => void }>();

  constructor(
    private readonly access: PlanAccessService,
    events: EventBus,
  ) {
    const tell = ({ planId }: { planId: string }) => {
      for (const subscriber of this.subscribers) {
        this.access.mayRead(subscriber.viewer, planId).then(
          // A page closed while its access was read is told nothing.
          (may) => may && this.subscribers.has(subscriber) && subscriber.listener(planId),
          (error: unknown) => logger.error({ err: error, planId }, "failed to check a portfolio page's access"),
        );
      }
    };
    events.subscribe("plan-event", tell);
    events.subscribe("plan-indexed", tell);
  }

  /** Calls `listener` with each changed plan the viewer may read, until the returned function is called. */
  subscribe(viewer: Viewer, listener: (planId: string) => void): () => void {
    const subscriber = { viewer, listener };
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }
}
