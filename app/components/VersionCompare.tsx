import { formatPounds } from "~/shared/budget";
import { formatDateTime } from "~/shared/dates";
import { versionTitle } from "~/shared/version-labels";
import type { SectionComparison } from "../../server/versions/compare.server";
import type { PendingRestore, VersionItem } from "./useVersionHistory";
import { cellText, fieldLabel, rowSummary } from "./version-cells";

/**
 * Two versions (or one and now) compared: the pickers, then each changed section; compared
 * with now, those who may edit can restore one section as it was.
 */
export function VersionCompare({
  versions,
  from,
  to,
  sections,
  editable,
  titleOf,
  onCompare,
  onRestore,
}: {
  versions: VersionItem[] | null;
  from: number;
  to: number | "current";
  sections: SectionComparison[] | null;
  editable: boolean;
  titleOf: (id: number | "current") => string;
  onCompare: (from: number, to: number | "current") => void;
  onRestore: (restore: PendingRestore) => void;
}) {
  return (
    <div className="history__compare" data-testid="history-compare">
      <p className="history__pick">
        <label>
          From{" "}
          <select value={from} onChange={(event) => onCompare(Number(event.target.value), to)}>
            <VersionOptions versions={versions} />
          </select>
        </label>{" "}
        <label>
          to{" "}
          <select
            value={to}
            onChange={(event) =>
              onCompare(from, event.target.value === "current" ? "current" : Number(event.target.value))
            }
          >
            <option value="current">Now</option>
            <VersionOptions versions={versions} />
          </select>
        </label>
      </p>
      {sections === null ? <p>Comparing…</p> : null}
      {sections && sections.every((section) => !section.changed) ? (
        <p>
          No changes between {titleOf(from)} and {titleOf(to)}.
        </p>
      ) : null}
      {sections
        ?.filter((section) => section.changed)
        .map((section) => (
          <SectionChanges
            key={section.key}
            section={section}
            onRestore={
              editable && to === "current"
                ? () => {
                    const version = versions?.find((candidate) => candidate.id === from);
                    if (version) onRestore({ version, sections: [section.key], label: `“${section.title}” as it was` });
                  }
                : undefined
            }
          />
        ))}
    </div>
  );
}

function VersionOptions({ versions }: { versions: VersionItem[] | null }) {
  return (
    <>
      {versions?.map((version) => (
        <option key={version.id} value={version.id}>
          {versionTitle(version)}, {formatDateTime(version.createdAt)}
        </option>
      ))}
    </>
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
