import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { formatPounds } from "../../app/shared/budget";
import { getJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync } from "../support/yjs-client";

const EDITOR = "editor@swindon.example";
const SIGNATORY = "signatory@swindon.example";
const server = useTestServer({ users: [EDITOR, SIGNATORY], demoPlan: true });

interface ApiSection {
  key: string;
  kind: string;
  text: string;
  data: { rows?: Record<string, unknown>[] };
  totals?: { total: number; inScope: number };
  signoff: { state: string };
}

const readPlan = async () =>
  (await getJson<{ sections: ApiSection[] }>(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(EDITOR)))
    .body;

/** The plan page's HTML as the server sends it, with its scripts (and the loader data in them) taken out. */
async function firstHtml(): Promise<string> {
  const response = await fetch(`${server.url}/plans/${server.demoPlanId}`, {
    headers: { cookie: server.cookie(EDITOR) },
  });
  expect(response.status).toBe(200);
  return (await response.text()).replace(/<script\b[\s\S]*?<\/script>/g, "");
}

/** Each section's part of the page, by its key. */
function sectionsOf(html: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of html.split(/(?=<section )/).slice(1)) {
    const key = /data-section-key="([^"]+)"/.exec(part)?.[1];
    if (key) parts.set(key, part.slice(0, part.indexOf("</section>")));
  }
  return parts;
}

/** What a person reads in some HTML: the text, entities decoded, white space collapsed. */
function readable(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const collapsed = (text: string) => text.replace(/\s+/g, " ").trim();

describe("the plan page's first HTML", () => {
  it("holds every section's words, the budget's totals and each section's sign-off state", async () => {
    const before = await readPlan();
    const signed = before.sections.find((section) => section.kind === "text")!;
    expect((await signOff(server.url, server.demoPlanId, signed.key, server.cookie(SIGNATORY))).status).toBe(201);

    const plan = await readPlan();
    const parts = sectionsOf(await firstHtml());
    expect([...parts.keys()]).toEqual(plan.sections.map((section) => section.key));
    expect(plan.sections.find((section) => section.key === signed.key)!.signoff.state).not.toBe("unsigned");
    let words = 0;
    for (const section of plan.sections) {
      const part = parts.get(section.key)!;
      const text = readable(part);
      for (const line of section.text.split("\n").map(collapsed).filter(Boolean)) {
        expect(text, section.key).toContain(line);
        words += line.split(" ").length;
      }
      for (const row of section.data.rows ?? []) {
        for (const value of Object.values(row)) {
          if (typeof value === "string" && value.trim() && !/^[\w-]{8,}$/.test(value)) {
            expect(text, section.key).toContain(collapsed(value));
          }
        }
      }
      if (section.totals) {
        expect(text).toContain(`All resources mapped`);
        expect(text).toContain(formatPounds(section.totals.total));
        expect(text).toContain(`Single budget (excluding out of scope) ${formatPounds(section.totals.inScope)}`);
      }
      expect(part).toMatch(
        new RegExp(`data-testid="signoff-badge" data-section="${section.key}" data-state="${section.signoff.state}"`),
      );
    }
    expect(words).toBeGreaterThan(30);
    expect(plan.sections.some((section) => section.totals && section.totals.total > 0)).toBe(true);
  });

  it("draws the narrative's formatting, and never a plan's own markup", async () => {
    const client = connectClient(server.url, server.demoPlanId, server.cookie(EDITOR));
    const key = (await readPlan()).sections.find((section) => section.kind === "text")!.key;
    try {
      await waitForSync(client);
      const text = new Y.XmlText();
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [text]);
      text.insert(0, "Boldly said. ", { bold: true });
      text.insert(text.length, '<img src=x onerror="alert(1)"> & <script>alert(2)</script>');
      const fragment = client.doc.getXmlFragment(sectionFragmentName(key));
      fragment.insert(fragment.length, [paragraph]);
      await waitFor(async () => (await readPlan()).sections.find((s) => s.key === key)!.text.includes("alert(2)"));
    } finally {
      client.destroy();
    }
    const part = sectionsOf(await firstHtml()).get(key)!;
    expect(part).toContain("<strong>Boldly said. </strong>");
    expect(part).toContain(
      "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;",
    );
    expect(part).not.toMatch(/<img|<script/);
  });
});
