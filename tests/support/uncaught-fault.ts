/**
 * A process that installs the server's handling of faults nothing caught, then has one: an
 * exception thrown from a timer, or a promise rejected with nobody waiting on it.
 */
import { log } from "../../server/log.server";
import { stopOnUncaughtFaults } from "../../server/process-faults.server";

stopOnUncaughtFaults(log);
if (process.argv[2] === "rejection") void Promise.reject(new Error("a promise nobody awaited"));
else
  setTimeout(() => {
    throw new Error("a timer that threw");
  }, 0);
setTimeout(() => undefined, 10_000);
