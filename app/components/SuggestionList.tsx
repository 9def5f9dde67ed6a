import { useCallback, useContext, useEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { canEdit, type Role } from "~/shared/permissions";
import { suggestionTime } from "~/shared/suggestion-ids";
import { inPlanOrder, suggestionPlaces } from "~/shared/suggestion-places";
import { cellValue, changeExcerpt } from "~/shared/suggestion-words";
import type { SectionKind } from "~/shared/template-schema";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";
import { PlanSidebarSheet } from "./PlanSidebar";
import { RejectReasonForm } from "./RejectReasonForm";

/** One suggestion as `GET /api/plans/:id/suggestions` gives it (the fields this list reads). */
interface SuggestionView {
  id: string;
  sectionKey: string;
  kind: "text" | "cell";
  status: "open" | "accepted" | "rejected" | "withdrawn";
  author: { id: string; name: string; organisation: string };
  createdAt: string;
  removed: string | null;
  added: string | null;
  rowId: string | null;
  field: string | null;
  from: string | number | null;
  to: string | number | null;
}

/** How long the document stays quiet before the list is read again: typing is many updates. */
const REFRESH_AFTER_MS = 600;

/**
 * The plan's open narrative suggestions, in the order of the plan, beside the comments: who
 * suggested what and when, a way to move to each in the page, and the decision buttons the
 * person may use (accept and reject for those who edit, withdraw for the author). Read from the
 * API, again whenever the document has changed (decision 0034: open suggestions live in it).
 */
export function SuggestionList({
  planId,
  sections,
  meId,
  role,
  doc,
  cells,
  onCounts,
}: {
  planId: string;
  sections: { key: string; title: string; kind: SectionKind }[];
  meId: string;
  role: Role;
  doc: Y.Doc | undefined;
  /** The open cell proposals, as the server pushes them (they are not in the document). */
  cells: readonly SuggestionView[];
  /** Told the open suggestions per section whenever they change. */
  onCounts: (counts: Record<string, number>) => void;
}) {
  const [suggestions, setSuggestions] = useState<SuggestionView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  /** After one decision: the item gone from the list, and the one whose first button takes focus. */
  const [focusAfter, setFocusAfter] = useState<{ gone: string; next: string | null } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const items = useRef<HTMLOListElement>(null);
  /** The suggestion Next and Previous last went to: none on a fresh page, so Next starts at the first. */
  const [current, setCurrent] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const result = await apiRequest<SuggestionView[]>("GET", `/api/plans/${planId}/suggestions`);
    if (result.ok) setSuggestions(result.body);
  }, [planId]);

  // Read once the plan's connection is there (after the page's load, in idle time), not while
  // the page hydrates; then again after each change to the document.
  useEffect(() => {
    if (!doc) return;
    void refresh();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUpdate = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), REFRESH_AFTER_MS);
    };
    doc.on("update", onUpdate);
    return () => {
      clearTimeout(timer);
      doc.off("update", onUpdate);
    };
  }, [doc, refresh]);

  const sheet = useContext(PlanSidebarSheet);
  const unordered = [
    ...(suggestions ?? []).filter((suggestion) => suggestion.status === "open" && suggestion.kind === "text"),
    ...cells,
  ];
  // Read from the document on each render: the list is read again whenever it changes.
  const places = suggestionPlaces(doc, sections, unordered);
  const open = inPlanOrder(unordered, places);
  const names = buttonNames(open, (suggestion) => places.get(suggestion.id)?.cellName ?? null);
  const mayDecide = canEdit(role);
  const counts: Record<string, number> = {};
  for (const suggestion of open) counts[suggestion.sectionKey] = (counts[suggestion.sectionKey] ?? 0) + 1;
  const countsKey = suggestions === null ? null : JSON.stringify(counts);
  useEffect(() => {
    if (countsKey !== null) onCounts(JSON.parse(countsKey) as Record<string, number>);
  }, [countsKey, onCounts]);

  const decide = async (
    suggestion: SuggestionView,
    verb: "accept" | "reject" | "withdraw",
    body?: { reason?: string },
  ) => {
    setProblem(null);
    setDone(null);
    const { id } = suggestion;
    // The decided item leaves the list, and the button that was pressed with it: keep a keyboard
    // user in the list, on the item that took its place (or the heading once none is left).
    const at = open.findIndex((candidate) => candidate.id === id);
    const next = open[at + 1] ?? open[at - 1] ?? null;
    const result = await apiRequest("POST", `/api/plans/${planId}/suggestions/${encodeURIComponent(id)}/${verb}`, body);
    if (result.ok) {
      setDone(decidedSummary(suggestion, verb));
      setFocusAfter({ gone: id, next: next?.id ?? null });
    } else setProblem(result.error);
    setRejecting(null);
    await refresh();
  };

  const decideAll = async (decision: "accept" | "reject", filter: BulkFilter, why: string) => {
    setProblem(null);
    setDone(null);
    const result = await apiRequest<{ summary: string }>(
      "POST",
      `/api/plans/${planId}/suggestions/${decision}-all`,
      decision === "reject" && why ? { ...filter, reason: why } : filter,
    );
    if (result.ok) setDone(result.body.summary);
    else setProblem(result.error);
    await refresh();
    // The button pressed may have gone with what it decided: keep a keyboard user in the list.
    if (result.ok) heading.current?.focus();
  };

  const openIds = open.map((suggestion) => suggestion.id).join(" ");
  useEffect(() => {
    if (!focusAfter || openIds.split(" ").includes(focusAfter.gone)) return;
    const next = focusAfter.next
      ? items.current?.querySelector<HTMLElement>(`[data-suggestion="${CSS.escape(focusAfter.next)}"] button`)
      : null;
    (next ?? heading.current)?.focus();
    setFocusAfter(null);
  }, [focusAfter, openIds]);

  // On a narrow screen the list is in a sheet over the page: it moves aside for what it shows.
  const show = (id: string) => {
    sheet.moveAside();
    showInPage(id);
  };
  const goTo = (step: 1 | -1) => {
    if (open.length === 0) return;
    // By id, not by position: the list changes as others suggest and decide.
    const at = open.findIndex((suggestion) => suggestion.id === current);
    const target = open[at === -1 ? (step === 1 ? 0 : open.length - 1) : (at + step + open.length) % open.length]!;
    setCurrent(target.id);
    show(target.id);
  };

  if (suggestions === null || open.length === 0) {
    return (
      <section className="suggestion-list" aria-labelledby="suggestions-heading">
        <h2 className="sidebar-heading" id="suggestions-heading" ref={heading} tabIndex={-1}>
          Suggestions
        </h2>
        <p className="suggestion-list__done" role="status">
          {done}
        </p>
        <p className="suggestion-list__empty">No open suggestions.</p>
      </section>
    );
  }
  return (
    <section className="suggestion-list" aria-labelledby="suggestions-heading">
      <h2 className="sidebar-heading" id="suggestions-heading" ref={heading} tabIndex={-1}>
        Suggestions ({open.length})
      </h2>
      <div className="suggestion-list__moves">
        <button type="button" className="button small" onClick={() => goTo(-1)}>
          Previous<span className="visually-hidden"> suggestion</span>
        </button>
        <button type="button" className="button small" onClick={() => goTo(1)}>
          Next<span className="visually-hidden"> suggestion</span>
        </button>
      </div>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      <p className="suggestion-list__done" role="status">
        {done}
      </p>
      {mayDecide ? (
        <AllOf
          open={open}
          sections={sections}
          onDecide={(decision, filter, why) => void decideAll(decision, filter, why)}
        />
      ) : null}
      <ol className="suggestion-list__items" ref={items}>
        {open.map((suggestion) => {
          const section = sections.find((candidate) => candidate.key === suggestion.sectionKey);
          const mine = suggestion.author.id === meId;
          const name = names.get(suggestion.id)!;
          return (
            <li
              key={suggestion.id}
              className="suggestion-list__item"
              data-suggestion={suggestion.id}
              aria-current={current === suggestion.id ? "true" : undefined}
            >
              <p className="suggestion-list__who">
                <strong>{suggestion.author.name}</strong>{" "}
                <span className="suggestion-list__when">{suggestionTime(new Date(suggestion.createdAt))}</span>
              </p>
              <p className="suggestion-list__where">{section?.title}</p>
              {suggestion.kind === "cell" ? (
                <p className="suggestion-list__words">
                  <span className="suggestion-list__cell">{places.get(suggestion.id)?.cellName}</span>:{" "}
                  <del>
                    <span className="visually-hidden">Was: </span>
                    {cellValue(suggestion.from)}
                  </del>{" "}
                  <ins>
                    <span className="visually-hidden">Proposed: </span>
                    {cellValue(suggestion.to)}
                  </ins>
                </p>
              ) : null}
              <p className="suggestion-list__words" hidden={suggestion.kind === "cell"}>
                <SuggestedWords removed={suggestion.removed} added={suggestion.added} />
              </p>
              <div className="suggestion-list__actions">
                <button
                  type="button"
                  className="button link small"
                  onClick={() => {
                    // Next and Previous go on from the one shown.
                    setCurrent(suggestion.id);
                    show(suggestion.id);
                  }}
                >
                  Show<span className="visually-hidden"> {name.theirs} in the plan</span>
                </button>
                {mayDecide ? (
                  <>
                    <button
                      type="button"
                      className="button primary small"
                      onClick={() => void decide(suggestion, "accept")}
                    >
                      Accept<span className="visually-hidden"> {name.theirs}</span>
                    </button>
                    <button
                      type="button"
                      className="button small"
                      aria-expanded={rejecting === suggestion.id}
                      onClick={() => setRejecting(rejecting === suggestion.id ? null : suggestion.id)}
                    >
                      Reject<span className="visually-hidden"> {name.theirs}</span>
                    </button>
                  </>
                ) : null}
                {mine ? (
                  <button type="button" className="button small" onClick={() => void decide(suggestion, "withdraw")}>
                    Withdraw<span className="visually-hidden"> {name.yours}</span>
                  </button>
                ) : null}
              </div>
              {rejecting === suggestion.id ? (
                <RejectReasonForm
                  id={`reject-${suggestion.id}`}
                  className="suggestion-list__reject"
                  submitLabel="Reject suggestion"
                  onReject={(reason) => void decide(suggestion, "reject", reason ? { reason } : {})}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

type BulkFilter = { sectionKey?: string; authorId?: string };

/**
 * Accept or reject, in one go, all the open suggestions of a section, or all of one person's:
 * asked first, with how many and which, since many decisions at once are many edits at once.
 */
function AllOf({
  open,
  sections,
  onDecide,
}: {
  open: SuggestionView[];
  sections: { key: string; title: string }[];
  onDecide: (decision: "accept" | "reject", filter: BulkFilter, reason: string) => void;
}) {
  const [asking, setAsking] = useState<{ decision: "accept" | "reject"; group: Group } | null>(null);
  const [reason, setReason] = useState("");
  const groups: Group[] = [
    ...sections.flatMap((section) => {
      const count = open.filter((suggestion) => suggestion.sectionKey === section.key).length;
      return count > 1
        ? [
            {
              key: `s:${section.key}`,
              name: `in ${section.title}`,
              which: `all ${count} suggestions in ${section.title}`,
              count,
              filter: { sectionKey: section.key },
            },
          ]
        : [];
    }),
    ...[...new Map(open.map((suggestion) => [suggestion.author.id, suggestion.author.name]))].flatMap(([id, name]) => {
      const count = open.filter((suggestion) => suggestion.author.id === id).length;
      return count > 1
        ? [
            {
              key: `a:${id}`,
              name: `of ${name}'s`,
              which: `all ${count} of ${name}'s suggestions`,
              count,
              filter: { authorId: id },
            },
          ]
        : [];
    }),
  ];
  if (groups.length === 0 && !asking) return null;
  const ask = (decision: "accept" | "reject", group: Group) => {
    setReason("");
    setAsking({ decision, group });
  };
  const verb = asking?.decision === "reject" ? "Reject" : "Accept";
  return (
    <>
      <ul className="suggestion-list__all" aria-label="Decide many at once">
        {groups.map((group) => (
          <li key={group.key}>
            <span>
              All {group.count} {group.name}
            </span>
            <button type="button" className="button small" onClick={() => ask("accept", group)}>
              Accept all<span className="visually-hidden"> {group.name}</span>
            </button>
            <button type="button" className="button small" onClick={() => ask("reject", group)}>
              Reject all<span className="visually-hidden"> {group.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={asking !== null}
        title={`${verb} ${asking?.group.which ?? "these suggestions"}?`}
        confirmLabel={`${verb} all ${asking?.group.count ?? ""}`}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          if (asking) onDecide(asking.decision, asking.group.filter, reason.trim());
          setAsking(null);
        }}
      >
        <p>
          {asking?.decision === "reject"
            ? "Their words are taken out of the plan and each author is told."
            : "Each one becomes an edit by you, as if you had typed it, and each author is told."}
        </p>
        {asking?.decision === "reject" ? (
          <p className="suggestion-list__all-reason">
            <label htmlFor="reject-all-reason">Reason (optional)</label>
            <textarea
              id="reject-all-reason"
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

interface Group {
  key: string;
  /** After "All n": "in Governance", "of Priya Nair's". */
  name: string;
  /** In the question: "all 12 suggestions in Governance". */
  which: string;
  count: number;
  filter: BulkFilter;
}

/** What the status line says once one suggestion is decided: the list item has gone with it. */
function decidedSummary(suggestion: SuggestionView, verb: "accept" | "reject" | "withdraw"): string {
  if (verb === "withdraw") return "Withdrew your suggestion";
  return `${verb === "accept" ? "Accepted" : "Rejected"} ${suggestion.author.name}'s suggestion`;
}

/**
 * What each suggestion's buttons name it, so no two buttons of the list read the same: whose it
 * is and its words ("Priya Nair's suggestion: “fourteen” for “twelve”"), a cell's with its
 * place; two alike are told apart by a number.
 */
function buttonNames(
  open: readonly SuggestionView[],
  cellName: (suggestion: SuggestionView) => string | null,
): Map<string, { theirs: string; yours: string }> {
  const seen = new Map<string, number>();
  const names = new Map<string, { theirs: string; yours: string }>();
  for (const suggestion of open) {
    const place = suggestion.kind === "cell" ? `${cellName(suggestion) ?? ""}, ` : "";
    const words = `${place}${changeExcerpt(suggestion, 40)}`;
    const theirs = `${suggestion.author.name}'s suggestion: ${words}`;
    const times = (seen.get(theirs) ?? 0) + 1;
    seen.set(theirs, times);
    const apart = times > 1 ? ` (${times})` : "";
    names.set(suggestion.id, { theirs: `${theirs}${apart}`, yours: `your suggestion: ${words}${apart}` });
  }
  return names;
}

/**
 * The words a narrative suggestion takes out and puts in. The same words out and in are a change
 * of their formatting (decision 0034: the old run deleted, the formatted one inserted).
 */
function SuggestedWords({ removed, added }: { removed: string | null; added: string | null }) {
  if (removed && removed === added) return <>Reformat: {added}</>;
  return (
    <>
      {removed ? (
        <del>
          <span className="visually-hidden">Remove: </span>
          {removed}
        </del>
      ) : null}{" "}
      {added ? (
        <ins>
          <span className="visually-hidden">Add: </span>
          {added}
        </ins>
      ) : null}
    </>
  );
}

/**
 * Scrolls to a suggestion's words in the page and selects them, so the next key (or the
 * screen reader's status line) is about them.
 */
function showInPage(id: string): void {
  const proposal = document.querySelector<HTMLElement>(`[data-suggestion="${CSS.escape(id)}"] .cell-proposal__change`);
  if (proposal) {
    proposal.scrollIntoView({ block: "center", behavior: "smooth" });
    proposal.focus({ preventScroll: true });
    return;
  }
  const marks = document.querySelectorAll<HTMLElement>(`.rich-text [data-suggestion-id="${CSS.escape(id)}"]`);
  const first = marks[0];
  const last = marks[marks.length - 1];
  if (!first || !last) return;
  first.scrollIntoView({ block: "center", behavior: "smooth" });
  const editor = first.closest<HTMLElement>(".rich-text");
  editor?.focus({ preventScroll: true });
  const range = document.createRange();
  range.setStartBefore(first);
  range.setEndAfter(last);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
