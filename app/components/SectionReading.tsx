import { createElement, Fragment, memo, useContext, useRef, type CSSProperties, type ReactNode } from "react";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import { budgetTotals, formatPounds, type BudgetData, type TotalLine } from "~/shared/budget";
import {
  isTextblock,
  markSpec as drawnMark,
  nodeSpec,
  readDoc,
  type ReadingMark,
  type ReadingNode,
  type Spec,
} from "~/shared/reading-doc";
import { isSuggestionMark, parseSuggestionId, suggestionLabel } from "~/shared/suggestion-ids";
import { SuggestionAuthors, type AuthorNames } from "./suggestion-authors";
import { ScrollBox } from "./ScrollBox";
import { useServedMarkup } from "./served-markup";
import { WRITING_TOOLS } from "./writing-tools";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  STRUCTURED_FIELDS,
  type FieldDef,
  type StructuredKind,
} from "~/shared/structured-fields";

/**
 * A section's words as the server read them, drawn the way its editors will draw them, for the
 * page's first HTML: the plan can be read before its editors are built, and without scripts.
 * Decision 0033.
 */

/**
 * The narrative, drawn as the editor's schema draws it (each node's and mark's `toDOM`, see
 * reading-doc.ts), so the markup, and with it the layout, is the editor's. React writes every
 * text and attribute, so nothing in a plan is ever read as HTML; links keep the editor's own
 * check of their address.
 */
export const NarrativeReading = memo(function NarrativeReading({
  richText,
  title,
  editable,
}: {
  richText: SectionReadingCopy["richText"];
  title: string;
  editable: boolean;
}) {
  const authors = useContext(SuggestionAuthors);
  const text = useRef<HTMLDivElement>(null);
  const words = useServedMarkup(text, [richText, editable, authors], () =>
    narrativeContent(richText, editable, authors),
  );
  return (
    <>
      {editable ? <ToolbarStandIn /> : null}
      <div className="section-editor section-reading" data-testid="section-reading">
        <div
          ref={text}
          className={`tiptap reading-text${editable ? "" : " reading-text--read-only"}`}
          aria-label={`${title}: narrative`}
          role="document"
          // Tab reaches the words as it reaches an editor; focus here builds the editor and moves into it.
          tabIndex={0}
          {...words}
        />
      </div>
    </>
  );
});

/** What the narrative's text box holds: its blocks, or the editor's placeholder when it is empty. */
export function narrativeContent(
  richText: SectionReadingCopy["richText"],
  editable: boolean,
  authors: AuthorNames,
): ReactNode {
  const doc = parsedDoc(richText);
  const first = doc.content[0];
  const empty = doc.content.length === 0 || (doc.content.length === 1 && isTextblock(first!) && !first!.content.length);
  return empty ? (
    <p
      className="is-editor-empty"
      data-placeholder={editable ? "Write this section's narrative…" : "Nothing written yet."}
    >
      <br className="ProseMirror-trailingBreak" />
    </p>
  ) : (
    children(doc, authors)
  );
}

/**
 * The writing toolbar's buttons, inert, where the editor's toolbar will be: the words below it
 * then start where they will stay.
 */
function ToolbarStandIn() {
  return (
    <div className="writing-toolbar writing-toolbar--stand-in needs-scripts" aria-hidden="true">
      {WRITING_TOOLS.map((tool) => (
        <button
          key={tool.label}
          type="button"
          tabIndex={-1}
          disabled
          className={`writing-toolbar__button writing-toolbar__button--${tool.label.toLowerCase().replace(/\W+/g, "-")}`}
        >
          {tool.icon}
        </button>
      ))}
      <button type="button" tabIndex={-1} disabled className="writing-toolbar__button writing-toolbar__button--text">
        Suggesting
      </button>
    </div>
  );
}

/** A stored section the schema cannot read (an unknown node) is still shown, as its plain text. */
function parsedDoc(richText: SectionReadingCopy["richText"]): ReadingNode {
  try {
    return readDoc(richText);
  } catch {
    const lines: string[] = [];
    const stack = [richText];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if ("text" in node && typeof node.text === "string") lines.push(node.text);
      for (const child of [...(node.content ?? [])].reverse()) stack.push(child as typeof richText);
    }
    const paragraph = (line: string): ReadingNode => ({
      type: "paragraph",
      attrs: {},
      marks: [],
      content: line ? [{ type: "text", attrs: {}, marks: [], content: [], text: line }] : [],
    });
    return { type: "doc", attrs: {}, marks: [], content: lines.map(paragraph) };
  }
}

function children(node: ReadingNode, authors: AuthorNames): ReactNode[] {
  return node.content.map((child, index) => <Fragment key={index}>{rendered(child, authors)}</Fragment>);
}

function rendered(node: ReadingNode, authors: AuthorNames): ReactNode {
  if (node.text !== undefined) {
    return node.marks.reduceRight<ReactNode>((inner, mark) => fromSpec(markSpec(mark, authors), inner), node.text);
  }
  const spec = nodeSpec(node);
  if (!spec) return children(node, authors);
  // ProseMirror puts a break in an empty text block so it keeps a line's height; so does this.
  const content =
    isTextblock(node) && node.content.length === 0 ? (
      <br className="ProseMirror-trailingBreak" />
    ) : (
      children(node, authors)
    );
  return fromSpec(spec, content);
}

function markSpec(mark: ReadingMark, authors: AuthorNames): Spec {
  const spec = drawnMark(mark);
  const kind = mark.type;
  const name = isSuggestionMark(kind) ? authors[parseSuggestionId(mark.attrs.id)?.authorId ?? ""] : undefined;
  if (!name || !isSuggestionMark(kind) || !Array.isArray(spec)) return spec;
  // The suggestion's author by name, as the editor's hover and focus give it (suggestion-authors).
  const [tag, attrs, ...rest] = spec as [string, Record<string, unknown>, ...unknown[]];
  return [tag, { ...attrs, title: suggestionLabel(kind, mark.attrs.id, name) }, ...rest];
}

/** A DOMOutputSpec (`[tag, attrs?, ...children]`, where `0` is where the content goes) as React elements. */
export function fromSpec(spec: Spec, content: ReactNode): ReactNode {
  if (typeof spec === "string") return spec;
  if (!Array.isArray(spec)) return content;
  const [tag, ...rest] = spec as readonly unknown[];
  const hasAttrs = rest[0] !== null && typeof rest[0] === "object" && !Array.isArray(rest[0]);
  const attrs = hasAttrs ? reactProps(rest[0] as Record<string, unknown>) : {};
  const kids = (hasAttrs ? rest.slice(1) : rest).map((child, index) =>
    child === 0 ? (
      <Fragment key={index}>{content}</Fragment>
    ) : (
      <Fragment key={index}>{fromSpec(child as Spec, content)}</Fragment>
    ),
  );
  const name = String(tag).split(" ").pop()!;
  return kids.length > 0 ? createElement(name, attrs, ...kids) : createElement(name, attrs);
}

const REACT_NAMES: Record<string, string> = { class: "className", colspan: "colSpan", rowspan: "rowSpan" };

function reactProps(attrs: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "style") props.style = styleObject(String(value));
    else
      props[REACT_NAMES[name] ?? name] = typeof value === "string" || typeof value === "number" ? value : String(value);
  }
  return props;
}

function styleObject(css: string): CSSProperties {
  const style: Record<string, string> = {};
  for (const declaration of css.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim();
    const name = property.startsWith("--")
      ? property
      : property.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    style[name] = declaration.slice(colon + 1).trim();
  }
  return style as CSSProperties;
}

type Row = Record<string, unknown>;

/**
 * A structured section's tables as text, with their headings and, for a budget, its totals.
 * `headingLevel` places its headings under the one that names the section (the page's h2).
 */
export const TablesReading = memo(function TablesReading({
  kind,
  title,
  data,
  headingLevel = 3,
}: {
  kind: StructuredKind;
  title: string;
  data: SectionReadingCopy["data"];
  headingLevel?: 3 | 4 | 5;
}) {
  const Heading = `h${headingLevel}` as const;
  const rows = (Array.isArray(data?.rows) ? data.rows : []).filter(
    (row): row is Row => row !== null && typeof row === "object",
  );
  if (kind !== "budget") {
    return (
      <div className="structured section-reading" data-kind={kind}>
        <ReadingTable caption={title} fields={STRUCTURED_FIELDS[kind]} rows={rows} years={[]} data={data} />
      </div>
    );
  }
  const totals = budgetTotals((data ?? {}) as BudgetData);
  return (
    <div className="structured budget section-reading" data-kind="budget">
      <p className="budget__years">Financial years: {totals.years.join(", ")}</p>
      <Heading className="structured__heading">Funding lines</Heading>
      <ReadingTable
        caption="Funding lines"
        fields={BUDGET_FUNDING_FIELDS}
        rows={rows.filter((row) => row.rowType !== "asset")}
        years={totals.years}
        data={data}
      />
      <Heading className="structured__heading">Assets</Heading>
      <ReadingTable
        caption="Assets"
        fields={BUDGET_ASSET_FIELDS}
        rows={rows.filter((row) => row.rowType === "asset")}
        years={totals.years}
        data={data}
      />
      <Heading className="structured__heading">Totals</Heading>
      <ReadingScrollBox label="Totals">
        <table className="totals" data-testid="reading-totals">
          <thead>
            <tr>
              <th scope="col">By treatment</th>
              {totals.years.map((year) => (
                <th key={year} scope="col" className="numeric">
                  {year}
                </th>
              ))}
              <th scope="col" className="numeric">
                Total
              </th>
            </tr>
          </thead>
          <ServedBody data={data}>
            {() => (
              <>
                {totals.byTreatment.map((line) => (
                  <TotalLineRow key={`t-${line.label}`} line={line} years={totals.years} />
                ))}
                <tr className="totals__subhead">
                  <th scope="rowgroup" colSpan={totals.years.length + 2}>
                    By organisation
                  </th>
                </tr>
                {totals.byOrganisation.map((line) => (
                  <TotalLineRow key={`o-${line.label}`} line={line} years={totals.years} />
                ))}
              </>
            )}
          </ServedBody>
          <tfoot>
            <TotalLineRow
              line={{ label: "All resources mapped", perYear: totals.byYear, total: totals.total }}
              years={totals.years}
            />
            <tr>
              <th scope="row">Single budget (excluding out of scope)</th>
              <td colSpan={totals.years.length} />
              <td className="numeric">{formatPounds(totals.inScope)}</td>
            </tr>
          </tfoot>
        </table>
      </ReadingScrollBox>
    </div>
  );
});

/**
 * The page's ScrollBox: a wide table scrolls sideways inside it, never the page, and says so
 * (a hint and a shadow) while columns are hidden, in the page and in the sign-off dialog alike.
 */
function ReadingScrollBox({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <ScrollBox label={label} {...(className ? { className } : {})}>
      {children}
    </ScrollBox>
  );
}

function TotalLineRow({ line, years }: { line: TotalLine; years: string[] }) {
  return (
    <tr>
      <th scope="row">{line.label}</th>
      {years.map((year) => (
        <td key={year} className="numeric">
          {formatPounds(line.perYear[year] ?? 0)}
        </td>
      ))}
      <td className="numeric">{formatPounds(line.total)}</td>
    </tr>
  );
}

/** A table's body drawn from a section's `data`, kept as the server drew it while the page hydrates. */
function ServedBody({ data, children }: { data: SectionReadingCopy["data"]; children: () => ReactNode }) {
  const body = useRef<HTMLTableSectionElement>(null);
  return <tbody ref={body} {...useServedMarkup(body, [data], children)} />;
}

function ReadingTable({
  caption,
  fields,
  rows,
  years,
  data,
}: {
  caption: string;
  fields: FieldDef[];
  rows: Row[];
  years: string[];
  /** The section's data the rows came from. */
  data: SectionReadingCopy["data"];
}) {
  return (
    <ReadingScrollBox label={caption} className="rows-table-wrap">
      <table className="rows-table rows-table--reading">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {fields.map((field) => (
              <th key={field.name} scope="col">
                {field.label}
              </th>
            ))}
            {years.map((year) => (
              <th key={year} scope="col" className="numeric">
                {year}
              </th>
            ))}
          </tr>
        </thead>
        <ServedBody data={data}>
          {() => (
            <>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={fields.length + years.length} className="muted empty-row">
                    No rows yet.
                  </td>
                </tr>
              ) : null}
              {rows.map((row, index) => (
                <tr key={typeof row.id === "string" ? row.id : index}>
                  {fields.map((field) => (
                    <td key={field.name}>{fieldValue(field, row[field.name])}</td>
                  ))}
                  {years.map((year) => (
                    <td key={year} className="numeric">
                      {amountText(row.amounts, year)}
                    </td>
                  ))}
                </tr>
              ))}
            </>
          )}
        </ServedBody>
      </table>
    </ReadingScrollBox>
  );
}

function fieldValue(field: FieldDef, value: unknown): string {
  const text = typeof value === "string" || typeof value === "number" ? String(value) : "";
  return field.options?.find((option) => option.value === text)?.label ?? text;
}

function amountText(amounts: unknown, year: string): string {
  const pence =
    amounts !== null && typeof amounts === "object" ? (amounts as Record<string, unknown>)[year] : undefined;
  return typeof pence === "number" ? formatPounds(pence) : "";
}
