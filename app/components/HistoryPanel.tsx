import { useCallback, useEffect, useRef, useState } from "react";
import { formatPounds, type BudgetTotals } from "~/shared/budget";
import { formatDateTime, formatLongDate } from "~/shared/dates";
import { VERSION_KIND_LABEL, versionTitle, type VersionKindName } from "~/shared/version-labels";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";

interface VersionItem {
  id: number;
  kind: VersionKindName;
  name: string | null;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  contributors: { id: string; name: string }[];
}

interface TextChange {
  kind: "same" | "added" | "removed";
  text: string;
  marks?: { from: string[]; to: string[] };
}

interface SectionComparison {
  key: string;
  title: string;
  changed: boolean;
  text: TextChange[];
  rows: {
    added: Record<string, unknown>[];
    removed: Record<string, unknown>[];
    changed: { id: string; row: string; field: string; from: unknown; to: unknown }[];
  };
  totals?: { from: BudgetTotals; to: BudgetTotals };
}

interface VersionSection {
  key: string;
  title: string;
  text: string;
  data: { rows?: Record<string, unknown>[] };
}

type View =
  | { mode: "list" }
  | { mode: "open"; version: VersionItem; sections: VersionSection[] | null }
  | { mode: "compare"; from: number; to: number | "current"; sections: SectionComparison[] | null };

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
  const [versions, setVersions] = useState<VersionItem[] | null>(null);
  const [view, setView] = useState<View>({ mode: "list" });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<{ version: VersionItem; sections?: string[]; label: string } | null>(null);

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

  const refresh = useCallback(async () => {
    const answer = await apiRequest<VersionItem[]>("GET", `/api/plans/${planId}/versions`);
    if (answer.ok) setVersions(answer.body);
    else setError(answer.error);
  }, [planId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (compareWithNow !== undefined) void compare(compareWithNow, "current");
    // Only on opening: later comparisons are the reader's own choice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function openVersion(version: VersionItem) {
    setView({ mode: "open", version, sections: null });
    const answer = await apiRequest<{ sections: VersionSection[] }>(
      "GET",
      `/api/plans/${planId}/versions/${version.id}`,
    );
    if (answer.ok) setView({ mode: "open", version, sections: answer.body.sections });
    else setError(answer.error);
  }

  async function compare(from: number, to: number | "current") {
    setView({ mode: "compare", from, to, sections: null });
    const answer = await apiRequest<{ sections: SectionComparison[] }>(
      "GET",
      `/api/plans/${planId}/compare?from=${from}&to=${to}`,
    );
    if (answer.ok) setView({ mode: "compare", from, to, sections: answer.body.sections });
    else setError(answer.error);
  }

  async function saveVersion(name: string) {
    const answer = await apiRequest<{ id: number }>("POST", `/api/plans/${planId}/versions`, { name });
    if (!answer.ok) return setError(answer.error);
    setNotice(`Saved “${name}”.`);
    await refresh();
  }

  async function restore() {
    if (!restoring) return;
    const { version, sections, label } = restoring;
    setRestoring(null);
    const answer = await apiRequest<{ versionId: number }>(
      "POST",
      `/api/plans/${planId}/versions/${version.id}/restore`,
      sections ? { sections } : {},
    );
    if (!answer.ok) return setError(answer.error);
    setNotice(`Restored ${label}. The plan as it was just before is kept as a version.`);
    await refresh();
    if (view.mode === "compare") await compare(view.from, view.to);
  }

  const titleOf = (id: number | "current") =>
    id === "current"
      ? "now"
      : versionTitle(versions?.find((version) => version.id === id) ?? { kind: "auto", name: null });

  return (
    <aside className="history" aria-label="Version history" data-testid="history-panel">
      <header className="history__header">
        <h2 ref={heading} tabIndex={-1}>
          Version history
        </h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error ? (
        <p className="history__error" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="history__notice" role="status">
          {notice}
        </p>
      ) : null}
      {view.mode === "list" ? (
        <>
          {editable ? (
            <SaveVersionForm onSave={saveVersion} />
          ) : (
            <p className="muted">
              Owners, editors and signatories can save and restore versions; you can open and compare them.
            </p>
          )}
          {versions === null ? <p>Loading…</p> : null}
          {versions?.length === 0 ? <p>No versions yet: one is saved a minute after the next edit.</p> : null}
          {groupByDay(versions ?? []).map(([day, items]) => (
            <section key={day} className="history__day">
              <h3>{day}</h3>
              <ol>
                {items.map((version) => (
                  <li key={version.id} className="history__item" data-testid="history-version" data-kind={version.kind}>
                    <p className="history__title">
                      <strong>{versionTitle(version)}</strong>{" "}
                      <span className={`tag history__kind history__kind--${version.kind}`}>
                        {VERSION_KIND_LABEL[version.kind]}
                      </span>
                    </p>
                    <p className="history__meta">
                      {formatDateTime(version.createdAt)}
                      {version.createdBy ? ` · ${version.createdBy.name}` : ""}
                      {version.contributors.length > 0
                        ? ` · edits by ${version.contributors.map((person) => person.name).join(", ")}`
                        : ""}
                    </p>
                    <p className="history__actions">
                      <button type="button" className="button" onClick={() => void openVersion(version)}>
                        Open
                      </button>
                      <button type="button" className="button" onClick={() => void compare(version.id, "current")}>
                        {version.kind === "signoff" ? "What changed since sign-off" : "Compare with now"}
                      </button>
                      <a className="button" href={`/api/plans/${planId}/export.pdf?version=${version.id}`} download>
                        PDF
                      </a>
                      {editable ? (
                        <button
                          type="button"
                          className="button"
                          onClick={() => setRestoring({ version, label: `“${versionTitle(version)}”` })}
                        >
                          Restore
                        </button>
                      ) : null}
                    </p>
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </>
      ) : (
        <button type="button" className="button history__back" onClick={() => setView({ mode: "list" })}>
          ← All versions
        </button>
      )}
      {view.mode === "open" ? (
        <div className="history__version" data-testid="history-open">
          <h3>
            {versionTitle(view.version)}, {formatDateTime(view.version.createdAt)} (read-only)
          </h3>
          {view.sections === null ? <p>Loading…</p> : null}
          {view.sections?.map((section) => (
            <section key={section.key} className="history__section">
              <h4>{section.title}</h4>
              {section.text ? <p className="history__text">{section.text}</p> : null}
              {section.data.rows?.length ? <RowsTable rows={section.data.rows} /> : null}
            </section>
          ))}
        </div>
      ) : null}
      {view.mode === "compare" ? (
        <div className="history__compare" data-testid="history-compare">
          <p className="history__pick">
            <label>
              From{" "}
              <select value={view.from} onChange={(event) => void compare(Number(event.target.value), view.to)}>
                {versions?.map((version) => (
                  <option key={version.id} value={version.id}>
                    {versionTitle(version)}, {formatDateTime(version.createdAt)}
                  </option>
                ))}
              </select>
            </label>{" "}
            <label>
              to{" "}
              <select
                value={view.to}
                onChange={(event) =>
                  void compare(view.from, event.target.value === "current" ? "current" : Number(event.target.value))
                }
              >
                <option value="current">Now</option>
                {versions?.map((version) => (
                  <option key={version.id} value={version.id}>
                    {versionTitle(version)}, {formatDateTime(version.createdAt)}
                  </option>
                ))}
              </select>
            </label>
          </p>
          {view.sections === null ? <p>Comparing…</p> : null}
          {view.sections && view.sections.every((section) => !section.changed) ? (
            <p>
              No changes between {titleOf(view.from)} and {titleOf(view.to)}.
            </p>
          ) : null}
          {view.sections
            ?.filter((section) => section.changed)
            .map((section) => (
              <SectionChanges
                key={section.key}
                section={section}
                onRestore={
                  editable && view.to === "current"
                    ? () => {
                        const version = versions?.find((candidate) => candidate.id === view.from);
                        if (version) {
                          setRestoring({ version, sections: [section.key], label: `“${section.title}” as it was` });
                        }
                      }
                    : undefined
                }
              />
            ))}
        </div>
      ) : null}
      <ConfirmDialog
        open={restoring !== null}
        title="Restore this version?"
        confirmLabel="Restore"
        onConfirm={() => void restore()}
        onCancel={() => setRestoring(null)}
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

function SaveVersionForm({ onSave }: { onSave: (name: string) => Promise<void> }) {
  const [name, setName] = useState("");
  return (
    <form
      className="history__save"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim() === "") return;
        void onSave(name.trim()).then(() => setName(""));
      }}
    >
      <label>
        Save version…{" "}
        <input
          value={name}
          maxLength={120}
          placeholder="e.g. Draft for DCLG review"
          onChange={(event) => setName(event.target.value)}
        />
      </label>{" "}
      <button type="submit" className="button primary" disabled={name.trim() === ""}>
        Save
      </button>
    </form>
  );
}

function SectionChanges({ section, onRestore }: { section: SectionComparison; onRestore?: () => void }) {
  const textChanged = section.text.some((change) => change.kind !== "same" || change.marks);
  const { added, removed, changed } = section.rows;
  const totalsChanged = section.totals && section.totals.from.inScope !== section.totals.to.inScope;
  return (
    <section className="history__section" data-testid="history-section-changes" data-section={section.key}>
      <h4>{section.title}</h4>
      {textChanged ? (
        <p className="history__text">
          {section.text.map((change, index) =>
            change.kind === "added" ? (
              <ins key={index}>{change.text}</ins>
            ) : change.kind === "removed" ? (
              <del key={index}>{change.text}</del>
            ) : change.marks ? (
              <span
                key={index}
                className="history__format"
                title={`Formatting: ${change.marks.from.join(", ") || "plain"} → ${change.marks.to.join(", ") || "plain"}`}
              >
                {change.text}
              </span>
            ) : (
              <span key={index}>{change.text}</span>
            ),
          )}
        </p>
      ) : null}
      {added.length + removed.length + changed.length > 0 ? (
        <table className="history__cells">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Field</th>
              <th scope="col">Was</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {added.map((row) => (
              <tr key={`a${String(row.id)}`} className="history__row--added">
                <td>Added</td>
                <td colSpan={3}>
                  <ins>{rowSummary(row)}</ins>
                </td>
              </tr>
            ))}
            {removed.map((row) => (
              <tr key={`r${String(row.id)}`} className="history__row--removed">
                <td>Removed</td>
                <td colSpan={3}>
                  <del>{rowSummary(row)}</del>
                </td>
              </tr>
            ))}
            {changed.map((cell) => (
              <tr key={`${cell.id}:${cell.field}`}>
                <td>{cell.row || "Changed"}</td>
                <td>{fieldLabel(cell.field)}</td>
                <td>
                  <del>{cellText(cell.field, cell.from)}</del>
                </td>
                <td>
                  <ins>{cellText(cell.field, cell.to)}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {totalsChanged ? (
        <p className="history__totals">
          Single budget total: {formatPounds(section.totals!.from.inScope)} → {formatPounds(section.totals!.to.inScope)}
        </p>
      ) : null}
      {onRestore ? (
        <button type="button" className="button" onClick={onRestore}>
          Restore this section
        </button>
      ) : null}
    </section>
  );
}

/** A version's rows, read-only: one column per field any row has. */
function RowsTable({ rows }: { rows: Record<string, unknown>[] }) {
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter(
    (field) => field !== "id" && field !== "rowType",
  );
  return (
    <table className="history__cells">
      <thead>
        <tr>
          {fields.map((field) => (
            <th key={field} scope="col">
              {fieldLabel(field)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={String(row.id)}>
            {fields.map((field) => (
              <td key={field}>{cellOf(field, row[field])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function cellOf(field: string, value: unknown): string {
  if (field === "amounts" && typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([year, pence]) => `${year}: ${typeof pence === "number" ? formatPounds(pence) : String(pence)}`)
      .join(", ");
  }
  return typeof value === "string" ? value : "";
}

function rowSummary(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(([name, value]) => name !== "id" && name !== "amounts" && typeof value === "string" && value !== "")
    .map(([, value]) => value)
    .join(" · ");
}

/** "fundingLine" as "funding line", "amounts.2012-13" as "2012-13". */
function fieldLabel(field: string): string {
  if (field.startsWith("amounts.")) return field.slice("amounts.".length);
  return field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function cellText(field: string, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (field.startsWith("amounts.") && typeof value === "number") return formatPounds(value);
  return String(value);
}

function groupByDay(versions: VersionItem[]): [string, VersionItem[]][] {
  const days = new Map<string, VersionItem[]>();
  for (const version of versions) {
    const day = formatLongDate(new Date(version.createdAt));
    days.set(day, [...(days.get(day) ?? []), version]);
  }
  return [...days];
}
