import { isPeer } from "./room.server";

/**
 * The origin of an edit the server makes on someone's behalf (a restore, say): it is stored
 * and relayed like a peer's, and features that name an edit's author (sign-off staleness,
 * version contributors) name `userId`.
 */
export class ServerEdit {
  constructor(
    readonly what: string,
    readonly userId: string | null,
  ) {}
}

/** The user an edit came from: the connected peer, or the one the server acted for. */
export function editorOf(origin: unknown): string | null {
  if (origin instanceof ServerEdit) return origin.userId;
  return isPeer(origin) ? origin.userId : null;
}
