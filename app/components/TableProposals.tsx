import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import type { SuggestionView } from "../../server/suggestions/suggestion-service.server";
import { canEdit, canSuggest, type Role } from "~/shared/permissions";
import type { FieldDef } from "~/shared/structured-fields";
import { suggestionTime } from "~/shared/suggestion-ids";
import { keyLabel, SUGGESTING_KEYS } from "./writing-tools";
import { apiRequest } from "./api-client";
import { RejectReasonForm } from "./RejectReasonForm";

type CellValue = string | number | null;

/**
 * The plan's open cell proposals (decision 0034: they live outside the document), as the page
 * was rendered and then as the server pushes them, with who is looking.
 */
export interface PlanCellSuggestions {
  planId: string;
  meId: string;
  role: Role;
  open: readonly SuggestionView[];
}

/** What a section's table cells need to propose values and to show and decide open proposals. */
export interface TableProposalsValue {
  /** This person's edits of a cell become proposals (a reviewer, or someone suggesting). */
  proposing: boolean;
  mayDecide: boolean;
  meId: string;
  /** The section's open cell proposals, oldest first. */
  open: readonly SuggestionView[];
  propose(rowId: string, field: string, value: string | number): void;
  /** The person typed the value the cell already holds: nothing is proposed, and they are told. */
  unchanged(rowId: string, field: string): void;
  /** `reason` only with a rejection: it reaches the author's notification. */
  decide(proposal: SuggestionView, verb: "accept" | "reject" | "withdraw", reason?: string): void;
  problemFor(rowId: string, field: string): string | null;
  noticeFor(rowId: string, field: string): string | null;
}

/** What a cell says when its own value is typed again while proposing. */
export const UNCHANGED_NOTICE = "That is already the value; nothing proposed";

export const TableProposals = createContext<TableProposalsValue | null>(null);

/**
 * Cell proposals in one section's tables (decision 0043): a reviewer's edit of a cell, or that
 * of an owner, editor or signatory with the table's Suggesting switch on, is sent as a proposal
 * (`POST /api/plans/:id/suggestions`) and never written to the document. Answers the context's
 * value, whether the tables may be edited directly, and the switch for those who may.
 */
export function useTableProposals(page: PlanCellSuggestions, sectionKey: string, editable: boolean) {
  const [switchedOn, setSwitchedOn] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [notices, setNotices] = useState<Record<string, string>>({});
  const sending = useRef(new Set<string>());
  const { planId, role } = page;
  const proposing = canSuggest(role) && (!editable || switchedOn);

  const note = useCallback((rowId: string, field: string, problem: string | null) => {
    setProblems((current) => {
      const next = { ...current };
      if (problem) next[`${rowId}\n${field}`] = problem;
      else delete next[`${rowId}\n${field}`];
      return next;
    });
  }, []);
  const tell = useCallback((rowId: string, field: string, notice: string | null) => {
    setNotices((current) => {
      const next = { ...current };
      if (notice) next[`${rowId}\n${field}`] = notice;
      else delete next[`${rowId}\n${field}`];
      return next;
    });
  }, []);
  const all = page.open;
  const value = useMemo<TableProposalsValue>(
    () => ({
      proposing,
      mayDecide: canEdit(role),
      meId: page.meId,
      open: all.filter((proposal) => proposal.sectionKey === sectionKey),
      propose: (rowId, field, proposed) => {
        // Enter commits a cell and moves on, and leaving it commits again: one proposal.
        const key = `${rowId}\n${field}\n${proposed}`;
        tell(rowId, field, null);
        if (sending.current.has(key)) return;
        sending.current.add(key);
        void apiRequest("POST", `/api/plans/${planId}/suggestions`, { sectionKey, rowId, field, value: proposed }).then(
          (result) => {
            sending.current.delete(key);
            note(rowId, field, result.ok ? null : result.error);
          },
        );
      },
      decide: (proposal, verb, reason) => {
        void apiRequest(
          "POST",
          `/api/plans/${planId}/suggestions/${encodeURIComponent(proposal.id)}/${verb}`,
          reason ? { reason } : undefined,
        ).then((result) => note(proposal.rowId ?? "", proposal.field ?? "", result.ok ? null : result.error));
      },
      unchanged: (rowId, field) => tell(rowId, field, UNCHANGED_NOTICE),
      problemFor: (rowId, field) => problems[`${rowId}\n${field}`] ?? null,
      noticeFor: (rowId, field) => notices[`${rowId}\n${field}`] ?? null,
    }),
    [proposing, role, page.meId, all, sectionKey, planId, note, tell, problems, notices],
  );

  const mayToggle = editable;
  const toggle = () => setSwitchedOn((on) => !on);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    // The narrative's shortcut for the switch, in the tables too.
    if (mayToggle && event.ctrlKey && event.altKey && event.shiftKey && event.key.toLowerCase() === "x") {
      event.preventDefault();
      toggle();
    }
  };
  const switchButton: ReactNode = mayToggle ? (
    <div className="table-suggesting">
      <button
        type="button"
        role="switch"
        aria-checked={switchedOn}
        className="button small table-suggesting__switch"
        title={`Suggesting: your changes to these tables are proposals for others to accept (${keyLabel(SUGGESTING_KEYS)})`}
        onClick={toggle}
      >
        Suggesting<span className="visually-hidden"> in the tables</span>
      </button>
      {switchedOn ? (
        <span className="muted">Changes to cells are proposals; rows cannot be added or moved.</span>
      ) : null}
    </div>
  ) : null;
  return { value, editing: editable && !proposing, switchButton, onKeyDown };
}

/**
 * The open proposals for one cell, under its value: the value it started from struck through,
 * the proposed one beside it, who and when on hover and focus, and the decisions this person
 * may make (accept and reject for those who edit, withdraw for the author).
 */
export function CellProposals({
  rowId,
  field,
  format,
}: {
  rowId: string;
  field: string;
  format: (value: CellValue) => string;
}) {
  const proposals = useContext(TableProposals);
  const [rejecting, setRejecting] = useState<string | null>(null);
  // The decided proposal leaves the cell with the button that was pressed: focus goes back to the
  // cell's own field rather than to the page, so a keyboard user goes on from where they were.
  const decided = useRef<{ id: string; cell: HTMLElement } | null>(null);
  const hereIds = (proposals?.open ?? [])
    .filter((proposal) => proposal.rowId === rowId && proposal.field === field)
    .map((proposal) => proposal.id)
    .join(" ");
  useEffect(() => {
    if (!decided.current || hereIds.split(" ").includes(decided.current.id)) return;
    decided.current.cell.querySelector<HTMLElement>("input, textarea, select")?.focus();
    decided.current = null;
  }, [hereIds]);
  if (!proposals) return null;
  const here = proposals.open.filter((proposal) => proposal.rowId === rowId && proposal.field === field);
  const decide = (
    event: { currentTarget: HTMLElement },
    proposal: SuggestionView,
    verb: "accept" | "reject" | "withdraw",
    why?: string,
  ) => {
    const cell = event.currentTarget.closest("td");
    decided.current = cell ? { id: proposal.id, cell } : null;
    proposals.decide(proposal, verb, why);
    setRejecting(null);
  };
  const problem = proposals.problemFor(rowId, field);
  const notice = proposals.noticeFor(rowId, field);
  if (here.length === 0 && !problem && !notice) return null;
  return (
    <div className="cell-proposals">
      {here.map((proposal) => {
        const who = `Proposed by ${proposal.author.name}, ${suggestionTime(new Date(proposal.createdAt))}`;
        const whoId = `proposal-${proposal.id.replace(/\W+/g, "-")}`;
        // Named by its values: two proposals for one cell have buttons that read apart.
        const which = `proposal: ${format(proposal.from)} to ${format(proposal.to)}`;
        return (
          <div key={proposal.id} className="cell-proposal" data-suggestion={proposal.id} title={who}>
            <span className="cell-proposal__change" tabIndex={0} aria-describedby={whoId}>
              <del>
                <span className="visually-hidden">Was: </span>
                {format(proposal.from)}
              </del>{" "}
              <ins>
                <span className="visually-hidden">Proposed: </span>
                {format(proposal.to)}
              </ins>
            </span>
            <span className="cell-proposal__who" id={whoId}>
              {who}
            </span>
            {proposals.mayDecide || proposal.author.id === proposals.meId ? (
              <span className="cell-proposal__actions">
                {proposals.mayDecide ? (
                  <>
                    <button
                      type="button"
                      className="button primary small"
                      onClick={(event) => decide(event, proposal, "accept")}
                    >
                      Accept
                      <span className="visually-hidden">
                        {" "}
                        {proposal.author.name}&apos;s {which}
                      </span>
                    </button>
                    <button
                      type="button"
                      className="button small"
                      aria-expanded={rejecting === proposal.id}
                      onClick={() => setRejecting(rejecting === proposal.id ? null : proposal.id)}
                    >
                      Reject
                      <span className="visually-hidden">
                        {" "}
                        {proposal.author.name}&apos;s {which}
                      </span>
                    </button>
                  </>
                ) : null}
                {proposal.author.id === proposals.meId ? (
                  <button
                    type="button"
                    className="button small"
                    onClick={(event) => decide(event, proposal, "withdraw")}
                  >
                    Withdraw<span className="visually-hidden"> your {which}</span>
                  </button>
                ) : null}
              </span>
            ) : null}
            {rejecting === proposal.id ? (
              <RejectReasonForm
                id={`reject-${whoId}`}
                className="cell-proposal__reject"
                submitLabel="Reject proposal"
                onReject={(reason, event) => decide(event, proposal, "reject", reason)}
              />
            ) : null}
          </div>
        );
      })}
      {notice ? (
        <span className="cell-notice" role="status">
          {notice}
        </span>
      ) : null}
      {problem ? (
        <span className="cell-error" role="alert">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The budget as it would be with every open amount proposal accepted (the newest for a cell
 * wins, as accepting them in turn would leave it): for the note under the totals.
 */
export function withProposedAmounts<T extends { rows?: { id: string; [field: string]: unknown }[] }>(
  data: T,
  open: readonly SuggestionView[],
): T {
  const amounts = open.filter((proposal) => proposal.field?.startsWith("amounts."));
  if (amounts.length === 0 || !data.rows) return data;
  const rows = data.rows.map((row) => {
    const mine = amounts.filter((proposal) => proposal.rowId === row.id);
    if (mine.length === 0) return row;
    const next = { ...((row.amounts as Record<string, unknown> | undefined) ?? {}) };
    for (const proposal of mine) next[proposal.field!.slice("amounts.".length)] = proposal.to;
    return { ...row, amounts: next };
  });
  return { ...data, rows };
}

/** A cell's value as a proposal shows it: a choice by its label, nothing as "empty". */
export function cellValueText(field: FieldDef, value: CellValue): string {
  if (value === null || value === "") return "empty";
  if (field.type === "select") return field.options?.find((option) => option.value === value)?.label ?? String(value);
  return String(value);
}

/**
 * A text, date or choice cell while proposing: it shows the accepted value, and what the person
 * types or chooses is proposed when they leave the cell or press Enter (a choice at once); the
 * cell then shows the accepted value again, the proposal under it.
 */
export function ProposalField({
  field,
  rowId,
  value,
  inputProps,
}: {
  field: FieldDef;
  rowId: string;
  value: string;
  inputProps: {
    "aria-label": string;
    "data-cell": string;
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  };
}) {
  const proposals = useContext(TableProposals)!;
  /** Typed into since it was last proposed: leaving a cell one only passed through says nothing. */
  const typed = useRef(false);
  const propose = (element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement) => {
    if (element.value !== value) proposals.propose(rowId, field.name, element.value);
    else if (typed.current) proposals.unchanged(rowId, field.name);
    typed.current = false;
    element.value = value;
  };
  const described = {
    ...inputProps,
    // The table is not editable while proposing, but this cell takes typing.
    readOnly: false,
    "aria-description": "Your change is a proposal for the editors.",
  };
  if (field.type === "select") {
    return (
      <select {...described} value={value} onChange={(event) => propose(event.currentTarget)}>
        <option value="">—</option>
        {field.options?.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  const common = {
    ...described,
    // Keyed by the accepted value: when it changes, the cell starts again from it.
    key: value,
    defaultValue: value,
    onChange: () => {
      typed.current = true;
    },
    onBlur: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => propose(event.currentTarget),
    onKeyDown: (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (event.key === "Enter") {
        event.preventDefault();
        propose(event.currentTarget);
      }
      if (event.key === "Escape") event.currentTarget.value = value;
      inputProps.onKeyDown(event);
    },
  };
  if (field.type === "date") return <input {...common} type="date" />;
  return <textarea {...common} rows={1} maxLength={2000} className={field.type === "longtext" ? "wide" : undefined} />;
}
