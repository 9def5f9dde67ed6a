import { getSchema } from "@tiptap/core";
import { Node as PmNode } from "@tiptap/pm/model";
import { updateYFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { Refusal } from "../../app/shared/errors";
import { editText, textFieldNames } from "../../app/shared/section-rows";
import { richTextExtensions } from "../../app/shared/editor-extensions";
import type { TemplateSection } from "../../app/shared/template-schema";
import type { SectionContent } from "./version-content.server";

const schema = getSchema(richTextExtensions);

type RestoredSection = Pick<TemplateSection, "key" | "kind" | "title">;

/**
 * The edit that turns the live sections back into a version's content with the smallest
 * changes that do it: the narrative through y-prosemirror's `updateYFragment` (blocks that are
 * the same keep their identity, so words someone types into them meanwhile are kept), the
 * structured part row by row and cell by cell. Everything is read and checked first, so a
 * section that cannot be restored refuses the whole restore before anything changes.
 */
export function restoreEdit(sections: { section: RestoredSection; from: SectionContent }[]): (doc: Y.Doc) => void {
  const prepared = sections.map(({ section, from }) => ({ section, from, node: richTextNode(section.title, from) }));
  return (doc) => {
    for (const { section, from, node } of prepared) {
      const fragment = doc.getXmlFragment(sectionFragmentName(section.key));
      updateYFragment(doc, fragment, node, { mapping: new Map(), isOMark: new Map() });
      restoreData(doc.getMap(sectionDataName(section.key)), from.data, section.kind);
    }
  };
}

function richTextNode(title: string, from: SectionContent): PmNode {
  // An empty narrative is an empty fragment, which the schema's `block+` would refuse.
  if (!from.richText.content?.length) return schema.topNodeType.create();
  try {
    const node = PmNode.fromJSON(schema, from.richText);
    node.check();
    return node;
  } catch {
    throw new Refusal(
      "conflict",
      `the narrative of "${title}" in that version does not fit the editor; it cannot be restored`,
    );
  }
}

type RowJson = Record<string, unknown>;

function restoreData(live: Y.Map<unknown>, data: Record<string, unknown>, kind: TemplateSection["kind"]): void {
  const years = data.years;
  const liveYears = live.get("years");
  if (
    Array.isArray(years) &&
    liveYears instanceof Y.Array &&
    JSON.stringify(liveYears.toArray()) !== JSON.stringify(years)
  ) {
    liveYears.delete(0, liveYears.length);
    liveYears.insert(0, years.map(String));
  }
  const rows = live.get("rows");
  if (!(rows instanceof Y.Array) || !Array.isArray(data.rows)) return;
  const wanted = (data.rows as unknown[]).filter((row): row is RowJson => typeof row === "object" && row !== null);
  const wantedIds = new Set(wanted.map((row) => String(row.id)));
  for (let index = rows.length - 1; index >= 0; index--) {
    const row = rows.get(index);
    if (!(row instanceof Y.Map) || !wantedIds.has(String(row.get("id")))) rows.delete(index, 1);
  }
  // Rows kept stay where they are; a row brought back goes just after the row before it then.
  let after = -1;
  for (const old of wanted) {
    const index = (rows.toArray() as unknown[]).findIndex((row) => row instanceof Y.Map && row.get("id") === old.id);
    if (index >= 0) {
      restoreRow(rows.get(index) as Y.Map<unknown>, old);
      after = index;
    } else {
      rows.insert(after + 1, [newRow(old, kind)]);
      after += 1;
    }
  }
}

function restoreRow(row: Y.Map<unknown>, old: RowJson): void {
  for (const name of [...row.keys()]) if (!(name in old)) row.delete(name);
  for (const [name, value] of Object.entries(old)) {
    const current = row.get(name);
    if (name === "amounts" && typeof value === "object" && value !== null) {
      let amounts = current;
      if (!(amounts instanceof Y.Map)) amounts = row.set(name, new Y.Map<unknown>());
      const want = value as Record<string, unknown>;
      const map = amounts as Y.Map<unknown>;
      for (const year of [...map.keys()]) if (!(year in want)) map.delete(year);
      for (const [year, pence] of Object.entries(want)) if (map.get(year) !== pence) map.set(year, pence);
    } else if (current instanceof Y.Text) {
      editText(current, typeof value === "string" ? value : "");
    } else if (current !== value) {
      row.set(name, value);
    }
  }
}

function newRow(old: RowJson, kind: TemplateSection["kind"]): Y.Map<unknown> {
  const row = new Y.Map<unknown>();
  const texts = new Set(textFieldNames(kind, old.rowType));
  for (const [name, value] of Object.entries(old)) {
    if (name === "amounts" && typeof value === "object" && value !== null) {
      const amounts = new Y.Map<unknown>();
      for (const [year, pence] of Object.entries(value)) amounts.set(year, pence);
      row.set(name, amounts);
    } else if (texts.has(name)) {
      row.set(name, new Y.Text(typeof value === "string" ? value : ""));
    } else {
      row.set(name, value);
    }
  }
  return row;
}
