import { formatDateTime } from "~/shared/dates";
import { versionTitle } from "~/shared/version-labels";
import type { VersionItem, VersionSection } from "./useVersionHistory";
import { cellOf, fieldLabel } from "./version-cells";

/** One version opened read-only: each section's text and rows as they were. */
export function VersionReading({ version, sections }: { version: VersionItem; sections: VersionSection[] | null }) {
  return (
    <div className="history__version" data-testid="history-open">
      <h3>
        {versionTitle(version)}, {formatDateTime(version.createdAt)} (read-only)
      </h3>
      {sections === null ? <p>Loading…</p> : null}
      {sections?.map((section) => (
        <section key={section.key} className="history__section">
          <h4>{section.title}</h4>
          {section.text ? <p className="history__text">{section.text}</p> : null}
          {section.data.rows?.length ? <RowsTable rows={section.data.rows} /> : null}
        </section>
      ))}
    </div>
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
