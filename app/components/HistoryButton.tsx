import { Link } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { onOpenComparison } from "./history-events";

/** The panel, its comparisons and its restore dialogs load when History is first opened. */
const HistoryPanel = lazy(() => import("./HistoryPanel").then((panel) => ({ default: panel.HistoryPanel })));

/** "History" in the plan's toolbar, opening the plan's versions beside it; and, for owners, "Activity". */
export function HistoryButton({ planId, editable, owner }: { planId: string; editable: boolean; owner: boolean }) {
  const [open, setOpen] = useState(false);
  const [comparing, setComparing] = useState<{ versionId: number } | null>(null);
  useEffect(
    () =>
      onOpenComparison((versionId) => {
        setComparing({ versionId });
        setOpen(true);
      }),
    [],
  );
  return (
    <>
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        History
      </button>
      {owner ? <Link to={`/plans/${planId}/activity`}>Activity</Link> : null}
      {open ? (
        <Suspense fallback={<p className="muted">Loading history…</p>}>
          <HistoryPanel
            key={comparing?.versionId ?? "list"}
            planId={planId}
            editable={editable}
            compareWithNow={comparing?.versionId}
            onClose={() => {
              setOpen(false);
              setComparing(null);
            }}
          />
        </Suspense>
      ) : null}
    </>
  );
}
