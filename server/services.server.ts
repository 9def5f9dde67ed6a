import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { closeDatabase, openDatabase } from "../db/client.server";
import { AuthService } from "./auth/sessions.server";
import { SqliteDocStore } from "./collab/doc-store.server";
import { RoomRegistry } from "./collab/rooms.server";
import type { Env } from "./env.server";
import { PlanService } from "./plans.server";
import { resolveSessionSecret } from "./session-secret.server";
import { loadTemplates } from "./templates.server";

export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../plan-templates");

/** Everything the routes and the sync server share, built once per process. */
export function createServices(env: Env) {
  const templates = loadTemplates(TEMPLATES_DIR);
  const db = openDatabase(env.DATABASE_PATH);
  const auth = new AuthService(db, {
    secret: resolveSessionSecret(db, env.SESSION_SECRET),
    secure: servedOverHttps(env),
  });
  const rooms = new RoomRegistry(new SqliteDocStore(db), {
    idleUnloadMs: env.COLLAB_IDLE_UNLOAD_SECONDS * 1000,
    compactAfterUpdates: 500,
  });
  const plans = new PlanService(db, rooms, templates);
  return {
    env,
    db,
    templates,
    auth,
    rooms,
    plans,
    close() {
      rooms.closeAll();
      closeDatabase(db);
    },
  };
}

/** A Secure cookie is never sent back over plain HTTP, so it is set only behind HTTPS. */
function servedOverHttps(env: Env): boolean {
  return env.ALLOWED_ORIGINS?.some((origin) => origin.startsWith("https:")) ?? false;
}

export type Services = ReturnType<typeof createServices>;
