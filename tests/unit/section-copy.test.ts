import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import { copyOfRoots, rootsWritten } from "../../server/collab/section-copy.server";

function paragraphText(doc: Y.Doc, key: string, index = 0): Y.XmlText {
  return (doc.getXmlFragment(sectionFragmentName(key)).get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

/** A plan of two narratives and a table, written by two people, with deletions in both narratives. */
function plan() {
  const doc = new Y.Doc();
  for (const key of ["intro", "other"]) {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.setAttribute("textAlign", "left");
    paragraph.insert(0, [new Y.XmlText()]);
    doc.getXmlFragment(sectionFragmentName(key)).insert(0, [paragraph]);
    paragraphText(doc, key).insert(0, `The ${key} words, some of them struck.`);
    paragraphText(doc, key).delete(4, 6);
  }
  addRow(doc, "budget", "budget", { organisation: "Swindon" });
  const second = new Y.Doc();
  Y.applyUpdate(second, Y.encodeStateAsUpdate(doc));
  paragraphText(second, "intro").insert(0, "First: ", { bold: true });
  paragraphText(second, "other").insert(0, "Also: ");
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(second, Y.encodeStateVector(doc)));
  paragraphText(doc, "intro").delete(0, 3);
  return doc;
}

function itemsIn(doc: Y.Doc): number {
  let count = 0;
  for (const structs of doc.store.clients.values()) count += structs.filter((s) => s instanceof Y.Item).length;
  return count;
}

describe("a copy of some sections", () => {
  it("holds those sections as they are, deletions included, and nothing of the others", () => {
    const doc = plan();
    const copy = copyOfRoots(doc, [doc.getXmlFragment(sectionFragmentName("intro"))]);
    expect(copy.getXmlFragment(sectionFragmentName("intro")).toJSON()).toBe(
      doc.getXmlFragment(sectionFragmentName("intro")).toJSON(),
    );
    expect(paragraphText(copy, "intro").toDelta()).toEqual(paragraphText(doc, "intro").toDelta());
    expect(copy.getXmlFragment(sectionFragmentName("other")).length).toBe(0);
    expect(copy.getMap(sectionDataName("budget")).size).toBe(0);
    expect(itemsIn(copy)).toBeLessThan(itemsIn(doc));
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc));
  });

  it("takes the document's later updates in step, wherever they write, and stays equal in its sections", () => {
    const doc = plan();
    const copy = copyOfRoots(doc, [doc.getXmlFragment(sectionFragmentName("intro"))]);
    doc.on("update", (update: Uint8Array) => Y.applyUpdate(copy, update));
    paragraphText(doc, "intro").insert(5, "new ");
    paragraphText(doc, "intro").delete(0, 2);
    paragraphText(doc, "other").insert(2, "elsewhere ");
    doc.getXmlFragment(sectionFragmentName("other")).insert(1, [new Y.XmlElement("paragraph")]);
    (doc.getMap(sectionDataName("budget")).get("rows") as Y.Array<Y.Map<unknown>>).get(0).set("organisation", "Bath");
    expect(copy.getXmlFragment(sectionFragmentName("intro")).toJSON()).toBe(
      doc.getXmlFragment(sectionFragmentName("intro")).toJSON(),
    );
    expect(copy.store.pendingStructs).toBeNull();
    expect(copy.store.pendingDs).toBeNull();
  });
});

describe("the roots an update writes into", () => {
  it("are found from the document for edits and deletions, and from the update for what it adds", () => {
    const doc = plan();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
    const edit = (change: () => void) => {
      const before = Y.encodeStateVector(doc);
      client.transact(change);
      const update = Y.encodeStateAsUpdate(client, before);
      const written = rootsWritten(doc, update);
      Y.applyUpdate(doc, update);
      return written;
    };
    const intro = sectionFragmentName("intro");
    const other = sectionFragmentName("other");
    const names = (written: ReturnType<typeof rootsWritten>) =>
      [...written.roots].map((root) => [...doc.share].find(([, type]) => type === root)?.[0]);
    expect(names(edit(() => paragraphText(client, "intro").insert(3, "x")))).toEqual([intro]);
    expect(names(edit(() => paragraphText(client, "other").delete(0, 4)))).toEqual([other]);
    expect(
      names(
        edit(() => {
          const paragraph = new Y.XmlElement("paragraph");
          paragraph.insert(0, [new Y.XmlText("deep")]);
          client.getXmlFragment(intro).insert(1, [paragraph]);
          (paragraph.get(0) as Y.XmlText).insert(0, "more ");
        }),
      ),
    ).toEqual([intro]);
    const fresh = edit(() => client.getXmlFragment(sectionFragmentName("new")).insert(0, [new Y.XmlText("x")]));
    expect([...fresh.newRootNames]).toEqual([sectionFragmentName("new")]);
  });
});
