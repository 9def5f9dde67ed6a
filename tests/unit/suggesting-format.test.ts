import { getSchema } from "@tiptap/core";
import type { Node as PmDocNode } from "@tiptap/pm/model";
import { EditorState, TextSelection } from "@tiptap/pm/state";
import { prosemirrorToYXmlFragment, updateYFragment } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { formattingAsSuggestion, textAsSuggestion, wordsAsSuggestion } from "../../app/editor/suggesting";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { richTextExtensions } from "../../app/shared/editor-extensions";
import { newSuggestionId, parseSuggestionId } from "../../app/shared/suggestion-marks";
import { openTextSuggestions } from "../../app/shared/suggestion-runs";
import { SuggestionGate } from "../../server/collab/suggestion-gate.server";
import { sectionRichTextJson } from "../../server/plans/plan-content.server";
import { decideRuns, suggestionRuns } from "../../server/suggestions/text-suggestions.server";

const schema = getSchema(richTextExtensions);
const REVIEWER = "user-reviewer";
const SENTENCE = "We fund twelve families.";

function stateOf(doc: PmDocNode, from: number, to = from): EditorState {
  const state = EditorState.create({ schema, doc });
  return state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
}

/** "We fund twelve families." with the selection on `words`. */
function selecting(
  words: string,
  doc = schema.node("doc", null, [schema.node("paragraph", null, schema.text(SENTENCE))]),
) {
  const at = doc.textContent.indexOf(words) + 1;
  return stateOf(doc, at, at + words.length);
}

/** Each text run of the first paragraph: its words and its marks, with attributes. */
function runs(doc: PmDocNode): [string, string[]][] {
  const found: [string, string[]][] = [];
  doc.firstChild!.forEach((node) =>
    found.push([
      node.text!,
      node.marks.map((mark) => (mark.attrs.id ? `${mark.type.name}:${mark.attrs.id as string}` : mark.type.name)),
    ]),
  );
  return found;
}

/** The server's document holding `doc` as section "s", and how it reads once `decide` is run on a copy. */
function onServer(doc: PmDocNode) {
  const server = new Y.Doc();
  prosemirrorToYXmlFragment(doc, server.getXmlFragment(sectionFragmentName("s")));
  return server;
}

describe("formatting while suggesting", () => {
  it("bolding accepted words marks them deleted and puts a bold copy after them, one suggestion by the author", () => {
    const state = selecting("twelve");
    const bold = state.tr.addMark(state.selection.from, state.selection.to, schema.marks.bold!.create());
    const made = formattingAsSuggestion(state, bold, REVIEWER)!;
    const after = state.apply(made);
    const id = after.doc.firstChild!.child(1).marks[0]!.attrs.id as string;
    expect(parseSuggestionId(id)?.authorId).toBe(REVIEWER);
    expect(runs(after.doc)).toEqual([
      ["We fund ", []],
      ["twelve", [`deletion:${id}`]],
      ["twelve", ["bold", `insertion:${id}`]],
      [" families.", []],
    ]);
    // The copy is selected, so the next format applies to it.
    expect(after.doc.textBetween(after.selection.from, after.selection.to)).toBe("twelve");
    expect(after.doc.resolve(after.selection.from).nodeAfter!.marks.map((mark) => mark.type.name)).toContain(
      "insertion",
    );
  });

  it("takes it through the server's reviewer check; accepting leaves the words bold, rejecting as they were", () => {
    const state = selecting("twelve");
    const made = formattingAsSuggestion(
      state,
      state.tr.addMark(state.selection.from, state.selection.to, schema.marks.bold!.create()),
      REVIEWER,
    )!;
    const server = onServer(state.doc);
    const gate = new SuggestionGate(server, new Set(["s"]));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(client);
    // What the collaboration plugin sends for the editor's new document.
    updateYFragment(client, client.getXmlFragment(sectionFragmentName("s")), state.apply(made).doc, {
      mapping: new Map(),
      isOMark: new Map(),
    });
    const update = Y.encodeStateAsUpdate(client, before);
    expect(() => gate.check(update, REVIEWER)).not.toThrow();
    Y.applyUpdate(server, update);
    const plainParagraph = { type: "paragraph", content: [{ type: "text", text: SENTENCE }] };
    expect(sectionRichTextJson(server, "s").content).toEqual([plainParagraph]);
    const [open] = [...openTextSuggestions(server, ["s"]).values()];
    expect(open).toMatchObject({ removed: "twelve", added: "twelve" });

    const rejected = new Y.Doc();
    Y.applyUpdate(rejected, Y.encodeStateAsUpdate(server));
    rejected.transact(() => decideRuns(suggestionRuns(rejected, "s", open!.id), false));
    expect(sectionRichTextJson(rejected, "s", { withSuggestions: true }).content).toEqual([plainParagraph]);

    server.transact(() => decideRuns(suggestionRuns(server, "s", open!.id), true));
    expect(sectionRichTextJson(server, "s", { withSuggestions: true }).content).toEqual([
      {
        type: "paragraph",
        content: [
          { type: "text", text: "We fund " },
          { type: "text", text: "twelve", marks: [{ type: "bold" }] },
          { type: "text", text: " families." },
        ],
      },
    ]);
  });

  it("formats the author's own suggested words in place, and leaves someone else's suggestion alone", () => {
    const mine = newSuggestionId(REVIEWER);
    const theirs = newSuggestionId("user-other");
    const doc = schema.node("doc", null, [
      schema.node("paragraph", null, [
        schema.text("We fund "),
        schema.text("fourteen", [schema.marks.insertion!.create({ id: mine })]),
        schema.text(" more", [schema.marks.insertion!.create({ id: theirs })]),
        schema.text(" families."),
      ]),
    ]);
    const state = selecting("fourteen more", doc);
    const italic = state.tr.addMark(state.selection.from, state.selection.to, schema.marks.italic!.create());
    const after = state.apply(formattingAsSuggestion(state, italic, REVIEWER)!);
    expect(runs(after.doc)).toEqual([
      ["We fund ", []],
      ["fourteen", ["italic", `insertion:${mine}`]],
      [" more", [`insertion:${theirs}`]],
      [" families.", []],
    ]);
  });

  it("suggests a link on accepted words the same way, and refuses a change of structure", () => {
    const state = selecting("families");
    const link = schema.marks.link!.create({ href: "https://example.org/" });
    const after = state.apply(
      formattingAsSuggestion(state, state.tr.addMark(state.selection.from, state.selection.to, link), REVIEWER)!,
    );
    expect(runs(after.doc).map(([words, marks]) => [words, marks.map((mark) => mark.split(":")[0])])).toEqual([
      ["We fund twelve ", []],
      ["families", ["deletion"]],
      ["families", ["link", "insertion"]],
      [".", []],
    ]);
    // The link editor's new words for a link are a replacement, the words' link and all.
    const words = state.tr.replaceWith(state.selection.from, state.selection.to, schema.text("the families", [link]));
    const replaced = state.apply(wordsAsSuggestion(state, words, REVIEWER)!);
    const [, deleted, inserted] = runs(replaced.doc);
    expect(deleted).toEqual(["families", [expect.stringMatching(/^deletion:user-reviewer:/)]]);
    expect(inserted).toEqual(["the families", ["link", deleted![1][0]!.replace("deletion", "insertion")]]);
    const heading = state.tr.setBlockType(1, 1, schema.nodes.heading!, { level: 2 });
    expect(formattingAsSuggestion(state, heading, REVIEWER)).toBeNull();
    expect(wordsAsSuggestion(state, heading, REVIEWER)).toBeNull();
    const plainTyping = state.tr.insertText("x", 3);
    expect(formattingAsSuggestion(state, plainTyping, REVIEWER)).toBeNull();
  });

  it("types with the marks set for the next words (Ctrl+B with nothing selected) as well as the insertion", () => {
    const state = selecting("");
    const caret = stateOf(state.doc, 9);
    const withBold = caret.apply(caret.tr.setStoredMarks([schema.marks.bold!.create()]));
    const after = withBold.apply(textAsSuggestion(withBold, 9, 9, "all ", REVIEWER)!);
    expect(runs(after.doc).map(([words, marks]) => [words, marks.map((mark) => mark.split(":")[0])])).toEqual([
      ["We fund ", []],
      ["all ", ["bold", "insertion"]],
      ["twelve families.", []],
    ]);
  });
});
