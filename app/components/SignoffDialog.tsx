import { useEffect, useId, useRef, useState } from "react";
import type * as Y from "yjs";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import { sectionDataName, sectionFragmentName } from "~/shared/doc-names";
import { SIDE_LABEL } from "~/shared/permissions";
import { sentence } from "~/shared/sentence";
import { isStructuredKind } from "~/shared/structured-fields";
import type { SectionKind } from "~/shared/template-schema";
import { apiRequest, UNREACHABLE } from "./api-client";
import { ChangeList, type WordChange } from "./ChangeList";
import { ConfirmDialog } from "./ConfirmDialog";
import { NarrativeReading, TablesReading } from "./SectionReading";
import type { Signer } from "./SignoffPanel";

/** The section as `GET .../signoffs` reads it: what a sign-off made now would cover. */
interface Reading extends SectionReadingCopy {
  contentHash: string;
  text: string;
  kind: SectionKind;
  empty: boolean;
  /** The statement the reader would make by signing, written by the server. */
  statement: string | null;
  /** What changed since the section's current sign-off, if it has one. */
  changes: WordChange[] | null;
}

/** A sign-off refused because the wording moved on: what changed, and the hash it has now. */
interface MovedBody {
  changes?: WordChange[] | null;
  contentHash?: string;
}

type Outcome = { ok: true } | { ok: false; error: string };

/** How long after the last edit the dialog reads the section again. */
const REREAD_AFTER_MS = 300;

/**
 * The question before a sign-off. It shows the section as the page and the PDF show it (the
 * narrative with its formatting, tables with their headings, a budget with its totals) and what
 * changed since it was last signed; then the statement the signer makes, and asks for their
 * password (decision 0035). The sign-off names that wording by its hash; if the section changes
 * while the dialog is open (or between reading and signing), the dialog shows what changed and
 * asks again. A section with nothing written is not offered for signing.
 */
export function SignoffDialog({
  open,
  url,
  section,
  me,
  forWhom = null,
  doc,
  onDone,
  onCancel,
}: {
  open: boolean;
  url: string;
  section: { key: string; title: string };
  me: Signer;
  /** The signatory a deputy signs for; null when people sign for themselves. */
  forWhom?: { name: string } | null;
  doc: Y.Doc | undefined;
  onDone: (outcome: Outcome) => void;
  onCancel: () => void;
}) {
  const [reading, setReading] = useState<Reading | null>(null);
  const [changed, setChanged] = useState<{ changes: WordChange[] | null; next: Reading } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState("");
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const passwordId = useId();

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setReading(null);
    setChanged(null);
    setProblem(null);
    setPassword("");
    setPasswordError(null);
    void apiRequest<Reading>("GET", url).then((result) => {
      if (cancelled) return;
      if (result.ok) setReading(result.body);
      else setProblem("The section could not be read. Check your connection and try again.");
    });
    return () => {
      cancelled = true;
    };
  }, [open, url]);

  // Someone else's edit while the signatory reads: read again and show what moved.
  useEffect(() => {
    if (!open || !doc || !reading) return;
    const roots = [doc.getXmlFragment(sectionFragmentName(section.key)), doc.getMap(sectionDataName(section.key))];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const reread = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const result = await apiRequest<Reading & { changesSince: WordChange[] | null }>(
          "GET",
          `${url}?since=${encodeURIComponent(reading.contentHash)}`,
        );
        // The sign-off itself still checks the hash; a failed re-read only delays the warning.
        if (cancelled || !result.ok) return;
        const { changesSince, ...next } = result.body;
        if (next.contentHash !== reading.contentHash) setChanged({ changes: changesSince, next });
      }, REREAD_AFTER_MS);
    };
    for (const root of roots) root.observeDeep(reread);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      for (const root of roots) root.unobserveDeep(reread);
    };
  }, [open, doc, reading, url, section.key]);

  function refusePassword(error: string) {
    setPasswordError(error);
    // Back to the field, its text selected, so the signer types it again at once.
    requestAnimationFrame(() => passwordInput.current?.select());
  }

  async function confirm() {
    if (changed) {
      setReading(changed.next);
      setChanged(null);
      return;
    }
    if (!reading || reading.empty) return;
    if (password === "") {
      refusePassword("Type your password to sign.");
      return;
    }
    setBusy(true);
    setPasswordError(null);
    const result = await apiRequest("POST", url, { contentHash: reading.contentHash, password });
    if (result.ok) {
      setBusy(false);
      setPassword("");
      onDone({ ok: true });
      return;
    }
    if (result.status === 401 || result.status === 429) {
      setBusy(false);
      refusePassword(sentence(result.error));
      return;
    }
    // A 409 naming the section's current hash means it changed since it was read: show what moved.
    const moved = result.status === 409 ? (result.body as MovedBody | null) : null;
    if (!moved?.contentHash) {
      setBusy(false);
      onDone({ ok: false, error: result.error });
      return;
    }
    const next = await apiRequest<Reading>("GET", url);
    setBusy(false);
    if (next.ok) setChanged({ changes: moved.changes ?? null, next: next.body });
    else onDone({ ok: false, error: UNREACHABLE });
  }

  const side = SIDE_LABEL[me.side];
  return (
    <ConfirmDialog
      open={open}
      title={`Sign off “${section.title}”?`}
      confirmLabel={changed ? "Read the new wording" : reading?.empty ? null : `Sign off for the ${side} side`}
      cancelLabel={reading?.empty && !changed ? "Close" : "Cancel"}
      confirmDisabled={busy || (!reading && !changed)}
      wide
      onConfirm={confirm}
      onCancel={onCancel}
    >
      {changed ? (
        <div className="signoff-dialog__changed" role="alert" data-testid="signoff-dialog-changed">
          <p>
            <strong>This section changed while you were reading it.</strong> You have not signed it yet. Here is what
            changed; read the new wording before you sign off.
          </p>
          {changed.changes ? (
            <ChangeList changes={changed.changes} />
          ) : (
            <p className="muted">The earlier wording is no longer available to compare.</p>
          )}
        </div>
      ) : problem ? (
        <p className="alert error" role="alert">
          {problem}
        </p>
      ) : !reading ? (
        <p className="muted">Reading the section…</p>
      ) : reading.empty ? (
        <p className="alert error" role="alert" data-testid="signoff-dialog-empty">
          Nothing is written in this section yet, so there is nothing to sign off. Once it has its wording, you can sign
          it off.
        </p>
      ) : (
        <>
          <p>
            You sign off this section for the {side} side{forWhom ? `, as deputy for ${forWhom.name}` : ""}, as it reads
            below. If anyone changes it afterwards, your sign-off becomes stale and must be given again.
          </p>
          <div
            className="signoff-dialog__wording"
            data-testid="signoff-dialog-wording"
            tabIndex={0}
            role="region"
            aria-label="The section you sign off"
          >
            <SectionAsRead title={section.title} reading={reading} />
          </div>
          <SinceLastSigned changes={reading.changes} />
          <div className="signoff-dialog__sign" data-testid="signoff-dialog-sign">
            <p className="signoff-dialog__statement" data-testid="signoff-statement">
              By signing you state: <q>{reading.statement ?? `I approve section '${section.title}'`}</q>
            </p>
            <label htmlFor={passwordId}>Your password, to confirm it is you</label>
            <input
              ref={passwordInput}
              id={passwordId}
              type="password"
              autoComplete="current-password"
              value={password}
              aria-invalid={passwordError ? true : undefined}
              aria-describedby={passwordError ? `${passwordId}-error` : undefined}
              onChange={(event) => setPassword(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter" && !busy) {
                  event.preventDefault();
                  void confirm();
                }
              }}
            />
            {passwordError ? (
              <p className="field-error" id={`${passwordId}-error`} role="alert" data-testid="signoff-password-error">
                {passwordError}
              </p>
            ) : null}
          </div>
        </>
      )}
    </ConfirmDialog>
  );
}

/** The section as the page draws it: a structured section's tables first, then its narrative. */
function SectionAsRead({ title, reading }: { title: string; reading: Reading }) {
  const narrative = <NarrativeReading richText={reading.richText} title={title} editable={false} />;
  if (!isStructuredKind(reading.kind)) return narrative;
  return (
    <>
      <TablesReading kind={reading.kind} title={title} data={reading.data} />
      <h3 className="structured__heading">Narrative</h3>
      {narrative}
    </>
  );
}

/** What changed since the section's current sign-off, when it has one and anything did. */
function SinceLastSigned({ changes }: { changes: WordChange[] | null }) {
  if (!changes || changes.every((change) => change.kind === "same")) return null;
  return (
    <details className="signoff-dialog__since" data-testid="signoff-dialog-since" open>
      <summary>What changed since it was last signed off</summary>
      <ChangeList changes={changes} />
    </details>
  );
}
