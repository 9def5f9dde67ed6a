import { lazy, Suspense, useState } from "react";
import type { Role } from "~/shared/permissions";
import type { SectionSignoffView } from "~/shared/plan-events";
import { apiRequest } from "./api-client";

/** What to say with the request loads when someone first asks. */
const RequestForm = lazy(() => import("./SignoffWorkflowForms").then((forms) => ({ default: forms.RequestForm })));

/**
 * "Request sign-off": owners and editors ask the signatories of the sides still to sign, with a
 * message and a due date if they like.
 */
export function RequestSignoffButton({
  planId,
  sectionKey,
  sectionTitle,
  signoff,
  role,
}: {
  planId: string;
  sectionKey: string;
  sectionTitle: string;
  signoff: SectionSignoffView;
  role: Role;
}) {
  const [status, setStatus] = useState<{ kind: "notice" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** How many times the form was opened: each opening starts from the request's due date now. */
  const [asking, setAsking] = useState(0);
  const [open, setOpen] = useState(false);
  // "Asked 2 signatories." is about the open request: once it ends (signed, returned), it goes.
  const requestOpen = signoff.request !== null;
  const [wasOpen, setWasOpen] = useState(requestOpen);
  if (requestOpen !== wasOpen) {
    setWasOpen(requestOpen);
    if (!requestOpen && status?.kind === "notice") setStatus(null);
  }
  const signed = new Set(signoff.records.filter((record) => record.fresh).map((record) => record.side));
  if ((role !== "owner" && role !== "editor") || signoff.requiredSides.every((side) => signed.has(side))) return null;

  async function ask(body: { message?: string; dueDate?: string }) {
    setBusy(true);
    const result = await apiRequest<{ notified: number }>(
      "POST",
      `/api/plans/${planId}/sections/${sectionKey}/signoff-requests`,
      body,
    );
    setBusy(false);
    setOpen(false);
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
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => {
          setAsking((count) => count + 1);
          setOpen(true);
        }}
      >
        Request sign-off
      </button>
      {asking > 0 ? (
        <Suspense fallback={null}>
          <RequestForm
            key={asking}
            open={open}
            sectionTitle={sectionTitle}
            due={signoff.due}
            busy={busy}
            onSend={(body) => void ask(body)}
            onCancel={() => setOpen(false)}
          />
        </Suspense>
      ) : null}
      {status ? (
        <span className={status.kind === "error" ? "request-signoff__error" : "muted"} role="status">
          {status.text}
        </span>
      ) : null}
    </span>
  );
}
