import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  editorText,
  openDemoPlan,
  planReady,
  screenshotPath,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";

const running = useServerAndBrowser();

interface StoredSection {
  key: string;
  text: string;
  data: { rows?: Record<string, unknown>[] };
}

/** The plan as the server has stored it, read through the API with the page's session. */
async function stored(page: Page): Promise<Map<string, StoredSection>> {
  const planId = new URL(page.url()).pathname.split("/").at(-1);
  const response = await page.request.get(`${running.server.url}/api/plans/${planId}`);
  const body = (await response.json()) as { sections: StoredSection[] };
  return new Map(body.sections.map((section) => [section.key, section]));
}

async function storedText(page: Page, key: string): Promise<string> {
  return (await stored(page)).get(key)!.text;
}

function narrative(page: Page, key: string) {
  return page.locator(`.rich-text[data-section="${key}"]`);
}

/** Types at the end of a section's narrative. */
async function typeAtEnd(page: Page, key: string, words: string): Promise<void> {
  await narrative(page, key).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(words);
}

/**
 * Makes an edit elsewhere and waits until the server has it: one connection delivers in order,
 * so anything the page sent before (a deletion by a stray undo) has reached the server too.
 */
async function flushThroughServer(page: Page, marker: string): Promise<void> {
  await typeAtEnd(page, "implementation-plan", marker);
  await expect.poll(() => storedText(page, "implementation-plan"), { timeout: 10_000 }).toContain(marker);
}

async function openPlan(email: string, url?: string): Promise<Page> {
  const page = await signedInPage(running.browser, running.server.url, email);
  if (url) {
    await page.goto(url);
    await planReady(page);
  } else {
    await openDemoPlan(page);
  }
  return page;
}

describe("undo on the plan page", () => {
  it("Ctrl+Z with focus outside a narrative (title, a table button, a select) changes no section", async () => {
    const tom = await openPlan("editor@swindon.example");
    await typeAtEnd(tom, "customer-insight", " Families told us they repeat their story nine times.");
    await expect.poll(() => storedText(tom, "customer-insight")).toContain("repeat their story nine times.");
    const before = await stored(tom);

    await tom.getByRole("heading", { level: 1 }).click();
    for (let press = 0; press < 3; press++) await tom.keyboard.press("Control+z");
    await tom.locator("#section-shadow-budget").getByRole("button", { name: "Delete row 1" }).focus();
    await tom.keyboard.press("Control+z");
    await tom.locator("#section-shadow-budget").getByLabel("Treatment, row 1").focus();
    await tom.keyboard.press("Control+z");
    await flushThroughServer(tom, " [after undo outside]");

    const after = await stored(tom);
    expect(after.get("customer-insight")!.text).toBe(before.get("customer-insight")!.text);
    expect(after.get("shadow-budget")!.data).toEqual(before.get("shadow-budget")!.data);
    expect(await editorText(tom, "customer-insight")).toContain("repeat their story nine times.");
    await tom.context().close();
  });

  it("Ctrl+Z in a narrative takes back only your own typing, and Ctrl+Shift+Z brings it back", async () => {
    const alison = await openPlan("owner@swindon.example");
    const tom = await openPlan("editor@swindon.example", alison.url());
    await typeAtEnd(alison, "service-redesign", " Alison-was-here.");
    await expect.poll(() => editorText(tom, "service-redesign")).toContain("Alison-was-here.");
    await typeAtEnd(tom, "service-redesign", " Tom-was-here.");
    await expect.poll(() => editorText(alison, "service-redesign")).toContain("Tom-was-here.");

    await tom.keyboard.press("Control+z");
    await expect.poll(() => editorText(alison, "service-redesign")).not.toContain("Tom-was-here.");
    await expect.poll(() => storedText(alison, "service-redesign")).not.toContain("Tom-was-here.");
    expect(await storedText(alison, "service-redesign")).toContain("Alison-was-here.");
    expect(await editorText(tom, "service-redesign")).toContain("Alison-was-here.");

    await tom.keyboard.press("Control+z");
    await tom.keyboard.press("Control+z");
    await flushThroughServer(tom, " [tom undid twice more]");
    expect(await storedText(alison, "service-redesign")).toContain("Alison-was-here.");

    await narrative(tom, "service-redesign").click();
    // A slow machine can split the typing into several undo steps (Yjs groups changes by time),
    // so redo as many times as undo was pressed.
    for (let press = 0; press < 3; press++) await tom.keyboard.press("Control+Shift+z");
    await expect.poll(() => storedText(alison, "service-redesign")).toContain("Tom-was-here.");
    await alison.context().close();
    await tom.context().close();
  });
});

describe("table cells", () => {
  it("two people typing into one cell at once both keep their words, and each sees the other there", async () => {
    const alison = await openPlan("owner@swindon.example");
    const tom = await openPlan("editor@swindon.example", alison.url());
    await alison.locator("#section-outcomes").getByRole("button", { name: "+ Add row" }).click();
    const cell = (page: Page) => page.locator("#section-outcomes").getByLabel("Outcome, row 1");
    await expect.poll(() => cell(tom).count()).toBe(1);

    await cell(alison).click();
    await cell(tom).click();
    await expect
      .poll(() => alison.locator("#section-outcomes td[data-cell-presence]").getAttribute("data-cell-presence"))
      .toBe("Tom Okafor");
    await alison.locator("#section-outcomes td.cell--occupied").screenshot({ path: screenshotPath("cell-presence") });

    await Promise.all([
      alison.keyboard.type("Youth offending", { delay: 40 }),
      tom.keyboard.type("Family support", { delay: 40 }),
    ]);
    const words = (value: string) => value.includes("Youth offending") && value.includes("Family support");
    await expect.poll(async () => words(await cell(alison).inputValue())).toBe(true);
    await expect.poll(async () => words(await cell(tom).inputValue())).toBe(true);
    expect(await cell(alison).inputValue()).toBe(await cell(tom).inputValue());
    await expect
      .poll(async () => (await stored(alison)).get("outcomes")!.data.rows?.[0]?.outcome)
      .toBe(await cell(alison).inputValue());
    expect(await cell(alison).inputValue()).toHaveLength("Youth offending".length + "Family support".length);
    await alison.context().close();
    await tom.context().close();
  });
});

describe("taking back table changes", () => {
  it("a deleted row comes back with Ctrl+Z and with the notice's Undo; a cell edit is undone by keys", async () => {
    const tom = await openPlan("editor@swindon.example");
    const section = tom.locator("#section-timescales");
    const milestones = async () => ((await stored(tom)).get("timescales")!.data.rows ?? []).map((row) => row.milestone);
    const original = await milestones();
    expect(original).toHaveLength(2);

    await section.getByRole("button", { name: "Delete row 2" }).click();
    await expect
      .poll(() => section.locator(".table-notice").textContent())
      .toMatch(/^Row 2 \(“Shadow budget running.*”\) deleted/);
    await expect.poll(milestones).toEqual(original.slice(0, 1));
    await tom.keyboard.press("Control+z");
    await expect.poll(milestones).toEqual(original);

    await section.getByRole("button", { name: "Delete row 1" }).click();
    await expect.poll(milestones).toEqual(original.slice(1));
    await section.locator(".table-notice").getByRole("button", { name: "Undo" }).click();
    await expect.poll(milestones).toEqual(original);
    await expect.poll(() => section.locator(".table-notice").textContent()).toBe("");

    const owner = section.getByLabel("Owner, row 1");
    await owner.click();
    await tom.keyboard.press("End");
    await tom.keyboard.type(" and the joint team");
    await expect
      .poll(async () => (await stored(tom)).get("timescales")!.data.rows?.[0]?.owner)
      .toBe("Alison Reed and the joint team");
    await tom.keyboard.press("Control+z");
    await expect.poll(async () => (await stored(tom)).get("timescales")!.data.rows?.[0]?.owner).toBe("Alison Reed");
    expect(await owner.inputValue()).toBe("Alison Reed");

    const box = await section.getByRole("button", { name: "Delete row 1" }).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(24);
    expect(box!.height).toBeGreaterThanOrEqual(24);
    await tom.context().close();
  });
});
