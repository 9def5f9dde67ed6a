import { lazy, Suspense, useState } from "react";
import { formatDateTime } from "~/shared/dates";
import { SIDE_LABEL, canSignOff, type Role, type Side } from "~/shared/permissions";
import type { SectionSignoffView, SignoffRecordView } from "~/shared/plan-events";
import { signerName } from "~/shared/signer-name";
import type { SignoffState } from "~/shared/signoff-state";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";
import { RequestSignoffButton } from "./RequestSignoffButton";
import { RequestNotice, ReturnButton, ReturnedNotice } from "./SignoffWorkflow";
import { openComparison } from "./history-events";
import { ChangeList, type WordChange } from "./ChangeList";
import { useConnectionWhile, type PlanConnectionSource } from "./usePlanConnection";

export interface Signer {
  id: string;
  name: string;
  organisation: string;
  side: Side;
  /** An owner who also signs off for their side. */
  signsOff: boolean;
  /** The plan's signatories this person stands in for now, as their deputy (they sign for the first). */
  standsInFor: { id: string; name: string }[];
}

/** May this person sign a section needing `requiredSides`: in their own right, or as a deputy. */
export function maySignSection(me: Signer, role: Role, requiredSides: readonly Side[]): boolean {
  return (
    canSignOff(role, me.side, requiredSides, me.signsOff) ||
    (me.standsInFor.length > 0 && requiredSides.includes(me.side))
  );
}

/** Whom a sign-off by this person is for: null for themselves, else the signatory they stand in for. */
export function signingFor(me: Signer, role: Role, requiredSides: readonly Side[]) {
  return canSignOff(role, me.side, requiredSides, me.signsOff) ? null : (me.standsInFor[0] ?? null);
}

/** The sign-off question loads when someone first asks to sign; it stays, so that it can return focus. */
const SignoffDialog = lazy(() => import("./SignoffDialog").then((dialog) => ({ default: dialog.SignoffDialog })));

const STATE_LABEL: Record<SignoffState, string> = {
  unsigned: "Not signed off",
  partial: "Partly signed off",
  signed: "Signed off",
  stale: "Changed since sign-off",
};

export function SignoffBadge({
  state,
  sectionKey,
  compact = false,
}: {
  state: SignoffState;
  sectionKey: string;
  compact?: boolean;
}) {
  return (
    <span
      className={`signoff-badge signoff-badge--${state}${compact ? " signoff-badge--compact" : ""}`}
      data-testid="signoff-badge"
      data-section={sectionKey}
      data-state={state}
      title={STATE_LABEL[state]}
    >
      <span aria-hidden className="signoff-badge__icon" />
      <span className={compact ? "visually-hidden" : undefined}>{STATE_LABEL[state]}</span>
    </span>
  );
}

/** Who must sign the section off, who has, and the signatory's own actions. */
export function SignoffPanel({
  planId,
  section,
  signoff,
  me,
  role,
  connection,
  closed = false,
}: {
  planId: string;
  section: { key: string; title: string };
  signoff: SectionSignoffView;
  me: Signer;
  role: Role;
  /** The live plan, to notice the section changing while its sign-off dialog is open. */
  connection: PlanConnectionSource;
  /** The plan is closed to this person: show its state, offer no action. */
  closed?: boolean;
}) {
  const [confirming, setConfirming] = useState<"sign" | "revoke" | null>(null);
  const [askedToSign, setAskedToSign] = useState(false);
  const doc = useConnectionWhile(connection, askedToSign)?.doc;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = `/api/plans/${planId}/sections/${section.key}/signoffs`;
  const mine = signoff.records.find((record) => record.signedBy.id === me.id || record.onBehalfOf?.id === me.id);
  const mySideFresh = signoff.records.some((record) => record.side === me.side && record.fresh);
  const maySign = maySignSection(me, role, signoff.requiredSides) && !mySideFresh;
  const forWhom = signingFor(me, role, signoff.requiredSides);
  const staleRecords = signoff.records.filter((record) => !record.fresh);
  const mayReturn = canSignOff(role, me.side, signoff.requiredSides, me.signsOff);

  async function revoke() {
    setConfirming(null);
    setBusy(true);
    setError(null);
    const result = await apiRequest("DELETE", url);
    if (!result.ok) setError(result.error);
    setBusy(false);
  }

  return (
    <div className={`signoff signoff--${signoff.state}`} data-testid="signoff-panel" data-section={section.key}>
      <div className="signoff__head">
        <SignoffBadge state={signoff.state} sectionKey={section.key} />
        <span className="signoff__required">
          Needs sign-off by {signoff.requiredSides.map((side) => SIDE_LABEL[side]).join(" and ")}
        </span>
        <RequestSignoffButton
          planId={planId}
          sectionKey={section.key}
          sectionTitle={section.title}
          signoff={signoff}
          role={role}
        />
      </div>
      {signoff.returned ? <ReturnedNotice returned={signoff.returned} /> : null}
      {signoff.request ? <RequestNotice request={signoff.request} /> : null}
      <ul className="signoff__sides">
        {signoff.requiredSides.map((side) => (
          <SideLine key={side} side={side} record={signoff.records.find((record) => record.side === side)} />
        ))}
      </ul>
      {staleRecords.length > 0 ? (
        <StaleWarning key={staleRecords.map((record) => record.id).join()} url={url} records={staleRecords} />
      ) : null}
      {!closed && (maySign || mine || mayReturn) ? (
        <div className="signoff__actions">
          {maySign ? (
            <button
              type="button"
              className="button primary small"
              disabled={busy}
              onClick={() => {
                setAskedToSign(true);
                setConfirming("sign");
              }}
            >
              {staleRecords.some((record) => record.side === me.side) ? "Sign off again" : "Sign off"} for the{" "}
              {SIDE_LABEL[me.side]} side{forWhom ? `, for ${forWhom.name}` : ""}
            </button>
          ) : null}
          {mine ? (
            <button
              type="button"
              className="button link danger"
              disabled={busy}
              onClick={() => setConfirming("revoke")}
            >
              Revoke my sign-off
            </button>
          ) : null}
          {mayReturn ? (
            <ReturnButton url={`/api/plans/${planId}/sections/${section.key}/returns`} sectionTitle={section.title} />
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
      {askedToSign ? (
        <Suspense fallback={null}>
          <SignoffDialog
            open={confirming === "sign"}
            url={url}
            section={section}
            me={me}
            forWhom={forWhom}
            doc={doc}
            onCancel={() => setConfirming(null)}
            onDone={(outcome) => {
              setConfirming(null);
              setError(outcome.ok ? null : outcome.error);
            }}
          />
        </Suspense>
      ) : null}
      <ConfirmDialog
        open={confirming === "revoke"}
        title={`Revoke your sign-off of “${section.title}”?`}
        confirmLabel="Revoke sign-off"
        onConfirm={revoke}
        onCancel={() => setConfirming(null)}
      >
        <p>The section will no longer count as signed off for the {SIDE_LABEL[mine?.side ?? me.side]} side.</p>
      </ConfirmDialog>
    </div>
  );
}

function SideLine({ side, record }: { side: Side; record: SignoffRecordView | undefined }) {
  if (!record) {
    return (
      <li className="signoff__side signoff__side--awaiting">
        <strong>{SIDE_LABEL[side]}</strong> awaiting sign-off
      </li>
    );
  }
  return (
    <li className={`signoff__side${record.fresh ? "" : " signoff__side--stale"}`}>
      <strong>{SIDE_LABEL[side]}</strong> signed off by {signerName(record)} ({record.signedBy.organisation}),{" "}
      <time dateTime={record.signedAt}>{formatDateTime(record.signedAt)}</time>
      {record.fresh ? null : <span className="signoff__stale-tag">stale</span>}
    </li>
  );
}

function StaleWarning({ url, records }: { url: string; records: SignoffRecordView[] }) {
  const [changes, setChanges] = useState<WordChange[] | null | "error">(null);
  const [signedVersion, setSignedVersion] = useState<number | null>(null);
  const first = records.find((record) => record.staleAt) ?? records[0]!;
  const by = first.staleBy ? ` by ${first.staleBy.name}` : "";
  const when = first.staleAt ? `, ${formatDateTime(first.staleAt)}` : "";

  async function load(open: boolean) {
    if (!open) return;
    setChanges(null);
    const result = await apiRequest<{
      changes: WordChange[] | null;
      records: { revokedAt: string | null; versionId: number | null }[];
    }>("GET", url);
    setChanges(result.ok ? (result.body.changes ?? []) : "error");
    if (result.ok) setSignedVersion(result.body.records.find((record) => !record.revokedAt)?.versionId ?? null);
  }

  return (
    <div className="signoff__stale" role="status" data-testid="signoff-stale">
      <p>
        <strong>Changed since sign-off</strong>
        {by}
        {when}. The sign-off no longer covers this wording; it must be given again.
      </p>
      <details onToggle={(event) => load(event.currentTarget.open)}>
        <summary>What changed since sign-off</summary>
        {changes === null ? (
          <p className="muted">Loading…</p>
        ) : changes === "error" ? (
          <p className="muted">The changes could not be loaded.</p>
        ) : (
          <ChangeList changes={changes} />
        )}
        {signedVersion !== null ? (
          <button type="button" className="button" onClick={() => openComparison(signedVersion)}>
            Compare the signed version with now
          </button>
        ) : null}
      </details>
    </div>
  );
}
