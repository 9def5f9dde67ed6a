import { afterAll, beforeAll } from "vitest";
import { demoPlanId, signIn } from "./http";
import { startServer, type RunningServer } from "./server";

/** The file's running server, with the session cookies of the users it signed in. */
export interface TestServer extends RunningServer {
  /** The session cookie of a user signed in before the tests (one of `users`). */
  cookie(email: string): string;
  /** The demo plan's id, read as the first of `users` (when `demoPlan` was asked for). */
  readonly demoPlanId: string;
  /**
   * Stops the server with the signal and starts it again on the same database. The sessions are
   * stored there, so the users' cookies still work.
   */
  restart(signal?: NodeJS.Signals): Promise<void>;
}

export interface TestServerOptions {
  /** Demo users to sign in, in this order, before the file's tests. */
  users?: string[];
  /** Also read the demo plan's id, as the first user. */
  demoPlan?: boolean;
  env?: Record<string, string>;
}

/**
 * A real server for the test file: started before its tests, with the users signed in, and
 * stopped after them. The answer stands for the server from the first test on, so a file can
 * hold it in a module constant and read `server.url` inside its tests.
 */
export function useTestServer(options: TestServerOptions = {}): TestServer {
  let running: RunningServer | undefined;
  let planId: string | undefined;
  const cookies = new Map<string, string>();
  const current = (): RunningServer => {
    if (!running) throw new Error("the test server runs only while the file's tests do");
    return running;
  };
  beforeAll(async () => {
    const server = await startServer({ env: options.env });
    running = server;
    for (const email of options.users ?? []) cookies.set(email, await signIn(server.url, email));
    if (options.demoPlan) {
      const first = options.users?.[0];
      if (!first) throw new Error("reading the demo plan needs a signed-in user");
      planId = await demoPlanId(server.url, cookies.get(first)!);
    }
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get databasePath() {
      return current().databasePath;
    },
    get process() {
      return current().process;
    },
    output: () => current().output(),
    stop: (signal) => current().stop(signal),
    cookie(email) {
      const cookie = cookies.get(email);
      if (!cookie) throw new Error(`${email} was not signed in by useTestServer`);
      return cookie;
    },
    async restart(signal = "SIGTERM") {
      const { databasePath, databaseUrl } = current();
      await current().stop(signal);
      running = await startServer({ databasePath, databaseUrl, env: options.env });
    },
    get demoPlanId() {
      if (planId === undefined) throw new Error("useTestServer was not asked for the demo plan");
      return planId;
    },
  };
}
