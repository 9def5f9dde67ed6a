import { useState } from "react";
import { formatDateTime, formatLongDate } from "~/shared/dates";
import { VERSION_KIND_LABEL, versionTitle } from "~/shared/version-labels";
import type { PendingRestore, VersionItem } from "./useVersionHistory";

/** The plan's versions by day, each with its actions, and the form that saves a named one. */
export function VersionList({
  planId,
  versions,
  editable,
  onSave,
  onOpen,
  onCompareWithNow,
  onRestore,
}: {
  planId: string;
  versions: VersionItem[] | null;
  editable: boolean;
  onSave: (name: string) => Promise<void>;
  onOpen: (version: VersionItem) => void;
  onCompareWithNow: (version: VersionItem) => void;
  onRestore: (restore: PendingRestore) => void;
}) {
  return (
    <>
      {editable ? (
        <SaveVersionForm onSave={onSave} />
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
                  <button type="button" className="button" onClick={() => onOpen(version)}>
                    Open
                  </button>
                  <button type="button" className="button" onClick={() => onCompareWithNow(version)}>
                    {version.kind === "signoff" ? "What changed since sign-off" : "Compare with now"}
                  </button>
                  <a className="button" href={`/api/plans/${planId}/export.pdf?version=${version.id}`} download>
                    PDF
                  </a>
                  {editable ? (
                    <button
                      type="button"
                      className="button"
                      onClick={() => onRestore({ version, label: `“${versionTitle(version)}”` })}
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

function groupByDay(versions: VersionItem[]): [string, VersionItem[]][] {
  const days = new Map<string, VersionItem[]>();
  for (const version of versions) {
    const day = formatLongDate(new Date(version.createdAt));
    days.set(day, [...(days.get(day) ?? []), version]);
  }
  return [...days];
}
