import { asc, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { Side } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { users } from "../../db/schema";
import type { AuthService, SessionUser } from "../auth/sessions.server";
import { recordAuditSync } from "../plans/audit.server";
import type { InvitationService } from "./invitations.server";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  organisation: string;
  side: Side;
  isAdmin: boolean;
  createdAt: Date;
  deactivatedAt: Date | null;
}

/** What instance administrators do at /admin: list, invite, deactivate and reactivate users. */
export class AdminService {
  constructor(
    private readonly db: SqliteDb,
    private readonly auth: AuthService,
    private readonly invitations: InvitationService,
    /** Called once the person is deactivated: what others had through them ends too. */
    private readonly onDeactivated: (userId: string) => void,
  ) {}

  listUsers(): UserRow[] {
    return this.db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        organisation: users.organisation,
        side: users.side,
        isAdmin: users.isAdmin,
        createdAt: users.createdAt,
        deactivatedAt: users.deactivatedAt,
      })
      .from(users)
      .orderBy(asc(users.name))
      .all();
  }

  invite(admin: SessionUser, input: { email: string; organisation: string; side: Side }): Promise<void> {
    return this.invitations.inviteToInstance(admin, input);
  }

  pendingInvitations() {
    return this.invitations.pendingForPlan(null);
  }

  /** The person can no longer sign in; their sessions end and their open sockets close at once. */
  deactivate(admin: SessionUser, userId: string): void {
    if (userId === admin.id) throw new Refusal("conflict", "you cannot deactivate yourself");
    this.setDeactivated(admin, userId, new Date());
    this.auth.endSessionsOf(userId);
    this.onDeactivated(userId);
  }

  reactivate(admin: SessionUser, userId: string): void {
    this.setDeactivated(admin, userId, null);
  }

  private setDeactivated(admin: SessionUser, userId: string, at: Date | null): void {
    const changed = this.db
      .update(users)
      .set({ deactivatedAt: at })
      .where(eq(users.id, userId))
      .returning({ id: users.id })
      .get();
    if (!changed) throw new Refusal("not-found", "no user has that id");
    recordAuditSync(this.db, {
      userId: admin.id,
      type: at ? "user.deactivated" : "user.reactivated",
      detail: { targetId: userId },
    });
  }
}
