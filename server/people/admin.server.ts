import { asc, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { Side } from "../../app/shared/permissions";
import type { Store } from "../../db/store.server";
import type { AuthService, SessionUser } from "../auth/sessions.server";
import { recordAudit } from "../plans/audit.server";
import type { InvitationService, PendingInvitation } from "./invitations.server";

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
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly invitations: InvitationService,
    /** Called once the person is deactivated: what others had through them ends too. */
    private readonly onDeactivated: (userId: string) => void,
  ) {}

  listUsers(): Promise<UserRow[]> {
    const { users } = this.store.tables;
    return this.store.db
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
      .orderBy(asc(users.name));
  }

  invite(admin: SessionUser, input: { email: string; organisation: string; side: Side }): Promise<void> {
    return this.invitations.inviteToInstance(admin, input);
  }

  pendingInvitations(): Promise<PendingInvitation[]> {
    return this.invitations.pendingForPlan(null);
  }

  /** The person can no longer sign in; their sessions end and their open sockets close at once. */
  async deactivate(admin: SessionUser, userId: string): Promise<void> {
    if (userId === admin.id) throw new Refusal("conflict", "you cannot deactivate yourself");
    await this.setDeactivated(admin, userId, new Date());
    await this.auth.endSessionsOf(userId);
    this.onDeactivated(userId);
  }

  async reactivate(admin: SessionUser, userId: string): Promise<void> {
    await this.setDeactivated(admin, userId, null);
  }

  private async setDeactivated(admin: SessionUser, userId: string, at: Date | null): Promise<void> {
    const { users } = this.store.tables;
    await this.store.transaction(async (tx) => {
      const [changed] = await tx
        .update(users)
        .set({ deactivatedAt: at })
        .where(eq(users.id, userId))
        .returning({ id: users.id });
      if (!changed) throw new Refusal("not-found", "no user has that id");
      await recordAudit(
        this.store,
        { userId: admin.id, type: at ? "user.deactivated" : "user.reactivated", detail: { targetId: userId } },
        tx,
      );
    });
  }
}
