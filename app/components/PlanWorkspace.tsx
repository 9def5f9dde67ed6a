import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "@remix-run/react";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import { ROLE_LABEL, type Role, type Side } from "~/shared/permissions";
import { canComment } from "~/shared/permissions";
import type { SectionKind } from "~/shared/template-schema";
import { PresenceList } from "./PresenceList";
import { SuggestionLists } from "./SuggestionLists";
import type { Signer } from "./SignoffPanel";
import { CommentsSidebar } from "./CommentsSidebar";
import { useCommentUi } from "./useCommentUi";
import { CellPresenceProvider } from "./CellPresence";
import { usePersonalUndo } from "./usePersonalUndo";
import { usePlanEvents, type PlanEventsState } from "./usePlanEvents";
import { usePlanConnection, usePresence, type PresenceUser } from "./usePlanConnection";
import { usePinnedSection } from "./usePinnedSection";
import { useSectionMounting } from "./useSectionMounting";
import { PlanHeader } from "./PlanHeader";
import { PlanNavigator } from "./PlanNavigator";
import { PlanSection } from "./PlanSection";
import { PlanSidebar } from "./PlanSidebar";
import type { HighlightedThread } from "~/editor/comment-highlights";
// Not a lazy chunk: a Suspense boundary still waiting for its code while the page hydrates is
// drawn again from scratch by React (error 421) on any update to the page before the code comes.
import { SuggestionList } from "./SuggestionList";

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

const NO_THREADS: HighlightedThread[] = [];

/** What a role that cannot edit may do, said once at the top of the plan. */
const ROLE_NOTICE: Partial<Record<Role, string>> = {
  reviewer:
    "Reviewer: you can comment and suggest. Select words in a section and press Comment, or comment on a whole section; what you type in a narrative is a suggestion, shown underlined or struck through until an editor accepts or rejects it.",
  viewer: "You can read this plan. Ask an owner for another role to edit or comment.",
};

/**
 * The plan page: the sections beside the plan, the plan itself, and who is here with the
 * comments. `reading` holds each section's words as the server read them, shown until the
 * section's editors take over.
 */
export function PlanWorkspace({
  plan,
  reading,
  me: signer,
  role: givenRole,
  editable: givenEditable,
  initialEvents,
  suggestionCounts,
}: {
  plan: PlanOutline;
  reading: Record<string, SectionReadingCopy>;
  me: PresenceUser & Signer;
  role: Role;
  editable: boolean;
  initialEvents: PlanEventsState;
  /** Open suggestions per section as the page was rendered; the suggestion list keeps them up to date. */
  suggestionCounts: Record<string, number>;
}) {
  const { connection, status, synced, contentIn, problem, source } = usePlanConnection(plan.id, signer);
  // Once the server has closed the plan to this person (removed, or their time as a deputy
  // over), what the page loaded with no longer holds: every action would be refused, so the
  // page reads on as a viewer with no one to stand in for and offers nothing to do.
  const closed = status === "closed";
  const me = useMemo(() => (closed ? { ...signer, signsOff: false, standsInFor: [] } : signer), [closed, signer]);
  const role: Role = closed ? "viewer" : givenRole;
  const editable = closed ? false : givenEditable;
  const people = usePresence(connection?.provider);
  const { signoffs, comments, cellSuggestions } = usePlanEvents(connection?.provider, initialEvents);
  const [openSuggestions, setOpenSuggestions] = useState(suggestionCounts);
  const cells = useMemo(
    () => ({ planId: plan.id, meId: me.id, role, open: cellSuggestions }),
    [plan.id, me.id, role, cellSuggestions],
  );
  const commentUi = useCommentUi(comments);
  const { activeId, setActiveId, commentOn, registerEditor, onRemovedChange } = commentUi;
  // One object for every section, the same from one drawing to the next (PlanSection is memoised).
  const sectionCommentUi = useMemo(
    () => ({ activeId, setActiveId, commentOn, registerEditor, onRemovedChange }),
    [activeId, setActiveId, commentOn, registerEditor, onRemovedChange],
  );
  const mayComment = canComment(role);
  const undoScopes = usePersonalUndo();
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
      <PlanNavigator
        plan={plan}
        signoffs={signoffs}
        openThreadsBySection={commentUi.openThreadsBySection}
        openSuggestionsBySection={openSuggestions}
      />
      <CellPresenceProvider provider={connection?.provider} meId={me.id}>
        <main
          className="plan"
          id="main"
          tabIndex={-1}
          ref={main}
          data-sections-shown={connection !== null && mounting.allShown ? "all" : "some"}
        >
          <PlanHeader
            plan={plan}
            connection={{ status, synced, problem }}
            signoffs={signoffs}
            role={role}
            editable={editable}
          />
          {closed ? (
            <p className="notice-banner" role="note" data-testid="plan-closed-notice">
              <span>
                This plan is no longer open to you: what you see is how it was when it closed.{" "}
                <Link to="/plans">Back to your plans</Link>
              </span>
            </p>
          ) : null}
          {me.standsInFor.length > 0 ? (
            <p className="notice-banner" role="note" data-testid="deputy-notice">
              <span className="tag">Deputy</span> You stand in for{" "}
              {me.standsInFor.map((person) => person.name).join(" and ")}: you read and sign off for them.
            </p>
          ) : null}
          {ROLE_NOTICE[role] && me.standsInFor.length === 0 && !closed ? (
            <p className="notice-banner" role="note" data-testid="role-notice">
              <span className="tag">{ROLE_LABEL[role]}</span> {ROLE_NOTICE[role]}
            </p>
          ) : null}
          {plan.sections.map((section, index) => (
            <PlanSection
              key={section.key}
              planId={plan.id}
              section={section}
              index={index}
              signoff={signoffs.sections[section.key]!}
              reading={reading[section.key]!}
              me={me}
              role={role}
              editable={editable}
              mayComment={mayComment}
              connection={source}
              live={connection !== null && mounting.isShown(section.key)}
              undoScopes={undoScopes}
              commentUi={sectionCommentUi}
              threads={commentUi.highlightsBySection[section.key] ?? NO_THREADS}
              closed={closed}
              cells={cells}
            />
          ))}
        </main>
      </CellPresenceProvider>
      <SuggestionLists />
      <PlanSidebar
        openThreads={Object.values(commentUi.openThreadsBySection).reduce((sum, count) => sum + count, 0)}
        opensFor={
          commentUi.draft ? `draft:${commentUi.draft.sectionKey}:${commentUi.draft.quote ?? ""}` : commentUi.activeId
        }
      >
        {closed ? null : <PresenceList people={people} meId={me.id} />}
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
        <SuggestionList
          planId={plan.id}
          sections={plan.sections}
          meId={me.id}
          role={role}
          doc={connection?.doc}
          cells={cellSuggestions}
          onCounts={setOpenSuggestions}
        />
      </PlanSidebar>
    </div>
  );
}
