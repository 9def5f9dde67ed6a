import { useEffect, useState } from "react";
import type * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "~/shared/doc-names";
import { SIDE_LABEL } from "~/shared/permissions";
import { apiRequest, UNREACHABLE } from "./api-client";
import { ChangeList, type WordChange } from "./ChangeList";
import { ConfirmDialog } from "./ConfirmDialog";
import type { Signer } from "./SignoffPanel";

interface Reading {
  contentHash: string;
  text: string;
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
 * The question before a sign-off, showing the wording it will cover. The sign-off names that
 * wording by its hash; if the section changes while the dialog is open (or between reading and
 * signing), the dialog shows what changed and asks again.
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

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setReading(null);
    setChanged(null);
    setProblem(null);
    void apiRequest<Reading>("GET", url).then((result) => {
      if (cancelled) return;
      if (result.ok) setReading({ contentHash: result.body.contentHash, text: result.body.text });
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
        const { body } = result;
        if (body.contentHash !== reading.contentHash) {
          setChanged({ changes: body.changesSince, next: { contentHash: body.contentHash, text: body.text } });
        }
      }, REREAD_AFTER_MS);
    };
    for (const root of roots) root.observeDeep(reread);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      for (const root of roots) root.unobserveDeep(reread);
    };
  }, [open, doc, reading, url, section.key]);

  async function confirm() {
    if (changed) {
      setReading(changed.next);
      setChanged(null);
      return;
    }
    if (!reading) return;
    setBusy(true);
    const result = await apiRequest("POST", url, { contentHash: reading.contentHash });
    if (result.ok) {
      setBusy(false);
      onDone({ ok: true });
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
    if (next.ok)
      setChanged({
        changes: moved.changes ?? null,
        next: { contentHash: next.body.contentHash, text: next.body.text },
      });
    else onDone({ ok: false, error: UNREACHABLE });
  }

  return (
    <ConfirmDialog
      open={open}
      title={`Sign off “${section.title}”?`}
      confirmLabel={changed ? "Read the new wording" : `Sign off for the ${SIDE_LABEL[me.side]} side`}
      confirmDisabled={busy || (!reading && !changed)}
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
      ) : (
        <>
          <p>
            You are signing off this wording for the {SIDE_LABEL[me.side]} side as {me.name} ({me.organisation})
            {forWhom ? `, as deputy for ${forWhom.name}` : ""}. If anyone changes the section afterwards, your sign-off
            becomes stale and must be given again.
          </p>
          {problem ? (
            <p className="alert error" role="alert">
              {problem}
            </p>
          ) : reading ? (
            <div
              className="signoff-dialog__wording"
              data-testid="signoff-dialog-wording"
              tabIndex={0}
              aria-label="The wording you sign off"
            >
              {reading.text.trim() === "" ? <p className="muted">This section is empty.</p> : reading.text}
            </div>
          ) : (
            <p className="muted">Reading the section…</p>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}
