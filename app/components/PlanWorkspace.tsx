import { Link } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { ROLE_LABEL, SIDE_LABEL, type Role, type Side } from "~/shared/permissions";
import type { SectionSignoffView } from "~/shared/plan-events";
import { canComment, canReadAudit } from "~/shared/permissions";
import type { SectionKind } from "~/shared/template-schema";
import { SECTION_KIND_LABEL, isStructuredKind } from "~/shared/structured-fields";
import { PresenceList } from "./PresenceList";
import { SuggestionLists } from "./RowsTable";
import { StructuredSection } from "./StructuredSection";
import { SectionEditor } from "./SectionEditor";
import { SignoffBadge, SignoffPanel, type Signer } from "./SignoffPanel";
import { CommentsSidebar } from "./CommentsSidebar";
import { ExportPdfButton } from "./ExportPdfButton";
import { HistoryButton } from "./HistoryButton";
import { KeyboardShortcuts } from "./KeyboardShortcuts";
import { useCommentUi } from "./useCommentUi";
import { CellPresenceProvider } from "./CellPresence";
import { usePersonalUndo } from "./usePersonalUndo";
import { usePlanEvents, type PlanEventsState } from "./usePlanEvents";
import { usePlanConnection, usePresence, type ConnectionStatus, type PresenceUser } from "./usePlanConnection";
import { usePinnedSection } from "./usePinnedSection";
import { SectionPlaceholder } from "./SectionPlaceholder";
import { useSectionMounting } from "./useSectionMounting";

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

/** What a role that cannot edit may do, said once at the top of the plan. */
const ROLE_NOTICE: Partial<Record<Role, string>> = {
  reviewer:
    "Reviewer: you can comment. Select words in a section and press Comment, or comment on a whole section; only the plan's editors change its text.",
  viewer: "You can read this plan. Ask an owner for another role to edit or comment.",
};

const STATUS_LABEL: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Live",
  offline: "Offline: changes kept on this device",
  refused: "Change refused",
};

export function PlanWorkspace({
  plan,
  me,
  role,
  editable,
  initialEvents,
}: {
  plan: PlanOutline;
  me: PresenceUser & Signer;
  role: Role;
  editable: boolean;
  initialEvents: PlanEventsState;
}) {
  const { connection, status, synced, contentIn, problem } = usePlanConnection(plan.id, me);
  const people = usePresence(connection?.provider);
  const { signoffs, comments } = usePlanEvents(connection?.provider, initialEvents);
  const commentUi = useCommentUi(comments);
  const mayComment = canComment(role);
  const undoScopes = usePersonalUndo();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const sectionKeys = useMemo(() => plan.sections.map((section) => section.key), [plan.sections]);
  const mounting = useSectionMounting(main, sectionKeys, contentIn);
  usePinnedSection(main, connection !== null && mounting.allShown);
  // A thread opened from the sidebar shows its words, so its section's editor must be there.
  const activeSection = comments.find((comment) => comment.id === commentUi.activeId)?.sectionKey;
  const showSection = mounting.show;
  useEffect(() => {
    if (activeSection) showSection(activeSection);
  }, [activeSection, showSection]);
  return (
    <div className="workspace">
      <nav className={`navigator${menuOpen ? " navigator--open" : ""}`} aria-label="Sections">
        <button
          type="button"
          className="button small navigator__toggle"
          aria-expanded={menuOpen}
          aria-controls="section-list"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden>☰</span> Sections
        </button>
        <p className="navigator__area">{plan.area}</p>
        <ol id="section-list">
          {plan.sections.map((section, index) => (
            <li key={section.key}>
              {/* A router link, not a plain anchor: a hash change the browser makes itself comes back
                  to the router as a "pop", and its scroll restoration put every later jump back
                  where the first one had been. */}
              <Link to={`#section-${section.key}`} onClick={() => setMenuOpen(false)}>
                <span className="navigator__number">{index + 1}</span>
                <span>
                  {section.title}
                  {section.kind !== "text" ? (
                    <span className="navigator__kind">{SECTION_KIND_LABEL[section.kind]}</span>
                  ) : null}
                </span>
                <span className="navigator__badges">
                  <SignoffBadge state={signoffs.sections[section.key]!.state} sectionKey={section.key} compact />
                  <OpenThreads count={commentUi.openThreadsBySection[section.key] ?? 0} sectionKey={section.key} />
                </span>
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <CellPresenceProvider provider={connection?.provider} meId={me.id}>
        <main
          className="plan"
          id="main"
          tabIndex={-1}
          ref={main}
          data-sections-shown={connection !== null && mounting.allShown ? "all" : "some"}
        >
          <header className="plan__header">
            <p className="eyebrow">{plan.templateTitle}</p>
            <h1>{plan.title}</h1>
            <p className="plan__meta">
              <span className={`status-dot status-dot--${status}`} aria-hidden />
              <span role="status" data-testid="connection-status" data-synced={synced} data-state={status}>
                {STATUS_LABEL[status]}
              </span>
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
              <Link to={`/plans/${plan.id}/members`}>Members</Link>
              <ExportPdfButton planId={plan.id} title={plan.title} />
              <HistoryButton planId={plan.id} editable={editable} owner={canReadAudit(role)} />
              <KeyboardShortcuts />
            </div>
          </header>
          {ROLE_NOTICE[role] ? (
            <p className="notice-banner" role="note" data-testid="role-notice">
              <span className="tag">{ROLE_LABEL[role]}</span> {ROLE_NOTICE[role]}
            </p>
          ) : null}
          {plan.sections.map((section, index) => (
            <section
              key={section.key}
              id={`section-${section.key}`}
              className="plan-section"
              data-section-key={section.key}
              data-shown={connection !== null && mounting.isShown(section.key)}
            >
              <header className="plan-section__header">
                <h2>
                  <span className="plan-section__number">{index + 1}.</span> {section.title}
                </h2>
                <span className="tag">{SECTION_KIND_LABEL[section.kind]}</span>
                {mayComment ? (
                  <button
                    type="button"
                    className={`button small plan-section__comment${role === "reviewer" ? " primary" : ""}`}
                    onClick={() => commentUi.commentOn(section.key)}
                  >
                    Comment<span className="visually-hidden"> on {section.title}</span>
                  </button>
                ) : null}
              </header>
              <SignoffPanel
                planId={plan.id}
                section={section}
                signoff={signoffs.sections[section.key]!}
                me={me}
                role={role}
                doc={connection?.doc}
              />
              <details className="guidance" open={index === 0}>
                <summary>Guidance</summary>
                <p>{section.guidance}</p>
              </details>
              {connection && mounting.isShown(section.key) ? (
                <>
                  {isStructuredKind(section.kind) ? (
                    <StructuredSection
                      doc={connection.doc}
                      sectionKey={section.key}
                      kind={section.kind}
                      title={section.title}
                      editable={editable}
                      undoScopes={undoScopes}
                    />
                  ) : null}
                  {editable ? <SignedEditWarning signoff={signoffs.sections[section.key]!} /> : null}
                  {isStructuredKind(section.kind) ? <h3 className="structured__heading">Narrative</h3> : null}
                  <SectionEditor
                    sectionKey={section.key}
                    title={section.title}
                    connection={connection}
                    me={me}
                    editable={editable}
                    undoScopes={undoScopes}
                    onEditor={commentUi.registerEditor}
                    comments={{
                      threads: commentUi.highlightsBySection[section.key] ?? [],
                      activeId: commentUi.activeId,
                      onComment: mayComment ? (editor) => commentUi.commentOn(section.key, editor) : undefined,
                      onOpenThread: commentUi.setActiveId,
                      onRemovedChange: commentUi.onRemovedChange,
                    }}
                  />
                </>
              ) : (
                <SectionPlaceholder doc={contentIn ? connection?.doc : undefined} sectionKey={section.key} />
              )}
            </section>
          ))}
        </main>
      </CellPresenceProvider>
      <SuggestionLists />
      <aside className="sidebar">
        <PresenceList people={people} meId={me.id} />
        <CommentsSidebar
          planId={plan.id}
          sections={plan.sections}
          comments={comments}
          me={me}
          role={role}
          isTextRemoved={commentUi.isTextRemoved}
          activeId={commentUi.activeId}
          onActivate={commentUi.setActiveId}
          draft={commentUi.draft}
          onDraftDone={commentUi.endDraft}
        />
      </aside>
    </div>
  );
}

/** Editing a signed section is allowed, but nobody should do it without knowing. */
function SignedEditWarning({ signoff }: { signoff: SectionSignoffView }) {
  const fresh = signoff.records.filter((record) => record.fresh);
  if (fresh.length === 0) return null;
  const names = fresh.map((record) => `${record.signedBy.name} (${SIDE_LABEL[record.side]})`).join(" and ");
  return (
    <p className="signed-warning" role="note" data-testid="signed-edit-warning">
      Signed off by {names}; editing will make the sign-off stale.
    </p>
  );
}

function OpenThreads({ count, sectionKey }: { count: number; sectionKey: string }) {
  if (count === 0) return null;
  return (
    <span
      className="thread-count"
      data-testid="open-thread-count"
      data-section={sectionKey}
      title={`${count} open comment threads`}
    >
      {count}
      <span className="visually-hidden"> open comment {count === 1 ? "thread" : "threads"}</span>
    </span>
  );
}
