import { formatDateTime } from "~/shared/dates";
import { isStructuredKind } from "~/shared/structured-fields";
import { versionTitle } from "~/shared/version-labels";
import { NarrativeReading, TablesReading } from "./SectionReading";
import type { VersionItem, VersionSection } from "./useVersionHistory";

/**
 * One version opened read-only, drawn as the plan page draws a section before its editors
 * arrive (SectionReading): tables with the page's headings in its order, a budget's totals, then
 * the narrative with its own tables and formatting.
 */
export function VersionReading({ version, sections }: { version: VersionItem; sections: VersionSection[] | null }) {
  return (
    <div className="history__version" data-testid="history-open">
      <h3>
        {versionTitle(version)}, {formatDateTime(version.createdAt)} (read-only)
      </h3>
      {sections === null ? <p>Loading…</p> : null}
      {sections?.map((section) => (
        <section key={section.key} className="history__section" data-section={section.key}>
          <h4>{section.title}</h4>
          {isStructuredKind(section.kind) ? (
            <>
              <TablesReading kind={section.kind} title={section.title} data={section.data} headingLevel={5} />
              <h5 className="structured__heading">Narrative</h5>
            </>
          ) : null}
          <NarrativeReading richText={section.richText} title={`${section.title}, as it was`} editable={false} />
        </section>
      ))}
    </div>
  );
}
