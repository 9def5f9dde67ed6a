import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import {
  addRow,
  addYear,
  deleteRow,
  initialiseStructuredSections,
  moveRow,
  rowsOf,
  setAmount,
  setField,
} from "../../app/shared/section-rows";
import { normaliseSectionData } from "../../app/shared/section-values";
import type { PlanTemplate } from "../../app/shared/template-schema";
import { ProtocolRefusal } from "../../server/collab/errors.server";
import { checkUpdate, documentRules } from "../../server/collab/update-validation.server";
import { TABLE_LIMITS } from "../../server/limits.server";
import { sectionData, sectionRichTextJson } from "../../server/plans/plan-content.server";
import { sectionContentHash } from "../../server/signoffs/section-content.server";

const SECTIONS = [
  { key: "intro", kind: "text" },
  { key: "budget", kind: "budget" },
  { key: "timescales", kind: "milestones" },
  { key: "outcomes", kind: "outcomes" },
] as const;
const rules = documentRules(SECTIONS);

function pair() {
  const server = new Y.Doc();
  initialiseStructuredSections(server, { sections: SECTIONS } as unknown as PlanTemplate);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Existing words")]);
  server.getXmlFragment(sectionFragmentName("intro")).insert(0, [paragraph]);
  const budgetRow = addRow(server, "budget", "budget", { organisation: "Swindon", treatment: "pooled" });
  setAmount(server, "budget", budgetRow, "2013-14", 120_000);
  addRow(server, "timescales", "milestones", { milestone: "Board", due: "2030-01-31", status: "at-risk" });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client, budgetRow };
}

function edit(server: Y.Doc, client: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(server);
  client.transact(change);
  return Y.encodeStateAsUpdate(client, before);
}

/** Checks the client's edit; applies it to the server when taken. The refusal's reason, or null. */
function send(server: Y.Doc, client: Y.Doc, change: () => void): string | null {
  const update = edit(server, client, change);
  try {
    checkUpdate(server, update, rules);
  } catch (error) {
    if (error instanceof ProtocolRefusal) return error.reason;
    throw error;
  }
  Y.applyUpdate(server, update);
  return null;
}

/** `send` from a client of a fresh pair, so an earlier refused edit is not sent again. */
function sendFresh(change: (client: Y.Doc) => void): string | null {
  const { server, client } = pair();
  return send(server, client, () => change(client));
}

const rows = (doc: Y.Doc, key: string) => doc.getMap(sectionDataName(key)).get("rows") as Y.Array<unknown>;
const firstRow = (doc: Y.Doc, key: string) => rows(doc, key).get(0) as Y.Map<unknown>;

describe("the table schema in the update check", () => {
  it("takes what the table editor makes in every kind: rows, cells typed, selects, dates, amounts, moves, years", () => {
    const { server, client, budgetRow } = pair();
    expect(
      send(server, client, () => addRow(client, "outcomes", "outcomes", { outcome: "Fewer", scope: "local" })),
    ).toBeNull();
    expect(send(server, client, () => setField(client, "budget", budgetRow, "notes", "from April"))).toBeNull();
    expect(send(server, client, () => setField(client, "budget", budgetRow, "treatment", "out-of-scope"))).toBeNull();
    expect(send(server, client, () => setField(client, "budget", budgetRow, "treatment", ""))).toBeNull();
    expect(
      send(server, client, () => setAmount(client, "budget", budgetRow, "2014-15", -99_999_999_999_999)),
    ).toBeNull();
    expect(send(server, client, () => setAmount(client, "budget", budgetRow, "2014-15", null))).toBeNull();
    expect(
      send(server, client, () => addRow(client, "budget", "budget", { rowType: "asset", assetType: "staff" })),
    ).toBeNull();
    expect(send(server, client, () => moveRow(client, "budget", budgetRow, 1))).toBeNull();
    expect(send(server, client, () => addYear(client, "budget", "2015-16"))).toBeNull();
    const milestone = firstRow(client, "timescales").get("id") as string;
    expect(send(server, client, () => setField(client, "timescales", milestone, "due", "2031-02-28"))).toBeNull();
    expect(send(server, client, () => setField(client, "timescales", milestone, "status", "done"))).toBeNull();
    expect(send(server, client, () => deleteRow(client, "timescales", milestone))).toBeNull();
  });

  it("refuses rows that are not maps with an id, and values of the wrong type for their field", () => {
    const cases: [string, (doc: Y.Doc) => void, string][] = [
      ["a null row", (doc) => rows(doc, "timescales").push([null]), "not a map"],
      ["a number row", (doc) => rows(doc, "timescales").push([7]), "not a map"],
      ["an array in rows", (doc) => rows(doc, "timescales").push([new Y.Array()]), "wrong kind"],
      ["NaN", (doc) => (firstRow(doc, "budget").get("amounts") as Y.Map<unknown>).set("2013-14", NaN), "NaN"],
      [
        "Infinity",
        (doc) => (firstRow(doc, "budget").get("amounts") as Y.Map<unknown>).set("2013-14", -Infinity),
        "Infinity",
      ],
      [
        "a fraction of a penny",
        (doc) => (firstRow(doc, "budget").get("amounts") as Y.Map<unknown>).set("y", 1.5),
        "1.5",
      ],
      [
        "past £1 trillion",
        (doc) => (firstRow(doc, "budget").get("amounts") as Y.Map<unknown>).set("y", 1e15),
        "1000000000000000",
      ],
      ["a text amount", (doc) => (firstRow(doc, "budget").get("amounts") as Y.Map<unknown>).set("y", "5"), '"5"'],
      ["a date that is not one", (doc) => firstRow(doc, "timescales").set("due", "2030-02-30"), "a date"],
      ["a date as a number", (doc) => firstRow(doc, "timescales").set("due", 20300101), "a date"],
      ["a select outside its options", (doc) => firstRow(doc, "timescales").set("status", "finished"), "its options"],
      ["a null select", (doc) => firstRow(doc, "timescales").set("status", null), "its options"],
      ["an unknown field", (doc) => firstRow(doc, "timescales").set("colour", "red"), 'unknown field "colour"'],
      ["a boolean in a text field", (doc) => firstRow(doc, "timescales").set("owner", true), "text of at most"],
      ["a numeric id", (doc) => firstRow(doc, "timescales").set("id", 5), "row id"],
      ["a row type of its own", (doc) => firstRow(doc, "budget").set("rowType", "loan"), '"funding" or "asset"'],
      ["a map where text goes", (doc) => firstRow(doc, "timescales").set("owner", new Y.Map()), "wrong kind"],
      ["text in a date field", (doc) => firstRow(doc, "timescales").set("due", new Y.Text("soon")), "takes a value"],
      ["an entry beside rows", (doc) => doc.getMap(sectionDataName("budget")).set("totals", 1), 'table entry "totals"'],
      [
        "a table in a narrative section",
        (doc) => doc.getMap(sectionDataName("intro")).set("rows", new Y.Array()),
        "wrong kind",
      ],
      [
        "a year that is a number",
        (doc) => (doc.getMap(sectionDataName("budget")).get("years") as Y.Array<unknown>).push([2016]),
        "year label",
      ],
      [
        "formatting in a cell",
        (doc) => (firstRow(doc, "budget").get("organisation") as Y.Text).format(0, 2, { bold: true }),
        "plain text",
      ],
    ];
    for (const [name, change, reason] of cases) {
      const { server, client } = pair();
      expect(
        send(server, client, () => change(client)),
        name,
      ).toContain(reason);
    }
  });

  it(`holds a section to ${TABLE_LIMITS.maxRowsPerSection} rows, counting rows deleted in the same update`, () => {
    const { server, client } = pair();
    const filler = () => {
      const maps = [];
      for (let i = rows(client, "outcomes").length; i < TABLE_LIMITS.maxRowsPerSection; i++) {
        const row = new Y.Map<unknown>();
        row.set("id", `r${i}`);
        maps.push(row);
      }
      rows(client, "outcomes").push(maps);
    };
    expect(send(server, client, filler)).toBeNull();
    expect(send(server, client, () => addRow(client, "outcomes", "outcomes"))).toContain("more than 5,000 rows");
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
    expect(send(server, fresh, () => moveRow(fresh, "outcomes", "r10", 1))).toBeNull();
    expect(rowsOf(server, "outcomes").length).toBe(TABLE_LIMITS.maxRowsPerSection);
  });

  it(`holds a text cell to ${TABLE_LIMITS.maxCellChars.toLocaleString("en-GB")} characters, typed or set, counting what the update deletes`, () => {
    const { server, client, budgetRow } = pair();
    const cell = () => firstRow(client, "budget").get("notes") as Y.Text;
    const full = "x".repeat(TABLE_LIMITS.maxCellChars);
    expect(send(server, client, () => setField(client, "budget", budgetRow, "notes", full))).toBeNull();
    expect(send(server, client, () => cell().insert(0, "y"))).toContain("characters in a table cell");
    expect(
      send(server, client, () => setField(client, "budget", budgetRow, "notes", "z".repeat(full.length))),
    ).toBeNull();
    expect(send(server, client, () => firstRow(client, "budget").set("notes", new Y.Text(`${full}!`)))).toContain(
      "characters in a table cell",
    );
    expect(send(server, client, () => firstRow(client, "budget").set("quantity", `${full}!`))).toContain(
      "text of at most",
    );
  });

  it("holds a run to one mark of each kind, each with small attributes (600 marks on a run were taken)", () => {
    const text = (client: Y.Doc) =>
      (client.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const marks = Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [`bold--${String(i).padStart(8, "A")}`, true]),
    );
    expect(sendFresh((client) => text(client).format(0, 4, marks))).toContain("repeated");
    const href = `https://example.org/${"a".repeat(TABLE_LIMITS.maxMarkAttributeBytes)}`;
    expect(sendFresh((client) => text(client).format(0, 4, { link: { href } }))).toContain("attributes too large");
    expect(
      sendFresh((client) =>
        text(client).format(0, 4, { bold: true, italic: true, link: { href: "https://a.example" } }),
      ),
    ).toBeNull();
  });
});

describe("the tolerant reader", () => {
  it("leaves a valid section as it was, so the sign-off hashes of existing plans do not change", () => {
    const { server } = pair();
    addRow(server, "outcomes", "outcomes", { outcome: "Fewer families in crisis", scope: "national", target: "10%" });
    addRow(server, "budget", "budget", { rowType: "asset", assetType: "building", description: "Hub", quantity: "2" });
    addYear(server, "budget", "2015-16");
    for (const key of ["budget", "timescales", "outcomes"]) {
      // The hash as it was worked out before the reader: Yjs's own JSON of the table.
      const before = createHash("sha256")
        .update(
          canonicalize({
            text: sectionRichTextJson(server, key),
            data: server.getMap(sectionDataName(key)).toJSON(),
          }) ?? "",
        )
        .digest("hex");
      expect(sectionContentHash(server, key), key).toBe(before);
    }
  });

  it("reads whatever a stored table holds as values, showing what does not fit as text", () => {
    const doc = new Y.Doc();
    const data = doc.getMap(sectionDataName("budget"));
    const list = new Y.Array<unknown>();
    data.set("rows", list);
    const row = new Y.Map<unknown>();
    const amounts = new Y.Map<unknown>();
    list.push([null, 5, row]);
    row.set("organisation", 12);
    row.set("treatment", null);
    row.set("amounts", amounts);
    amounts.set("2013-14", NaN);
    amounts.set("2014-15", Infinity);
    amounts.set("2015-16", 250);
    expect(sectionData(doc, "budget")).toEqual({
      rows: [
        { id: "row-at-0", invalid: "" },
        { id: "row-at-1", invalid: "5" },
        {
          id: "row-at-2",
          organisation: "12",
          treatment: "",
          amounts: { "2013-14": "NaN", "2014-15": "Infinity", "2015-16": 250 },
        },
      ],
    });
    expect(() => sectionContentHash(doc, "budget")).not.toThrow();
  });

  it("never throws, and always gives rows that are maps with a string id and string or bounded values", () => {
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: false, withNullPrototype: true }),
        fc.anything(),
        (rowsValue, other) => {
          const out = normaliseSectionData({ rows: Array.isArray(rowsValue) ? rowsValue : [rowsValue], other });
          for (const row of out.rows ?? []) {
            expect(typeof row.id).toBe("string");
            for (const [name, value] of Object.entries(row)) {
              if (name === "amounts" && typeof value === "object") {
                for (const pence of Object.values(value)) {
                  if (typeof pence === "number") expect(Number.isSafeInteger(pence)).toBe(true);
                  else expect(typeof pence).toBe("string");
                }
              } else expect(typeof value).toBe("string");
            }
          }
          expect(canonicalize(out)).toBeTypeOf("string");
        },
      ),
      { numRuns: 300 },
    );
  });
});
