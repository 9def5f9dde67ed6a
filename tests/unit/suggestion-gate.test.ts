import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import { newSuggestionId } from "../../app/shared/suggestion-marks";
import { ProtocolRefusal } from "../../server/collab/errors.server";
import { readSection, SuggestionGate } from "../../server/collab/suggestion-gate.server";

const REVIEWER = "user-reviewer";
const OTHER = "user-other";

/** The server's document (one paragraph with someone else's pending insertion and deletion) and a reviewer's synced copy. */
function setup() {
  const server = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  server.getXmlFragment(sectionFragmentName("intro")).insert(0, [paragraph]);
  server.getXmlFragment(sectionFragmentName("other")).insert(0, [new Y.XmlElement("paragraph")]);
  text.insert(0, "We fund twelve families.");
  const othersInsertion = newSuggestionId(OTHER);
  const othersDeletion = newSuggestionId(OTHER);
  text.insert(24, " Soon.", { insertion: { id: othersInsertion } });
  text.format(0, 2, { deletion: { id: othersDeletion } });
  addRow(server, "budget", "budget", { organisation: "Swindon" });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const gate = new SuggestionGate(server, new Set(["intro", "other", "budget"]));
  server.on("update", (update: Uint8Array) => gate.follow(update));
  const clientText = (client.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  return { server, client, gate, clientText, othersInsertion, othersDeletion };
}

function edit(server: Y.Doc, client: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(server);
  client.transact(change);
  return Y.encodeStateAsUpdate(client, before);
}

/** The gate's reason for refusing, or null when it takes the update (which is then applied). */
function verdict(server: Y.Doc, gate: SuggestionGate, update: Uint8Array, userId = REVIEWER): string | null {
  try {
    gate.check(update, userId);
  } catch (error) {
    if (error instanceof ProtocolRefusal) return error.reason;
    throw error;
  }
  Y.applyUpdate(server, update);
  return null;
}

describe("the reviewer line", () => {
  it("takes a reviewer's own insertion, deletion and replacement, and their withdrawal", () => {
    const { server, client, gate, clientText } = setup();
    const id = newSuggestionId(REVIEWER);
    const typed = edit(server, client, () => clientText.insert(14, " or fourteen", { insertion: { id } }));
    expect(verdict(server, gate, typed)).toBeNull();
    const more = edit(server, client, () => clientText.insert(26, "!", { insertion: { id } }));
    expect(verdict(server, gate, more)).toBeNull();
    const replaced = newSuggestionId(REVIEWER);
    const replace = edit(server, client, () => {
      clientText.format(8, 6, { deletion: { id: replaced } });
      clientText.insert(8, "fifteen", { insertion: { id: replaced } });
    });
    expect(verdict(server, gate, replace)).toBeNull();
    const withdraw = edit(server, client, () => clientText.delete(15 + 6, 13));
    expect(verdict(server, gate, withdraw)).toBeNull();
    expect(server.getXmlFragment(sectionFragmentName("intro")).toString()).toContain("fifteen");
  });

  it("takes a reviewer's formatting as the editor sends it: the words marked deleted and a formatted copy inserted, one id", () => {
    const { server, client, gate, clientText } = setup();
    const id = newSuggestionId(REVIEWER);
    const bolded = edit(server, client, () => {
      clientText.format(8, 6, { deletion: { id } });
      clientText.insert(14, "twelve", { bold: {}, insertion: { id } });
    });
    expect(verdict(server, gate, bolded)).toBeNull();
    // Formatting their own suggested words is formatting them in place.
    const own = newSuggestionId(REVIEWER);
    const typed = edit(server, client, () => clientText.insert(3, "gladly ", { insertion: { id: own } }));
    expect(verdict(server, gate, typed)).toBeNull();
    const italic = edit(server, client, () => clientText.format(3, 6, { italic: {} }));
    expect(verdict(server, gate, italic)).toBeNull();
    expect(server.getXmlFragment(sectionFragmentName("intro")).toString()).toContain(
      `<deletion id="${id}">twelve</deletion><bold><insertion id="${id}">twelve</insertion></bold>`,
    );
    // The copy without its insertion mark is a plain bold word added: refused.
    const fresh = setup();
    const unmarked = edit(fresh.server, fresh.client, () => {
      fresh.clientText.format(8, 6, { deletion: { id } });
      fresh.clientText.insert(14, "twelve", { bold: {} });
    });
    expect(verdict(fresh.server, fresh.gate, unmarked)).toBe("change refused: an edit that is not a suggestion");
  });

  it("refuses a plain insertion, a plain deletion and a plain bold", () => {
    const cases: ((text: Y.XmlText) => void)[] = [
      (text) => text.insert(3, "really "),
      (text) => text.delete(3, 5),
      (text) => text.format(3, 4, { bold: {} }),
    ];
    for (const change of cases) {
      const { server, client, gate, clientText } = setup();
      expect(
        verdict(
          server,
          gate,
          edit(server, client, () => change(clientText)),
        ),
      ).toBe("change refused: an edit that is not a suggestion");
      expect(server.getXmlFragment(sectionFragmentName("intro")).toString()).toContain(
        "</deletion> fund twelve families.<insertion",
      );
    }
  });

  it("refuses a suggestion whose id names someone else, or no one", () => {
    const forged = setup();
    const asOther = edit(forged.server, forged.client, () =>
      forged.clientText.insert(3, "really ", { insertion: { id: newSuggestionId(OTHER) } }),
    );
    expect(verdict(forged.server, forged.gate, asOther)).toBe("change refused: a change to someone else's suggestion");
    const nameless = setup();
    const bare = edit(nameless.server, nameless.client, () =>
      nameless.clientText.insert(3, "really ", { insertion: { id: "42" } }),
    );
    expect(verdict(nameless.server, nameless.gate, bare)).toBe("change refused: a change to someone else's suggestion");
  });

  it("refuses accepting or rejecting someone else's suggestion", () => {
    const acceptInsertion = setup();
    expect(
      verdict(
        acceptInsertion.server,
        acceptInsertion.gate,
        edit(acceptInsertion.server, acceptInsertion.client, () =>
          acceptInsertion.clientText.format(24, 6, { insertion: null }),
        ),
      ),
    ).toBe("change refused: an edit that is not a suggestion");
    const acceptDeletion = setup();
    expect(
      verdict(
        acceptDeletion.server,
        acceptDeletion.gate,
        edit(acceptDeletion.server, acceptDeletion.client, () => acceptDeletion.clientText.delete(0, 2)),
      ),
    ).toBe("change refused: an edit that is not a suggestion");
    const rejectInsertion = setup();
    expect(
      verdict(
        rejectInsertion.server,
        rejectInsertion.gate,
        edit(rejectInsertion.server, rejectInsertion.client, () => rejectInsertion.clientText.delete(24, 6)),
      ),
    ).toBe("change refused: a change to someone else's suggestion");
    const rejectDeletion = setup();
    expect(
      verdict(
        rejectDeletion.server,
        rejectDeletion.gate,
        edit(rejectDeletion.server, rejectDeletion.client, () =>
          rejectDeletion.clientText.format(0, 2, { deletion: null }),
        ),
      ),
    ).toBe("change refused: a change to someone else's suggestion");
  });

  it("checks a section it has not read before as closely as the first: its copy holds only the sections written into", () => {
    const { server, client, gate, clientText } = setup();
    const otherParagraph = client.getXmlFragment(sectionFragmentName("other")).get(0) as Y.XmlElement;
    const first = edit(server, client, () =>
      clientText.insert(3, "kindly ", { insertion: { id: newSuggestionId(REVIEWER) } }),
    );
    expect(verdict(server, gate, first)).toBeNull();
    const plain = edit(server, client, () => otherParagraph.insert(0, [new Y.XmlText("Plainly.")]));
    expect(verdict(server, gate, plain)).toBe("change refused: an edit that is not a suggestion");
    (server.getXmlFragment(sectionFragmentName("other")).get(0) as Y.XmlElement).insert(0, [new Y.XmlText("Agreed.")]);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
    const freshIntro = (fresh.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const sweeping = edit(server, fresh, () => {
      freshIntro.insert(0, "Now ", { insertion: { id: newSuggestionId(REVIEWER) } });
      fresh.getXmlFragment(sectionFragmentName("other")).delete(0, 1);
    });
    expect(verdict(server, gate, sweeping)).toBe("change refused: an edit that is not a suggestion");
    expect(server.getXmlFragment(sectionFragmentName("other")).length).toBe(1);
  });

  it("refuses restyling someone else's suggested words, read in a text alone or in its whole section", () => {
    const alone = setup();
    const bolded = edit(alone.server, alone.client, () => alone.clientText.format(24, 6, { bold: true }));
    expect(verdict(alone.server, alone.gate, bolded)).toBe("change refused: a change to someone else's suggestion");
    const whole = setup();
    const before = readSection(whole.server, "intro", REVIEWER);
    const serverText = (whole.server.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(
      0,
    ) as Y.XmlText;
    serverText.format(0, 2, { italic: true });
    expect(readSection(whole.server, "intro", REVIEWER).others).not.toBe(before.others);
    expect(readSection(whole.server, "intro", REVIEWER).accepted).not.toBe(before.accepted);
  });

  it("refuses a suggestion outside any section's narrative, and a suggested change of structure", () => {
    const table = setup();
    const row = edit(table.server, table.client, () =>
      (table.client.getMap(sectionDataName("budget")).get("rows") as Y.Array<Y.Map<unknown>>)
        .get(0)
        .set("organisation", "Forged"),
    );
    expect(verdict(table.server, table.gate, row)).toBe("change refused: a suggestion outside any section's narrative");
    const stray = setup();
    const elsewhere = edit(stray.server, stray.client, () =>
      stray.client.getXmlFragment("notes").insert(0, [new Y.XmlText("x")]),
    );
    expect(verdict(stray.server, stray.gate, elsewhere)).toBe(
      "change refused: a suggestion outside any section's narrative",
    );
    const structure = setup();
    const modification = edit(structure.server, structure.client, () =>
      structure.clientText.format(3, 4, { modification: { id: newSuggestionId(REVIEWER), type: "attr" } }),
    );
    expect(verdict(structure.server, structure.gate, modification)).toBe(
      "change refused: a suggested change of formatting or structure",
    );
  });

  it("checks the next update against the document as it is after a refusal and after others' edits", () => {
    const { server, client, gate, clientText } = setup();
    expect(
      verdict(
        server,
        gate,
        edit(server, client, () => clientText.insert(3, "really ")),
      ),
    ).not.toBeNull();
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(server));
    const editorText = (editor.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    editorText.insert(0, "Today ");
    Y.applyUpdate(server, Y.encodeStateAsUpdate(editor, Y.encodeStateVector(server)));
    const honest = new Y.Doc();
    Y.applyUpdate(honest, Y.encodeStateAsUpdate(server));
    const honestText = (honest.getXmlFragment(sectionFragmentName("intro")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const update = edit(server, honest, () =>
      honestText.insert(6, "at last ", { insertion: { id: newSuggestionId(REVIEWER) } }),
    );
    expect(verdict(server, gate, update)).toBeNull();
  });

  it("refuses a plain edit in one paragraph sent beside an honest suggestion in another, and a suggested new paragraph", () => {
    const { server, client, gate, clientText } = setup();
    const fragment = server.getXmlFragment(sectionFragmentName("intro"));
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("A second paragraph.")]);
    fragment.insert(1, [paragraph]);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)));
    const otherText = (client.getXmlFragment(sectionFragmentName("intro")).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    const mixed = edit(server, client, () => {
      clientText.insert(3, "kindly ", { insertion: { id: newSuggestionId(REVIEWER) } });
      otherText.insert(0, "Plainly ");
    });
    expect(verdict(server, gate, mixed)).toBe("change refused: an edit that is not a suggestion");

    const fresh = setup();
    const added = edit(fresh.server, fresh.client, () => {
      const extra = new Y.XmlElement("paragraph");
      extra.insert(0, [new Y.XmlText()]);
      fresh.client.getXmlFragment(sectionFragmentName("intro")).insert(1, [extra]);
      (extra.get(0) as Y.XmlText).insert(0, "New.", { insertion: { id: newSuggestionId(REVIEWER) } });
    });
    expect(verdict(fresh.server, fresh.gate, added)).toBe("change refused: an edit that is not a suggestion");
  });

  it("takes a reviewer's first words in an empty narrative, written into the paragraph its editor shows, but not a plain word there", () => {
    const typed = (text: string, marks: Record<string, unknown>) => {
      const { server, client, gate } = setup();
      server.getXmlFragment(sectionFragmentName("blank"));
      const withBlank = new SuggestionGate(server, new Set(["intro", "other", "blank", "budget"]));
      gate.drop();
      const update = edit(server, client, () => {
        const paragraph = new Y.XmlElement("paragraph");
        client.getXmlFragment(sectionFragmentName("blank")).insert(0, [paragraph]);
        const words = new Y.XmlText();
        paragraph.insert(0, [words]);
        words.insert(0, text, marks);
      });
      return verdict(server, withBlank, update);
    };
    expect(typed("Fourteen families.", { insertion: { id: newSuggestionId(REVIEWER) } })).toBeNull();
    expect(typed("Fourteen families.", {})).toBe("change refused: an edit that is not a suggestion");
  });
});
