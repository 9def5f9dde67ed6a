import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import { ProtocolRefusal } from "../../server/collab/errors.server";
import { COLLAB_LIMITS } from "../../server/limits.server";
import { checkUpdate, documentRules } from "../../server/collab/update-validation.server";

const rules = documentRules([
  { key: "intro", kind: "text" },
  { key: "budget", kind: "budget" },
]);

/** The server's document and a client that has synced it, so that client edits are deltas. */
function pair() {
  const server = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Existing words")]);
  server.getXmlFragment(sectionFragmentName("intro")).insert(0, [paragraph]);
  addRow(server, "budget", "budget", { organisation: "Swindon" });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** What the client's edit makes, as one update against the server's state. */
function edit(server: Y.Doc, client: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(server);
  client.transact(change);
  return Y.encodeStateAsUpdate(client, before);
}

function refusal(server: Y.Doc, update: Uint8Array): string | null {
  try {
    checkUpdate(server, update, rules);
    return null;
  } catch (error) {
    if (error instanceof ProtocolRefusal) return error.reason;
    throw error;
  }
}

/**
 * Inserts `depth` elements each inside the last at `index` of `parent`, then a paragraph in
 * the innermost; one level at a time, as Yjs integrates a prepared tree recursively.
 */
function nestInto(parent: Y.XmlFragment | Y.XmlElement, index: number, name: string, depth: number): void {
  let current: Y.XmlFragment | Y.XmlElement = parent;
  let at = index;
  for (let i = 0; i < depth; i++) {
    const child: Y.XmlElement = new Y.XmlElement(name);
    current.insert(at, [child]);
    current = current.get(at) as Y.XmlElement;
    at = 0;
  }
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("deep")]);
  current.insert(0, [paragraph]);
}

describe("checking a client's update against the plan's document schema", () => {
  it("takes what the editor makes: text typed into a paragraph, formatting, a new list, a row field, a row's Y.Text", () => {
    const { server, client } = pair();
    const fragment = client.getXmlFragment(sectionFragmentName("intro"));
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const updates = [
      edit(server, client, () => text.insert(8, "and new ")),
      edit(server, client, () =>
        text.format(0, 8, { bold: true, link: { href: "https://example.org", target: "_blank" } }),
      ),
      edit(server, client, () => {
        const list = new Y.XmlElement("bulletList");
        const item = new Y.XmlElement("listItem");
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText("a point")]);
        item.insert(0, [paragraph]);
        list.insert(0, [item]);
        fragment.insert(1, [list]);
      }),
      edit(server, client, () => {
        const row = (client.getMap(sectionDataName("budget")).get("rows") as Y.Array<Y.Map<unknown>>).get(0);
        row.set("notes", "pooled from April");
        row.set("description", new Y.Text("typed together"));
        (row.get("amounts") as Y.Map<number>).set("2013-14", 120000);
      }),
    ];
    for (const update of updates) {
      expect(refusal(server, update)).toBeNull();
      Y.applyUpdate(server, update);
    }
  });

  it("takes a table in a narrative, as the editor makes one (rows of header and body cells holding paragraphs)", () => {
    const { server, client } = pair();
    const update = edit(server, client, () => {
      const table = new Y.XmlElement("table");
      for (const cellType of ["tableHeader", "tableCell"]) {
        const row = new Y.XmlElement("tableRow");
        for (let i = 0; i < 2; i++) {
          const cell = new Y.XmlElement(cellType);
          const paragraph = new Y.XmlElement("paragraph");
          paragraph.insert(0, [new Y.XmlText(`${cellType} ${i}`)]);
          cell.insert(0, [paragraph]);
          row.insert(i, [cell]);
        }
        table.push([row]);
      }
      client.getXmlFragment(sectionFragmentName("intro")).push([table]);
    });
    expect(refusal(server, update)).toBeNull();
  });

  it("refuses a root that is not one of the plan's sections, whatever its name", () => {
    const { server, client } = pair();
    for (const name of ["evil", "section:not-in-plan", "data:", "section:intro:x"]) {
      const update = edit(server, client, () => client.getMap(name).set("x", 1));
      expect(refusal(server, update)).toContain("unknown part");
    }
  });

  it("refuses element and mark names the editor's schema does not know", () => {
    const { server, client } = pair();
    const fragment = client.getXmlFragment(sectionFragmentName("intro"));
    expect(
      refusal(
        server,
        edit(server, client, () => fragment.insert(0, [new Y.XmlElement("iframe")])),
      ),
    ).toContain('unknown element "iframe"');
    const { server: s2, client: c2 } = pair();
    const text = (c2.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(
      refusal(
        s2,
        edit(s2, c2, () => text.format(0, 3, { onclick: "x" })),
      ),
    ).toContain('unknown formatting "onclick"');
  });

  it(`refuses nesting deeper than ${COLLAB_LIMITS.maxElementDepth} elements, also when it deepens content already there`, () => {
    const { server, client } = pair();
    const fragment = client.getXmlFragment(sectionFragmentName("intro"));
    const fits = edit(server, client, () => nestInto(fragment, 0, "blockquote", COLLAB_LIMITS.maxElementDepth - 1));
    expect(refusal(server, fits)).toBeNull();
    Y.applyUpdate(server, fits);
    let innermost = fragment.get(0) as Y.XmlElement;
    while (innermost.get(0) instanceof Y.XmlElement && (innermost.get(0) as Y.XmlElement).nodeName === "blockquote") {
      innermost = innermost.get(0) as Y.XmlElement;
    }
    const deeper = edit(server, client, () => nestInto(innermost, 0, "blockquote", 2));
    expect(refusal(server, deeper)).toContain("nested deeper");

    const { server: s2, client: c2 } = pair();
    const hostile = edit(s2, c2, () =>
      nestInto(c2.getXmlFragment(sectionFragmentName("intro")), 0, "blockquote", 3500),
    );
    expect(refusal(s2, hostile)).toContain("nested deeper");
  });

  it("refuses structured data nested past rows, row and amounts, and values that are not plain", () => {
    const { server, client } = pair();
    const amounts = () =>
      (client.getMap(sectionDataName("budget")).get("rows") as Y.Array<Y.Map<unknown>>)
        .get(0)
        .get("amounts") as Y.Map<unknown>;
    expect(
      refusal(
        server,
        edit(server, client, () => amounts().set("2013-14", new Y.Map())),
      ),
    ).toContain("nested too deeply");
    expect(
      refusal(
        server,
        edit(server, client, () => amounts().set("2014-15", { a: { b: { c: 1 } } })),
      ),
    ).toContain("nested too deeply");
    const { server: s2, client: c2 } = pair();
    expect(
      refusal(
        s2,
        edit(s2, c2, () => c2.getMap(sectionDataName("budget")).set("x", new Y.XmlFragment())),
      ),
    ).toContain("unknown kind");
  });

  it("refuses an update over the size limit before decoding it, and sets aside one that builds on changes the server has not had", () => {
    const { server, client } = pair();
    const big = new Uint8Array(COLLAB_LIMITS.maxUpdateBytes + 1);
    expect(refusal(server, big)).toContain("too large");
    const text = (client.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    edit(server, client, () => text.insert(0, "first "));
    edit(server, client, () => text.insert(0, "second "));
    expect(refusal(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toBeNull();
    const skipFirst = new Map(Y.decodeStateVector(Y.encodeStateVector(server)));
    skipFirst.set(client.clientID, Y.getState(server.store, client.clientID) + "first ".length);
    const afterGap = Y.encodeStateAsUpdate(client, Y.encodeStateVector(skipFirst));
    expect(refusal(server, afterGap)).toBeNull();
    expect(checkUpdate(server, afterGap, rules).complete).toBe(false);
  });

  it("lets a deletion through a spoiled section, so an editor can repair it", () => {
    const server = new Y.Doc();
    nestInto(server.getXmlFragment(sectionFragmentName("intro")), 0, "blockquote", 3500);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const removal = edit(server, client, () => client.getXmlFragment(sectionFragmentName("intro")).delete(0, 1));
    expect(refusal(server, removal)).toBeNull();
    expect(checkUpdate(server, removal, rules).adds).toBe(false);
  });
});

describe("updates carrying content their own client already collected", () => {
  it("are complete: a GC struct fills its clocks like the items it replaced", () => {
    const { server, client } = pair();
    const before = Y.encodeStateVector(server);
    const fragment = client.getXmlFragment(sectionFragmentName("intro"));
    const paragraph = (words: string) => {
      const element = new Y.XmlElement("paragraph");
      element.insert(0, [new Y.XmlText(words)]);
      return element;
    };
    // A paragraph written and dropped while offline: the client collects it before sending.
    client.transact(() => fragment.insert(1, [paragraph("gone")]));
    client.transact(() => fragment.delete(1, 1));
    client.transact(() => fragment.insert(1, [paragraph("kept")]));
    const update = Y.encodeStateAsUpdate(client, before);
    expect(Y.decodeUpdate(update).structs.some((struct) => struct instanceof Y.GC)).toBe(true);

    expect(checkUpdate(server, update, rules)).toEqual({ adds: true, complete: true });
    Y.applyUpdate(server, update);
    expect(server.getXmlFragment(sectionFragmentName("intro")).toString()).toBe(
      "<paragraph>Existing words</paragraph><paragraph>kept</paragraph>",
    );
  });
});
