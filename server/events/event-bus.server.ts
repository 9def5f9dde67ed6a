import type { PlanEvent } from "../../app/shared/plan-events";
import { guarded } from "../collab/guard.server";
import type { NotificationView } from "../notifications/notification-service.server";

/**
 * Everything one part of the server tells the others without waiting for an answer. Each is
 * plain JSON, so a bus between processes can carry it as it is; each may be lost and redone
 * (a page reloads, a stream reconnects), so none of them decides what is stored.
 */
export type BusEvent =
  /** A plan's sign-off, comment or workflow state changed: its open editors and portfolios follow. */
  | { type: "plan-event"; planId: string; event: PlanEvent }
  /** The plan's indexed words changed (search, the portfolio's "last edited"). */
  | { type: "plan-indexed"; planId: string }
  /** The person's notifications changed: their open streams send the unread count again. */
  | { type: "notifications-changed"; userId: string; latest: NotificationView | null }
  /** A sign-in session ended (sign-out, password change, deactivation): what it opened closes. */
  | { type: "session-ended"; sessionHash: string }
  /** The person's role on the plan changed or was taken away: their open connections follow. */
  | { type: "access-changed"; planId: string; userId: string }
  /** The person's time as a deputy ended: every plan they had through it is checked again. */
  | { type: "deputyship-ended"; userId: string };

export type BusEventType = BusEvent["type"];
export type BusEventOf<T extends BusEventType> = Extract<BusEvent, { type: T }>;

/**
 * How events reach their listeners: in this process only, or through Redis to every process
 * (`RedisEventBus`), which delivers to this process's listeners at once and to other processes'
 * later, so a listener must not count on being called before `publish` returns elsewhere.
 */
export interface EventBus {
  publish(event: BusEvent): void;
  /** Calls `listener` with every event of `type` published from now on; answers how to stop. */
  subscribe<T extends BusEventType>(type: T, listener: (event: BusEventOf<T>) => void): () => void;
}

/** Delivers each event to this process's listeners before `publish` returns, each guarded. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<BusEventType, Set<(event: BusEvent) => void>>();

  publish(event: BusEvent): void {
    for (const listener of [...(this.listeners.get(event.type) ?? [])]) listener(event);
  }

  subscribe<T extends BusEventType>(type: T, listener: (event: BusEventOf<T>) => void): () => void {
    const guardedListener = guarded(`telling a listener of ${type}`, listener as (event: BusEvent) => void);
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set.add(guardedListener));
    return () => {
      set.delete(guardedListener);
    };
  }
}
