import { useEffect, useRef } from "react";
import { ConfirmDialog } from "./ConfirmDialog";
import { useVersionHistory } from "./useVersionHistory";
import { VersionCompare } from "./VersionCompare";
import { VersionList } from "./VersionList";
import { VersionReading } from "./VersionReading";

/**
 * The plan's versions by day; one opened read-only; any two (or one and now) compared section by
 * section; and, for those who may edit, saving a named version and restoring a version or
 * some of its sections.
 */
export function HistoryPanel({
  planId,
  editable,
  compareWithNow,
  onClose,
}: {
  planId: string;
  editable: boolean;
  /** Opens on this version compared with now, rather than on the list. */
  compareWithNow?: number;
  onClose: () => void;
}) {
  const history = useVersionHistory(planId, compareWithNow);
  const { view, restoring } = history;

  const heading = useRef<HTMLHeadingElement>(null);

  const close = useRef(onClose);
  close.current = onClose;

  // Keyboard users land in the panel once, when it opens, and Escape takes them back out.
  useEffect(() => {
    heading.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !document.querySelector("dialog[open]")) close.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <aside
      className={`history${view.mode === "list" ? "" : " history--wide"}`}
      aria-label="Version history"
      data-testid="history-panel"
    >
      <header className="history__header">
        <h2 ref={heading} tabIndex={-1}>
          Version history
        </h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </header>
      {history.error ? (
        <p className="history__error" role="alert">
          {history.error}
        </p>
      ) : null}
      {history.notice ? (
        <p className="history__notice" role="status">
          {history.notice}
        </p>
      ) : null}
      {view.mode === "list" ? (
        <VersionList
          planId={planId}
          versions={history.versions}
          editable={editable}
          onSave={history.saveVersion}
          onOpen={(version) => void history.openVersion(version)}
          onCompareWithNow={(version) => void history.compare(version.id, "current")}
          onRestore={history.askRestore}
        />
      ) : (
        <button type="button" className="button history__back" onClick={history.showList}>
          ← All versions
        </button>
      )}
      {view.mode === "open" ? <VersionReading version={view.version} sections={view.sections} /> : null}
      {view.mode === "compare" ? (
        <VersionCompare
          versions={history.versions}
          from={view.from}
          to={view.to}
          sections={view.sections}
          editable={editable}
          titleOf={history.titleOf}
          onCompare={(from, to) => void history.compare(from, to)}
          onRestore={history.askRestore}
        />
      ) : null}
      <ConfirmDialog
        open={restoring !== null}
        title="Restore this version?"
        confirmLabel="Restore"
        onConfirm={() => void history.restore()}
        onCancel={() => history.askRestore(null)}
      >
        <p>
          {restoring?.sections
            ? `This brings back ${restoring.label}`
            : `This brings the whole plan back to ${restoring?.label}`}{" "}
          as a new change everyone sees at once. Signed sections it changes will need signing again. The plan as it is
          now is kept as a version first.
        </p>
      </ConfirmDialog>
    </aside>
  );
}
