/** How often an idle stream carries a comment, so proxies keep it open and a client gone away is noticed. */
const HEARTBEAT_MS = 25_000;

/** One server-sent event: `event:` (when named) and its JSON `data:`. */
export interface StreamEvent {
  event?: string;
  data: unknown;
}

/** Sends events on one open stream. */
export type SendEvent = (event: StreamEvent) => void;

interface OpenStream {
  /** The session the stream was opened with; it ends when that session does. */
  sessionHash: string;
  /** Whose stream it is: it also ends when their access to plans narrows (a deputyship ends). */
  userId: string;
  signal: AbortSignal;
  /** Tells the browser's EventSource how soon to reconnect after the stream ends. */
  retryMs: number;
  /** Starts sending (subscribes); answers what stops it (unsubscribes). */
  start: (send: SendEvent) => () => void;
}

/**
 * Every server-sent-events stream (notifications, the portfolio) is opened here, so each one
 * gets the same framing and heartbeat, and each ends when the client goes away, when the
 * session it was opened with ends (sign-out, a password change or reset elsewhere,
 * deactivation), and when the server stops.
 */
export class EventStreams {
  /** How to end each open stream, by the session it was opened with. */
  private readonly bySession = new Map<string, Set<() => void>>();
  /** The same, by the user whose stream it is. */
  private readonly byUser = new Map<string, Set<() => void>>();

  open({ sessionHash, userId, signal, retryMs, start }: OpenStream): Response {
    const encoder = new TextEncoder();
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let stop = () => {};
        let ended = false;
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            end();
          }
        };
        const heartbeat = setInterval(() => write(": still here\n\n"), HEARTBEAT_MS);
        heartbeat.unref();
        const ends = this.bySession.get(sessionHash) ?? new Set();
        this.bySession.set(sessionHash, ends);
        const userEnds = this.byUser.get(userId) ?? new Set();
        this.byUser.set(userId, userEnds);
        end = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          signal.removeEventListener("abort", end);
          ends.delete(end);
          if (ends.size === 0) this.bySession.delete(sessionHash);
          userEnds.delete(end);
          if (userEnds.size === 0) this.byUser.delete(userId);
          stop();
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        };
        ends.add(end);
        userEnds.add(end);
        signal.addEventListener("abort", end);
        write(`retry: ${retryMs}\n\n`);
        stop = start(({ event, data }) =>
          write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`),
        );
        if (ended) stop();
        if (signal.aborted) end();
      },
      cancel: () => end(),
    });
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
    });
  }

  /** Ends the streams opened with a session that has just ended. */
  closeSession(sessionHash: string): void {
    for (const end of [...(this.bySession.get(sessionHash) ?? [])]) end();
  }

  /**
   * Ends the user's open streams, so that their pages reconnect and read afresh what they may
   * see now (the browser's EventSource reconnects after the stream's `retry`).
   */
  closeUser(userId: string): void {
    for (const end of [...(this.byUser.get(userId) ?? [])]) end();
  }

  /** Ends every open stream, so the server can stop. */
  closeAll(): void {
    for (const ends of [...this.bySession.values()]) for (const end of [...ends]) end();
  }
}
