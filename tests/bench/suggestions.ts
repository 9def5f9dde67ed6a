import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { newSuggestionId } from "../../app/shared/suggestion-marks";
import type { PlanTemplate } from "../../app/shared/template-schema";
import { SuggestionGate } from "../../server/collab/suggestion-gate.server";
import { checkUpdate, documentRules } from "../../server/collab/update-validation.server";
import { decideRuns, suggestionRuns } from "../../server/suggestions/text-suggestions.server";
import { writePlanContent } from "./generated-plan";

export interface SuggestionFigures {
  /** The ordinary update check of an editor's keystroke, in ms. */
  plainCheck: number[];
  /** The same check plus the reviewer line, for a reviewer's suggested keystroke, in ms. */
  reviewerCheck: number[];
  /** The reviewer check in a plan of one section holding only that section's text, in ms. */
  reviewerCheckSectionOnly: number[];
  /** The first reviewer check of a loaded plan, which makes the shadow copy, in ms. */
  firstReviewerCheck: number;
  /** Accepting every one of 100 suggestions in one section, in ms. */
  acceptHundred: number;
  sectionChars: number;
}

/**
 * The server's part of suggesting, in process: a reviewer's keystroke checked against the
 * generated plan of `pages` pages, beside an editor's keystroke in the same section; the same
 * reviewer check on that one section alone (the cost should follow the section, not the plan);
 * and deciding 100 suggestions in one section.
 */
export function measureSuggestions(template: PlanTemplate, pages: number, keystrokes: number): SuggestionFigures {
  const sections = template.sections.map((section) => ({ key: section.key, kind: section.kind }));
  const rules = documentRules(sections);
  const plan = new Y.Doc();
  writePlanContent(plan, sections, pages, 29);
  const key = sections.find((section) => section.kind === "text")!.key;
  const firstChecks: number[] = [];
  const plainCheck = keystrokeChecks(plan, key, rules, keystrokes, false, []);
  const reviewerCheck = keystrokeChecks(plan, key, rules, keystrokes, true, firstChecks);
  const alone = new Y.Doc();
  writePlanContent(alone, [{ key, kind: "text" }], pages / sections.length, 29);
  const reviewerCheckSectionOnly = keystrokeChecks(
    alone,
    key,
    documentRules([{ key, kind: "text" }]),
    keystrokes,
    true,
    [],
  );
  const sectionChars = plan.getXmlFragment(sectionFragmentName(key)).toString().length;
  return {
    plainCheck,
    reviewerCheck,
    reviewerCheckSectionOnly,
    firstReviewerCheck: firstChecks[0]!,
    acceptHundred: acceptHundred(plan, key),
    sectionChars,
  };
}

/** Checks `count` keystrokes typed into the section's first paragraph, each applied after its check. */
function keystrokeChecks(
  server: Y.Doc,
  key: string,
  rules: ReturnType<typeof documentRules>,
  count: number,
  asReviewer: boolean,
  firstChecks: number[],
): number[] {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const text = firstText(client, key);
  const gate = new SuggestionGate(server, rules.sectionKeys);
  const follow = (update: Uint8Array) => gate.follow(update);
  server.on("update", follow);
  const id = newSuggestionId("reviewer");
  const samples: number[] = [];
  try {
    // The first reviewer update of a loaded plan also makes the shadow copy: measured apart.
    for (let i = -1; i < count; i++) {
      // The update a client sends for a keystroke: its transaction's, not a diff of states
      // (which would carry the whole document's deletions).
      let update: Uint8Array = new Uint8Array();
      client.once("update", (made: Uint8Array) => (update = made));
      client.transact(() => text.insert(11 + i, "x", asReviewer ? { insertion: { id } } : undefined));
      const start = performance.now();
      checkUpdate(server, update, rules);
      if (asReviewer) gate.check(update, "reviewer");
      if (i >= 0) samples.push(performance.now() - start);
      else firstChecks.push(performance.now() - start);
      Y.applyUpdate(server, update);
    }
  } finally {
    server.off("update", follow);
    gate.drop();
  }
  return samples;
}

/** Makes 100 one-word suggestions in the section, then accepts them all; answers how long the accepting took. */
function acceptHundred(doc: Y.Doc, key: string): number {
  const text = firstText(doc, key);
  const ids = Array.from({ length: 100 }, () => newSuggestionId("reviewer"));
  doc.transact(() => ids.forEach((id, i) => text.insert(i * 5, "more ", { insertion: { id } })));
  const start = performance.now();
  for (const id of ids) {
    const runs = suggestionRuns(doc, key, id);
    doc.transact(() => decideRuns(runs, true));
  }
  return performance.now() - start;
}

function firstText(doc: Y.Doc, key: string): Y.XmlText {
  return (doc.getXmlFragment(sectionFragmentName(key)).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}
