import { useState } from "react";
import type { Role } from "~/shared/permissions";
import type { SectionSignoffView } from "~/shared/plan-events";
import { apiRequest } from "./api-client";

/** "Request sign-off": owners and editors ask the signatories of the sides still to sign. */
export function RequestSignoffButton({
  planId,
  sectionKey,
  signoff,
  role,
}: {
  planId: string;
  sectionKey: string;
  signoff: SectionSignoffView;
  role: Role;
}) {
  const [status, setStatus] = useState<{ kind: "notice" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const signed = new Set(signoff.records.filter((record) => record.fresh).map((record) => record.side));
  if ((role !== "owner" && role !== "editor") || signoff.requiredSides.every((side) => signed.has(side))) return null;

  async function ask() {
    setBusy(true);
    const result = await apiRequest<{ notified: number }>(
      "POST",
      `/api/plans/${planId}/sections/${sectionKey}/signoff-requests`,
    );
    setBusy(false);
    if (!result.ok) setStatus({ kind: "error", text: result.error });
    else if (result.body.notified === 0) {
      setStatus({ kind: "error", text: "Nobody on this plan signs off for the sides still to sign." });
    } else {
      const people = result.body.notified === 1 ? "1 signatory" : `${result.body.notified} signatories`;
      setStatus({ kind: "notice", text: `Asked ${people}.` });
    }
  }

  return (
    <span className="request-signoff">
      <button type="button" className="button small" disabled={busy} onClick={() => void ask()}>
        Request sign-off
      </button>
      {status ? (
        <span className={status.kind === "error" ? "request-signoff__error" : "muted"} role="status">
          {status.text}
        </span>
      ) : null}
    </span>
  );
}
