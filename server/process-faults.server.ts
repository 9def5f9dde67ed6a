import type { Logger } from "./log.server";

/**
 * What the process does with a fault nothing caught: it logs it, with what it was (an
 * exception and where it surfaced, or a rejected promise), as a fatal line, and exits with
 * status 1 for the supervisor to start it again. Carrying on would serve from a state nobody
 * reasoned about; stopping loses nothing anyone was told is saved, since every update is stored
 * before it is relayed (decision 0010), and clients reconnect and resend what they hold. Work
 * outside requests (timers, observers) is wrapped by `guarded` and never reaches here.
 */
export function stopOnUncaughtFaults(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)) {
  process.on("uncaughtException", (error, origin) => {
    logger.fatal({ err: error, origin }, "uncaught exception: stopping");
    exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ err: reason, origin: "unhandledRejection" }, "unhandled promise rejection: stopping");
    exit(1);
  });
}

/**
 * Builds what the server needs at start, or stops it with the reason in plain words: a fault in
 * its own configuration (a template that fails validation, say) is for the person starting it
 * to read, not a stack in a log line.
 */
export async function startOrExplain<T>(
  logger: Logger,
  start: () => Promise<T>,
  exit: (code: number) => never = process.exit,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Coplan cannot start: ${reason}\n`);
    logger.fatal({ err: error }, "could not start");
    return exit(1);
  }
}
