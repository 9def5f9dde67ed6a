import { pino, type Logger } from "pino";
import { logLevelFrom } from "./env.server";

export type { Logger };

/**
 * The process's one logger: a JSON line per event on stdout, with an ISO time and a level, so
 * an operator can filter by time, level, plan, user, request or connection ("who sent the
 * update that was refused at 14:02"). Each part of the server logs through a child that names
 * it (`module`), requests through one that carries the request id, user and plan.
 * Writes are synchronous, so the line about a fatal error is out before the process exits.
 */
export const log: Logger = pino({
  level: logLevelFrom(),
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** The logger of one part of the server. */
export function moduleLog(module: string): Logger {
  return log.child({ module });
}
