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
  /** The ordinary update check of an editor's keystroke, taking turns with the reviewer's, in ms. */
  plainCheck: number[];
  /** The same check plus the reviewer line, for a reviewer's suggested keystroke, in ms. */
  reviewerCheck: number[];
  /** The reviewer check in a plan of one section holding only that section's text, in ms. */
  reviewerCheckSectionOnly: number[];
  /** The first reviewer check of a loaded plan, which copies the section into the shadow, in ms. */
  firstReviewerCheck: number;
  /** The same with the section alone in the plan, in ms. */
  firstReviewerCheckSectionOnly: number;
  /** Copying the whole plan, as the shadow was made before decision 0045, in ms. */
  wholePlanCopy: number;
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
  // A first check on a small plan, untimed, so that no timed first check pays for compiling.
  const small = new Y.Doc();
  writePlanContent(small, sections, 2, 29);
  keystrokeChecks(small, key, rules, 1, []);
  const firstChecks: number[] = [];
  const { plain: plainCheck, suggested: reviewerCheck } = keystrokeChecks(plan, key, rules, keystrokes, firstChecks);
  const alone = new Y.Doc();
  writePlanContent(alone, [{ key, kind: "text" }], pages / sections.length, 29);
  const firstChecksAlone: number[] = [];
  const { suggested: reviewerCheckSectionOnly } = keystrokeChecks(
    alone,
    key,
    documentRules([{ key, kind: "text" }]),
    keystrokes,
    firstChecksAlone,
  );
  const copyStart = performance.now();
  Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(plan));
  const wholePlanCopy = performance.now() - copyStart;
  const sectionChars = plan.getXmlFragment(sectionFragmentName(key)).toString().length;
  return {
    plainCheck,
    reviewerCheck,
    reviewerCheckSectionOnly,
    firstReviewerCheck: firstChecks[0]!,
    firstReviewerCheckSectionOnly: firstChecksAlone[0]!,
    wholePlanCopy,
    acceptHundred: acceptHundred(plan, key),
    sectionChars,
  };
}

/** Untimed rounds before the timed ones, so that neither kind is timed while it is compiled. */
const WARM_UP = 50;

/**
 * Checks `count` rounds of two keystrokes typed into the section's first paragraph, each
 * applied after its check: an editor's plain one (the ordinary update check) and a reviewer's
 * inside their suggestion (that check and the reviewer line). Taking turns puts both under the
 * same machine load and the same heap, which the gate's shadow copy makes larger for both.
 */
function keystrokeChecks(
  server: Y.Doc,
  key: string,
  rules: ReturnType<typeof documentRules>,
  count: number,
  firstChecks: number[],
): { plain: number[]; suggested: number[] } {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const text = firstText(client, key);
  const gate = new SuggestionGate(server, rules.sectionKeys);
  const follow = (update: Uint8Array) => gate.follow(update);
  server.on("update", follow);
  const id = newSuggestionId("reviewer");
  const plain: number[] = [];
  const suggested: number[] = [];
  // The update a client sends for a keystroke: its transaction's, not a diff of states (which
  // would carry the whole document's deletions).
  const keystroke = (change: () => void): Uint8Array => {
    let update: Uint8Array = new Uint8Array();
    client.once("update", (made: Uint8Array) => (update = made));
    client.transact(change);
    return update;
  };
  const timed = (update: Uint8Array, asReviewer: boolean): number => {
    const start = performance.now();
    checkUpdate(server, update, rules);
    if (asReviewer) gate.check(update, "reviewer");
    const took = performance.now() - start;
    Y.applyUpdate(server, update);
    return took;
  };
  try {
    // The first reviewer update of a loaded plan also copies its section into the shadow: measured apart.
    let at = 11;
    firstChecks.push(
      timed(
        keystroke(() => text.insert(at++, "x", { insertion: { id } })),
        true,
      ),
    );
    for (let i = -WARM_UP; i < count; i++) {
      const editor = timed(
        keystroke(() => text.insert(text.length, "z")),
        false,
      );
      const reviewer = timed(
        keystroke(() => text.insert(at++, "x", { insertion: { id } })),
        true,
      );
      if (i < 0) continue;
      plain.push(editor);
      suggested.push(reviewer);
    }
  } finally {
    server.off("update", follow);
    gate.drop();
  }
  return { plain, suggested };
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
