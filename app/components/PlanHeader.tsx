import { Link } from "@remix-run/react";
import type { PlanSignoffView } from "~/shared/plan-events";
import { canReadAudit, type Role } from "~/shared/permissions";
import { ExportPdfButton } from "./ExportPdfButton";
import { HistoryButton } from "./HistoryButton";
import { KeyboardShortcuts } from "./KeyboardShortcuts";
import type { ConnectionStatus } from "./usePlanConnection";
import type { PlanOutline } from "./PlanWorkspace";

const STATUS_LABEL: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Live",
  offline: "Offline: changes kept on this device",
  refused: "Change refused",
  closed: "Closed to you",
};

/** The plan's title, its connection, how much of it is signed off, and what can be done with it. */
export function PlanHeader({
  plan,
  connection,
  signoffs,
  role,
  editable,
}: {
  plan: PlanOutline;
  connection: { status: ConnectionStatus; synced: boolean; problem: string | null };
  signoffs: PlanSignoffView;
  role: Role;
  editable: boolean;
}) {
  const { status, synced, problem } = connection;
  return (
    <header className="plan__header">
      <p className="eyebrow">{plan.templateTitle}</p>
      <h1>{plan.title}</h1>
      <p className="plan__meta">
        <span className={`status-dot status-dot--${status} needs-scripts`} aria-hidden />
        <span
          role="status"
          className="needs-scripts"
          data-testid="connection-status"
          data-synced={synced}
          data-state={status}
        >
          {STATUS_LABEL[status]}
        </span>
        {/* Without scripts there is no connection to wait for: the page is as the server read it. */}
        <span className="without-scripts-only" data-testid="reading-copy-status">
          Reading copy: as it was when the page loaded
        </span>
      </p>
      {status === "offline" ? (
        // The status above scrolls away with the title; this stays in view while people type.
        <p className="offline-banner" aria-hidden>
          Offline: changes kept on this device
        </p>
      ) : null}
      <p className="notice-banner without-scripts-only">
        This is a reading copy of the plan. Editing, comments, history and exports need JavaScript.
      </p>
      {problem ? (
        <p className="plan__problem" role="alert" data-testid="connection-problem">
          {problem}
        </p>
      ) : null}
      <p className="plan__progress" data-testid="plan-progress">
        <span className={`plan-status plan-status--${signoffs.status}`} data-testid="plan-status">
          {signoffs.status === "final" ? "Final" : "Draft"}
        </span>
        <span>
          {signoffs.signed} of {signoffs.total} sections signed off
        </span>
        <progress max={signoffs.total} value={signoffs.signed} aria-label="Sections signed off" />
      </p>
      <div className="plan__actions">
        {/* Once the plan is closed to this person, each of these would only be refused. */}
        {status === "closed" ? null : (
          <>
            <Link to={`/plans/${plan.id}/members`}>Members</Link>
            <ExportPdfButton planId={plan.id} title={plan.title} />
            <HistoryButton planId={plan.id} editable={editable} owner={canReadAudit(role)} />
          </>
        )}
        <KeyboardShortcuts />
      </div>
    </header>
  );
}
