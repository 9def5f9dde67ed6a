import { toBase64 } from "lib0/buffer";
import { afterEach, expect } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount, yearsOf } from "../../app/shared/section-rows";
import { requestJson } from "./http";
import type { TestServer } from "./test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "./yjs-client";

export const OWNER = "owner@swindon.example";
export const EDITOR = "editor@swindon.example";
export const SENTENCE = "We fund twelve families this year.";

export interface SectionBody {
  key: string;
  text: string;
  contentHash: string;
  data?: { rows?: { id: string; organisation?: string; amounts?: Record<string, number> }[] };
  signoff: { state: string };
}

/**
 * What the suggestions tests build on: requests as one of the server's people, a section as
 * the API reads it, and a plan to suggest on. The editor's live clients close after each test.
 */
export function useSuggestionPlans(server: TestServer) {
  const clients: TestClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  const send = (method: string, path: string, as: string, body?: unknown) =>
    requestJson(server.url, method, path, server.cookie(as), body);

  async function section(planId: string, key: string): Promise<SectionBody> {
    const plan = await send("GET", `/api/plans/${planId}`, OWNER);
    return (plan.body.sections as SectionBody[]).find((s) => s.key === key)!;
  }

  /**
   * A plan of OWNER's with `members` (EDITOR among them), SENTENCE in "customer-insight" and one
   * budget row (Swindon, £1,000 in its first year), written by EDITOR's live client.
   */
  async function planWithContent(title: string, members: readonly (readonly [email: string, role: string])[]) {
    const created = await send("POST", "/api/plans", OWNER, {
      templateId: "single-budget-for-a-place",
      title,
      area: "York",
    });
    const planId = created.body.id as string;
    for (const [email, role] of members) {
      expect((await send("POST", `/api/plans/${planId}/members`, OWNER, { email, role })).status).toBe(201);
    }
    const editor = connectClient(server.url, planId, server.cookie(EDITOR));
    clients.push(editor);
    await waitForSync(editor);
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText(SENTENCE);
    paragraph.insert(0, [text]);
    editor.doc.getXmlFragment(sectionFragmentName("customer-insight")).insert(0, [paragraph]);
    const year = yearsOf(editor.doc, "shadow-budget").get(0);
    const rowId = addRow(editor.doc, "shadow-budget", "budget", { organisation: "Swindon" });
    setAmount(editor.doc, "shadow-budget", rowId, year, 100_000);
    await waitFor(async () => (await section(planId, "shadow-budget")).data?.rows?.length === 1, 5000, "the row");
    await waitFor(async () => (await section(planId, "customer-insight")).text === SENTENCE, 5000, "the sentence");
    return { planId, editor, text, rowId, year };
  }

  return { send, section, planWithContent };
}

/** An anchor (as for comments) over `length` characters of `text` from `index`. */
export function anchorIn(text: Y.XmlText, index: number, length: number) {
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, 0))),
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index + length, -1))),
  };
}
