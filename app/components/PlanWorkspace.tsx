import { Link } from "@remix-run/react";
import { ROLE_LABEL, type Role, type Side } from "~/lib/permissions";
import type { SectionKind } from "~/lib/template-schema";
import { isStructuredKind } from "~/lib/structured-fields";
import { PresenceList } from "./PresenceList";
import { SuggestionLists } from "./RowsTable";
import { StructuredSection } from "./StructuredSection";
import { SectionEditor } from "./SectionEditor";
import { usePlanConnection, usePresence, type ConnectionStatus, type PresenceUser } from "./usePlanConnection";

export interface PlanOutline {
  id: string;
  title: string;
  area: string;
  templateTitle: string;
  sections: {
    key: string;
    title: string;
    kind: SectionKind;
    guidance: string;
    requiredSides: Side[];
  }[];
}

const KIND_LABEL: Record<SectionKind, string> = {
  text: "Narrative",
  budget: "Shadow budget",
  outcomes: "Outcomes",
  milestones: "Timescales",
  gap: "Gap analysis",
  "delivery-chain": "Delivery chains",
  register: "Asks of Whitehall",
};

/** What a role that cannot edit may do, said once at the top of the plan. */
const ROLE_NOTICE: Partial<Record<Role, string>> = {
  reviewer: "Reviewer: you can comment. You can read every section; only the plan's editors change its text.",
  viewer: "You can read this plan. Ask an owner for another role to edit or comment.",
};

const SIDE_LABEL: Record<Side, string> = { local: "Local", whitehall: "Whitehall" };

const STATUS_LABEL: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Live",
  disconnected: "Offline: reconnecting…",
};

export function PlanWorkspace({
  plan,
  me,
  role,
  editable,
}: {
  plan: PlanOutline;
  me: PresenceUser;
  role: Role;
  editable: boolean;
}) {
  const { connection, status, synced } = usePlanConnection(plan.id, me);
  const people = usePresence(connection?.provider);
  return (
    <div className="workspace">
      <nav className="navigator" aria-label="Sections">
        <p className="navigator__area">{plan.area}</p>
        <ol>
          {plan.sections.map((section, index) => (
            <li key={section.key}>
              <a href={`#section-${section.key}`}>
                <span className="navigator__number">{index + 1}</span>
                <span>
                  {section.title}
                  {section.kind !== "text" ? <span className="navigator__kind">{KIND_LABEL[section.kind]}</span> : null}
                </span>
              </a>
            </li>
          ))}
        </ol>
      </nav>
      <main className="plan">
        <header className="plan__header">
          <p className="eyebrow">{plan.templateTitle}</p>
          <h1>{plan.title}</h1>
          <p className="plan__meta">
            <span className={`status-dot status-dot--${status}`} aria-hidden />
            <span role="status" data-testid="connection-status" data-synced={synced}>
              {STATUS_LABEL[status]}
            </span>
          </p>
          <p className="plan__actions">
            <Link to={`/plans/${plan.id}/members`}>Members</Link>
          </p>
        </header>
        {ROLE_NOTICE[role] ? (
          <p className="notice-banner" role="note" data-testid="role-notice">
            <span className="tag">{ROLE_LABEL[role]}</span> {ROLE_NOTICE[role]}
          </p>
        ) : null}
        {plan.sections.map((section, index) => (
          <section key={section.key} id={`section-${section.key}`} className="plan-section">
            <header className="plan-section__header">
              <h2>
                <span className="plan-section__number">{index + 1}.</span> {section.title}
              </h2>
              <span className="tag">{KIND_LABEL[section.kind]}</span>
              <span className="plan-section__signoff">
                Signed off by: {section.requiredSides.map((side) => SIDE_LABEL[side]).join(" and ")}
              </span>
            </header>
            <details className="guidance" open={index === 0}>
              <summary>Guidance</summary>
              <p>{section.guidance}</p>
            </details>
            {connection && isStructuredKind(section.kind) ? (
              <StructuredSection
                doc={connection.doc}
                sectionKey={section.key}
                kind={section.kind}
                title={section.title}
                editable={editable}
              />
            ) : null}
            {isStructuredKind(section.kind) ? <h3 className="structured__heading">Narrative</h3> : null}
            {connection ? (
              <SectionEditor
                sectionKey={section.key}
                title={section.title}
                connection={connection}
                me={me}
                editable={editable}
              />
            ) : (
              <div className="section-editor section-editor--loading">Loading…</div>
            )}
          </section>
        ))}
      </main>
      <SuggestionLists />
      <aside className="sidebar">
        <PresenceList people={people} meId={me.id} />
      </aside>
    </div>
  );
}
