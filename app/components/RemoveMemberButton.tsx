import { useSubmit } from "@remix-run/react";
import { useState } from "react";
import { ROLE_LABEL, SIDE_LABEL, type Role, type Side } from "~/shared/permissions";
import { ConfirmDialog } from "./ConfirmDialog";

interface Member {
  userId: string;
  name: string;
  organisation: string;
  side: Side;
  role: Role;
  signsOff: boolean;
}

/**
 * Removing someone from a plan shuts them out at once (their open pages close), so it asks
 * first, naming the person and what they lose; the page then offers to add them back.
 */
export function RemoveMemberButton({ member, planTitle, busy }: { member: Member; planTitle: string; busy: boolean }) {
  const [asking, setAsking] = useState(false);
  const submit = useSubmit();
  return (
    <>
      <button
        type="button"
        className="button link danger"
        disabled={busy}
        aria-label={`Remove ${member.name}`}
        onClick={() => setAsking(true)}
      >
        Remove
      </button>
      <ConfirmDialog
        open={asking}
        title={`Remove ${member.name} from this plan?`}
        confirmLabel={`Remove ${member.name}`}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          submit({ intent: "remove", userId: member.userId }, { method: "post" });
        }}
      >
        <p>
          {member.name} ({ROLE_LABEL[member.role].toLowerCase()}, {member.organisation}) loses access to “{planTitle}”
          at once:
        </p>
        <ul>
          {losses(member).map((loss) => (
            <li key={loss}>{loss}</li>
          ))}
        </ul>
        <p className="muted">What they wrote, their comments and any sign-offs they made stay in the plan.</p>
      </ConfirmDialog>
    </>
  );
}

function losses(member: Member): string[] {
  const canEdit = member.role === "owner" || member.role === "editor" || member.role === "signatory";
  const signs = member.role === "signatory" || (member.role === "owner" && member.signsOff);
  return [
    "They can no longer open or read the plan, and any page of it they have open closes.",
    canEdit ? "They can no longer edit it." : member.role === "reviewer" ? "They can no longer comment on it." : "",
    signs ? `They can no longer sign off sections for the ${SIDE_LABEL[member.side].toLowerCase()} side.` : "",
    member.role === "owner" ? "They can no longer manage its members." : "",
  ].filter(Boolean);
}
