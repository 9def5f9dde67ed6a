import { Form } from "@remix-run/react";
import { ROLE_LABEL, SIDE_LABEL, type Role, type Side } from "~/shared/permissions";

export interface PendingInvitationRow {
  id: string;
  email: string;
  role: Role | null;
  organisation: string;
  side: Side;
  invitedBy: string;
  expiresAt: Date;
}

/** Invitations not yet accepted, each with resend and withdraw (owners see this). */
export function PendingInvitations({ invitations, busy }: { invitations: PendingInvitationRow[]; busy: boolean }) {
  if (invitations.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="pending-invitations">
      <h2 id="pending-invitations">Pending invitations</h2>
      <ul className="pending-invitations">
        {invitations.map((invitation) => {
          const expired = invitation.expiresAt < new Date();
          return (
            <li key={invitation.id}>
              <span>
                <strong>{invitation.email}</strong>{" "}
                <span className="muted">
                  {invitation.role ? `${ROLE_LABEL[invitation.role]} · ` : ""}
                  {invitation.organisation} · {SIDE_LABEL[invitation.side]} · invited by {invitation.invitedBy} ·{" "}
                  {expired ? "link expired" : `link valid until ${invitation.expiresAt.toLocaleDateString("en-GB")}`}
                </span>
              </span>
              <Form method="post" className="inline-form">
                <input type="hidden" name="invitationId" value={invitation.id} />
                <button
                  type="submit"
                  name="intent"
                  value="resend-invitation"
                  className="button small"
                  disabled={busy}
                  aria-label={`Resend the invitation to ${invitation.email}`}
                >
                  Resend
                </button>
                <button
                  type="submit"
                  name="intent"
                  value="withdraw-invitation"
                  className="button link danger"
                  disabled={busy}
                  aria-label={`Withdraw the invitation to ${invitation.email}`}
                >
                  Withdraw
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
