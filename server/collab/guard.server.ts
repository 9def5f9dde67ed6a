import { moduleLog } from "../log.server";

const logger = moduleLog("collab");

/**
 * Wraps work that runs outside any request (a timer, an observer, a plan-event job) so that a
 * fault in it is logged with what was being done and never ends the process: an uncaught
 * error there would stop every plan for everyone.
 */
export function guarded<A extends unknown[]>(what: string, work: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      work(...args);
    } catch (error) {
      logger.error({ err: error }, `failed while ${what}`);
    }
  };
}

/** As `guarded`, for work that awaits: a fault in it is logged, never left unhandled. */
export async function guardedAsync(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error({ err: error }, `failed while ${what}`);
  }
}
