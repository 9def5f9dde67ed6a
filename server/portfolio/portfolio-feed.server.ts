import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { planMembers } from "../../db/schema";
import type { RoomRegistry } from "../collab/rooms.server";
import type { Viewer } from "../plans/visible-plans.server";
import type { SearchService } from "../search/search-service.server";
import { guarded } from "../collab/guard.server";

/** How often an idle stream carries a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events for open portfolio pages: each sign-off or comment change on a plan the
 * viewer may read, and each indexing of its edited words, sends `event: plan` with the plan's
 * id, and the page fetches the portfolio again. Whether the viewer may read the plan is checked when the event is sent, so a removed
 * member is told nothing more about it.
 */
export class PortfolioFeed {
  private readonly streams = new Set<{ viewer: Viewer; send(planId: string): void; close(): void }>();

  constructor(
    private readonly db: Db,
    rooms: RoomRegistry,
    search: SearchService,
  ) {
    const tell = guarded("telling open portfolios of a changed plan", (planId: string) => {
      for (const stream of this.streams) if (this.mayRead(stream.viewer, planId)) stream.send(planId);
    });
    rooms.onPublish(tell);
    search.onIndexed(tell);
  }

  /** An event stream for the viewer, open until `signal` aborts. */
  open(viewer: Viewer, signal: AbortSignal): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let cleanup = () => {};
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        const stream = {
          viewer,
          send: (planId: string) => write(`event: plan\ndata: ${JSON.stringify({ planId })}\n\n`),
          close: () => close(),
        };
        const heartbeat = setInterval(() => write(": still here\n\n"), HEARTBEAT_MS);
        heartbeat.unref();
        cleanup = () => {
          clearInterval(heartbeat);
          this.streams.delete(stream);
          signal.removeEventListener("abort", close);
        };
        const close = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        };
        this.streams.add(stream);
        signal.addEventListener("abort", close);
        write("retry: 2000\n\n");
      },
      cancel: () => cleanup(),
    });
  }

  /** Ends every open stream, so the server can stop. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

  private mayRead(viewer: Viewer, planId: string): boolean {
    if (viewer.isAdmin) return true;
    return (
      this.db
        .select({ planId: planMembers.planId })
        .from(planMembers)
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, viewer.id)))
        .get() !== undefined
    );
  }
}
