import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
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

const KEPT = "A paragraph worth keeping.";

describe("version history in the browser", () => {
  it("save a version, delete a paragraph, see it in a compare with now, restore it, and see it return on a second page", async () => {
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(editor);
    const other = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await other.goto(editor.url());
    await planReady(other);

    const section = editor.locator('.rich-text[data-section="customer-insight"]');
    await section.click();
    await editor.keyboard.press("Control+End");
    await editor.keyboard.press("Enter");
    await editor.keyboard.type(KEPT);
    await expect.poll(() => editorText(other, "customer-insight")).toContain(KEPT);

    await editor.getByRole("button", { name: "History" }).click();
    const panel = editor.getByTestId("history-panel");
    await expect.poll(() => editor.evaluate(() => document.activeElement?.textContent)).toBe("Version history");
    await panel.getByLabel("Save version…").fill("Before the cut");
    await panel.getByRole("button", { name: "Save" }).click();
    const saved = panel.getByTestId("history-version").filter({ hasText: "Before the cut" });
    await saved.waitFor();
    await editor.setViewportSize({ width: 1366, height: 900 });
    await editor.screenshot({ path: screenshotPath("history-list") });

    await section.locator("p", { hasText: KEPT }).click({ clickCount: 3 });
    await editor.keyboard.press("Backspace");
    await editor.keyboard.press("Backspace");
    await expect.poll(() => editorText(other, "customer-insight")).not.toContain(KEPT);

    await saved.getByRole("button", { name: "Compare with now" }).click();
    const changes = panel.locator('[data-testid="history-section-changes"][data-section="customer-insight"]');
    await changes.waitFor();
    expect(await changes.locator("del").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(KEPT)]),
    );
    await editor.screenshot({ path: screenshotPath("history-compare") });

    await changes.getByRole("button", { name: "Restore this section" }).click();
    const dialog = editor.getByRole("dialog", { name: "Restore this version?" });
    await dialog.getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => editorText(other, "customer-insight"), { timeout: 5000 }).toContain(KEPT);
    await expect.poll(() => editorText(editor, "customer-insight"), { timeout: 5000 }).toContain(KEPT);
    await panel.getByRole("status").filter({ hasText: "Restored" }).waitFor();
    await editor.screenshot({ path: screenshotPath("history-restored") });
    await other.screenshot({ path: screenshotPath("history-restored-other-page") });

    await panel.getByRole("button", { name: "← All versions" }).click();
    // Newest first: the named version is now below the one saved before the restore.
    await saved.last().getByRole("button", { name: "Open" }).click();
    const opened = panel.getByTestId("history-open");
    await opened.getByText(KEPT).waitFor();
    expect(await opened.locator("table").first().textContent()).toContain("Swindon Borough Council");
    await editor.screenshot({ path: screenshotPath("history-open") });

    await editor.setViewportSize({ width: 390, height: 844 });
    await editor.screenshot({ path: screenshotPath("history-390") });
    await editor.setViewportSize({ width: 768, height: 1000 });
    await editor.screenshot({ path: screenshotPath("history-768") });
    await editor.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
  });

  it("“Open” on a version reads as the page: its tables with the page's headings, the budget's totals, a narrative's table as a table", async () => {
    const owner = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 900 },
    });
    await openDemoPlan(owner);
    const narrative = owner.locator('.rich-text[data-section="customer-insight"]');
    await narrative.focus();
    await narrative.press("ControlOrMeta+End");
    await owner
      .getByRole("toolbar", { name: /^Formatting: Customer insight/ })
      .getByRole("button", { name: "Table (Ctrl+Alt+T)" })
      .click();
    await owner.keyboard.type("Cohort");
    await owner.keyboard.press("Tab");
    await owner.keyboard.type("Families");
    const budget = owner.locator("#section-shadow-budget");
    const pageHeadings = await budget.locator("table").first().locator("thead th").allTextContents();
    const pageInScope = await budget.getByTestId("in-scope-total").textContent();

    await owner.getByRole("button", { name: "History" }).click();
    const panel = owner.getByTestId("history-panel");
    await panel.getByLabel("Save version…").fill("Reading check");
    await panel.getByRole("button", { name: "Save" }).click();
    const saved = panel.getByTestId("history-version").filter({ hasText: "Reading check" });
    await saved.getByRole("button", { name: "Open" }).click();
    const opened = panel.getByTestId("history-open");
    const openedBudget = opened.locator('[data-section="shadow-budget"]');
    await openedBudget.waitFor();

    const funding = openedBudget.getByRole("table", { name: "Funding lines" });
    const headings = await funding.locator("thead th").allTextContents();
    expect(headings.slice(0, 5)).toEqual(["Organisation", "Department", "Funding line", "Treatment", "Notes"]);
    expect(headings).toEqual(pageHeadings.filter((text) => headings.includes(text)));
    expect(headings.filter((text) => /^\d{4}-\d\d$/.test(text)).length).toBeGreaterThan(0);
    const first = funding.locator("tbody tr").first().locator("td");
    expect(await first.nth(2).textContent()).toBe("Early Intervention Grant");
    expect(await first.nth(3).textContent()).toBe("Pooled");
    expect(await first.nth(5).textContent()).toBe("£4,200,000");
    const totals = openedBudget.getByTestId("reading-totals");
    expect(await totals.locator("tfoot tr").last().locator("td").last().textContent()).toBe(pageInScope);
    expect(await totals.locator("tbody th").allTextContents()).toEqual(expect.arrayContaining(["Pooled", "Aligned"]));

    const insight = opened.locator('[data-section="customer-insight"]');
    expect(await insight.locator("table th").first().textContent()).toBe("Cohort");
    expect(await insight.locator("table th").nth(1).textContent()).toBe("Families");
    await owner.screenshot({ path: screenshotPath("history-open-1366") });
    await owner.setViewportSize({ width: 390, height: 844 });
    await openedBudget.getByRole("table", { name: "Funding lines" }).scrollIntoViewIfNeeded();
    await owner.screenshot({ path: screenshotPath("history-open-390") });
    expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  });

  it("“What changed since sign-off” leads to the signed version compared with now", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await openDemoPlan(signatory);
    // A section with nothing written cannot be signed: give it its first words.
    await signatory.locator('.rich-text[data-section="service-redesign"]').click();
    await signatory.keyboard.type("Redesign starts at the front door.");
    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="service-redesign"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off/ });
    await dialog.getByLabel("Your password, to confirm it is you").fill(DEMO_PASSWORD);
    await dialog.getByRole("button", { name: "Sign off for the Local side" }).click();
    await signatory.locator('.navigator [data-section="service-redesign"][data-state="signed"]').waitFor();

    await signatory.locator('.rich-text[data-section="service-redesign"]').click();
    await signatory.keyboard.press("Control+End");
    await signatory.keyboard.type(" Added after signing.");
    const stale = signatory.locator(
      '[data-testid="signoff-panel"][data-section="service-redesign"] [data-testid="signoff-stale"]',
    );
    await stale.waitFor();
    await stale.getByText("What changed since sign-off").click();
    await stale.getByRole("button", { name: "Compare the signed version with now" }).click();
    const changes = signatory.locator(
      '[data-testid="history-compare"] [data-testid="history-section-changes"][data-section="service-redesign"]',
    );
    await changes.waitFor();
    expect(await changes.locator("ins").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("Added after signing")]),
    );
    expect(await signatory.getByTestId("history-compare").locator("select").first().inputValue()).not.toBe("");
    await signatory.screenshot({ path: screenshotPath("history-since-signoff") });
  });
});
