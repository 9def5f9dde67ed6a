/**
 * The messages between the benchmark (parent) and its load-client processes, over Node's IPC
 * channel. Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable across processes on one machine.
 */

/** How a load client reaches a server: the y-websocket protocol, or Hocuspocus's own. */
export interface ServerTarget {
  protocol: "y-websocket" | "hocuspocus";
  wsUrl: string;
  /** Several processes serving the same plans: client i connects to `wsUrls[i % length]` (else `wsUrl`). */
  wsUrls?: string[];
  room: string;
  cookie?: string;
}

export interface LoadClientSpec {
  index: number;
  role: "typer" | "cursor";
}

export type ToLoadProcess =
  | { type: "connect"; target: ServerTarget; clients: LoadClientSpec[]; section: string }
  | { type: "clock" }
  | { type: "run"; seconds: number; warmupSeconds: number }
  | { type: "exit" };

export interface LoadProcessResult {
  /** Edits typed after the warm-up: "client:clock" of the inserted character, and when. */
  sent: [string, number][];
  /** Bytes of the Yjs updates this process's clients made after the warm-up. */
  sentBytes: number;
  /** Messages (keystrokes and cursor moves) this process's clients sent over the whole run. */
  actions: number;
  /** For each edit key seen after the warm-up, when each client of this process received it. */
  received: Record<string, number[]>;
  /** Clients in this process, so the parent knows how many receipts to expect. */
  clients: number;
  /** CPU time this process used over the run's wall time (1 = one core busy throughout). */
  cpuShare: number;
  /** This process's event-loop delay, p99 in ms: high means the clients themselves lag. */
  loopDelayP99Ms: number;
}

export type FromLoadProcess =
  | { type: "connected"; ms: number }
  | { type: "clock"; now: number }
  | { type: "result"; result: LoadProcessResult }
  | { type: "error"; message: string };

export function now(): number {
  return performance.timeOrigin + performance.now();
}
