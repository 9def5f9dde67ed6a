import type { TestProject } from "vitest/node";
import { redisAnswers, startRedis } from "./redis-instance";

declare module "vitest" {
  export interface ProvidedContext {
    /** A Redis server's address; each test keeps to keys and channels of its own prefix. */
    redisUrl: string;
  }
}

/** The machine's Redis unless `TEST_REDIS_URL` names another. */
const CONFIGURED = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Finds a Redis for the tests: the configured one when it answers, or else a throwaway one
 * (`redis-server --save ''` on a free port) stopped after the run. Without the program it fails
 * naming the package.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (await redisAnswers(CONFIGURED)) {
    project.provide("redisUrl", CONFIGURED);
    return async () => {};
  }
  const instance = await startRedis();
  project.provide("redisUrl", instance.url);
  return () => instance.stop();
}
