import type { Editor } from "@tiptap/react";
import { lazy, memo, Suspense } from "react";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import type { SectionSignoffView } from "~/shared/plan-events";
import { signerName } from "~/shared/signer-name";
import { SIDE_LABEL, type Role } from "~/shared/permissions";
import { SECTION_KIND_LABEL, isStructuredKind } from "~/shared/structured-fields";
import type { HighlightedThread } from "~/editor/comment-highlights";
import { NarrativeReading, TablesReading } from "./SectionReading";
import { SignoffPanel, type Signer } from "./SignoffPanel";
import { useLiveReading } from "./useLiveReading";
import { useConnectionWhile, type PlanConnectionSource, type PresenceUser } from "./usePlanConnection";
import type { UndoScopes } from "./usePersonalUndo";
import type { PlanOutline } from "./PlanWorkspace";
import type { PlanCellSuggestions } from "./TableProposals";

// The editors' code (TipTap's view, collaboration and menus, the tables' cells) is fetched when
// the first section is built, not with the page: the reading copy stands in until then.
const SectionEditor = lazy(() => import("./SectionEditor").then((module) => ({ default: module.SectionEditor })));
const StructuredSection = lazy(() => import("./SectionTables").then((module) => ({ default: module.SectionTables })));

/** What a section needs of the page's comment handling; its threads come apart, as they change alone. */
export interface SectionCommentUi {
  activeId: string | null;
  setActiveId: (id: string) => void;
  commentOn: (sectionKey: string, editor?: Editor) => void;
  registerEditor: (sectionKey: string, editor: Editor | null) => void;
  onRemovedChange: (sectionKey: string, removed: string[]) => void;
}

/**
 * One section of the plan: its heading, sign-off and guidance, then its words. Until its editors
 * are on the page (`live`, see useSectionMounting) the words are the server's reading copy, drawn
 * as the editors draw them and redrawn as the document changes, and each editor replaces its copy
 * in the same frame it appears. Memoised: the page redraws on every change of connection,
 * presence or events, and most of them leave most sections as they were. The connection is read
 * from its source only once the section's editors are wanted, so its coming redraws no section.
 */
export const PlanSection = memo(function PlanSection({
  planId,
  section,
  index,
  signoff,
  reading: served,
  me,
  role,
  editable,
  mayComment,
  connection: source,
  live,
  undoScopes,
  commentUi,
  threads,
  closed,
  cells,
}: {
  planId: string;
  section: PlanOutline["sections"][number];
  index: number;
  signoff: SectionSignoffView;
  reading: SectionReadingCopy;
  me: PresenceUser & Signer;
  role: Role;
  editable: boolean;
  mayComment: boolean;
  /** Read, not drawn from: the section is not redrawn as the connection comes and changes. */
  connection: PlanConnectionSource;
  live: boolean;
  undoScopes: UndoScopes;
  commentUi: SectionCommentUi;
  /** The comment threads anchored in this section's words. */
  threads: HighlightedThread[];
  /** The plan is closed to this person: nothing they do would be accepted. */
  closed: boolean;
  cells: PlanCellSuggestions;
}) {
  const connection = useConnectionWhile(source, live);
  const shown = useLiveReading(source, !live, section.key, isStructuredKind(section.kind), served);
  const narrative = <NarrativeReading richText={shown.richText} title={section.title} editable={editable} />;
  const tables = isStructuredKind(section.kind) ? (
    <TablesReading kind={section.kind} title={section.title} data={shown.data} />
  ) : null;
  return (
    <section id={`section-${section.key}`} className="plan-section" data-section-key={section.key} data-shown={live}>
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
        planId={planId}
        section={section}
        signoff={signoff}
        me={me}
        role={role}
        connection={source}
        closed={closed}
      />
      <details className="guidance" open={index === 0}>
        <summary>Guidance</summary>
        <p>{section.guidance}</p>
      </details>
      {isStructuredKind(section.kind) ? (
        connection && live ? (
          <Suspense fallback={tables}>
            <StructuredSection
              doc={connection.doc}
              sectionKey={section.key}
              kind={section.kind}
              title={section.title}
              editable={editable}
              undoScopes={undoScopes}
              cells={cells}
            />
          </Suspense>
        ) : (
          tables
        )
      ) : null}
      {editable ? <SignedEditWarning signoff={signoff} /> : null}
      {isStructuredKind(section.kind) ? <h3 className="structured__heading">Narrative</h3> : null}
      {connection && live ? (
        <Suspense fallback={narrative}>
          <SectionEditor
            sectionKey={section.key}
            title={section.title}
            connection={connection}
            me={me}
            editable={editable}
            suggestOnly={role === "reviewer"}
            undoScopes={undoScopes}
            onEditor={commentUi.registerEditor}
            reading={narrative}
            comments={{
              threads,
              activeId: commentUi.activeId,
              onComment: mayComment ? (editor) => commentUi.commentOn(section.key, editor) : undefined,
              onOpenThread: commentUi.setActiveId,
              onRemovedChange: commentUi.onRemovedChange,
            }}
          />
        </Suspense>
      ) : (
        narrative
      )}
    </section>
  );
});

/** Editing a signed section is allowed, but nobody should do it without knowing. */
function SignedEditWarning({ signoff }: { signoff: SectionSignoffView }) {
  const fresh = signoff.records.filter((record) => record.fresh);
  if (fresh.length === 0) return null;
  const names = fresh.map((record) => `${signerName(record)} (${SIDE_LABEL[record.side]})`).join(" and ");
  return (
    <p className="signed-warning" role="note" data-testid="signed-edit-warning">
      Signed off by {names}; editing will make the sign-off stale.
    </p>
  );
}
