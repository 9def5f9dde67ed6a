import type { RequestHandler } from "express";
import * as Y from "yjs";
import { z } from "zod";
import type { RoomRegistry } from "../collab/rooms.server";
import { ServerEdit } from "../collab/server-edit.server";
import type { Holder } from "./plan-leases.server";
import { showsClusterSecret } from "./cluster-secret.server";

/** Where the owner of a plan takes the edits other processes made for it (a restore, say). */
export const FORWARDED_EDITS_PATH = "/cluster/plans/:planId/edits";

const EDIT_HEADER = "x-coplan-edit";
const editOrigin = z.object({ what: z.string(), userId: z.string().nullable() });

/**
 * Refuses a request to the processes' own endpoints that does not show their secret, before
 * anything of its body is read.
 */
export function requireClusterSecret(secret: string): RequestHandler {
  return (request, response, next) => {
    if (showsClusterSecret(request, secret)) return next();
    response.status(401).end();
  };
}

/** Sends a server edit made on another process's plan to its owner; resolves once stored there. */
export async function sendEditToOwner(
  secret: string,
  holder: Holder,
  planId: string,
  update: Uint8Array,
  origin: ServerEdit | null,
): Promise<void> {
  const described = origin ? { what: origin.what, userId: origin.userId } : { what: "an edit", userId: null };
  const response = await fetch(`http://${holder.address}/cluster/plans/${encodeURIComponent(planId)}/edits`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/octet-stream",
      [EDIT_HEADER]: Buffer.from(JSON.stringify(described)).toString("base64url"),
    },
    body: new Blob([new Uint8Array(update)]),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`the owner of plan ${planId} did not take an edit (HTTP ${response.status})`);
}

/**
 * Takes an edit another process made for a plan this one owns, applies it as the server's own
 * (stored and relayed like any), and answers once it is stored. A plan not owned here is
 * refused: the sender's plan moved, and its request fails rather than loops.
 */
export function receiveForwardedEdits(deps: {
  secret: string;
  rooms: RoomRegistry;
  ownsPlan(planId: string): boolean;
}): RequestHandler {
  return (request, response) => {
    if (!showsClusterSecret(request, deps.secret)) return void response.status(401).end();
    const planId = String(request.params.planId);
    if (!deps.ownsPlan(planId)) return void response.status(409).send("not the plan's owner");
    let origin: z.infer<typeof editOrigin>;
    try {
      origin = editOrigin.parse(
        JSON.parse(Buffer.from(String(request.headers[EDIT_HEADER] ?? ""), "base64url").toString("utf8")),
      );
    } catch {
      return void response.status(400).send("no edit origin");
    }
    const update = new Uint8Array(request.body as Buffer);
    deps.rooms
      .read(planId, (doc) => Y.applyUpdate(doc, update, new ServerEdit(origin.what, origin.userId)))
      .then(
        () => response.status(204).end(),
        () => response.status(503).send("the edit could not be stored"),
      );
  };
}
