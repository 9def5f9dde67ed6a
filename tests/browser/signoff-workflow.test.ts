import { describe, expect, it } from "vitest";
import { formatDayMonth } from "../../app/shared/dates";
import { ukToday } from "../../app/shared/portfolio";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

const SECTION = "service-redesign";
const panelOf = `[data-testid="signoff-panel"][data-section="${SECTION}"]`;

/** The UK date `days` from today, as `YYYY-MM-DD`. */
function dayFromToday(days: number): string {
  const date = new Date(`${ukToday()}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

describe("the sign-off workflow in the browser", () => {
  it("an editor asks with a message and a date; the signatory returns the section; the editor's page shows the reason live until an edit", async () => {
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      viewport: { width: 1366, height: 900 },
    });
    await openDemoPlan(editor);
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await signatory.goto(editor.url());
    await planReady(signatory);

    // Tom asks, with a message and a due date.
    const due = dayFromToday(7);
    const editorPanel = editor.locator(panelOf);
    await editorPanel.getByRole("button", { name: "Request sign-off" }).click();
    const ask = editor.getByRole("dialog", { name: /Ask for sign-off of “Business process re-engineering/ });
    await ask.getByLabel("Message (optional)").fill("Please check the redesign timetable.");
    await ask.getByLabel("Due date (optional)").fill(due);
    await editor.screenshot({ path: screenshotPath("signoff-request-dialog") });
    await ask.getByRole("button", { name: "Send the request" }).click();
    await expect.poll(() => editorPanel.getByRole("status").first().textContent()).toContain("Asked 1 signatory.");

    // Margaret's open page shows the request at once.
    const signatoryPanel = signatory.locator(panelOf);
    const request = signatoryPanel.getByTestId("signoff-request");
    await request.waitFor({ timeout: 2000 });
    const today = formatDayMonth(new Date().toISOString());
    expect(await request.textContent()).toContain(
      `Requested by Tom Okafor on ${today}, due ${formatDayMonth(due)}Please check the redesign timetable.`,
    );

    await signatoryPanel.scrollIntoViewIfNeeded();
    await signatory.screenshot({ path: screenshotPath("signoff-request-signatory") });

    // She returns it with a reason.
    await signatoryPanel.getByRole("button", { name: "Return with a reason" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Return “Business process re-engineering/ });
    await dialog.getByRole("button", { name: "Return the section" }).click();
    expect(await dialog.getByRole("alert").textContent()).toBe("Say why you return the section.");
    await dialog.getByLabel("Why are you returning it?").fill("the figures do not match the MTFS");
    await signatory.screenshot({ path: screenshotPath("signoff-return-dialog") });
    await dialog.getByRole("button", { name: "Return the section" }).click();
    await dialog.waitFor({ state: "hidden" });

    // Tom's page shows it within a second or two, without a reload; the request has ended.
    const returned = editorPanel.getByTestId("signoff-returned");
    await returned.waitFor({ timeout: 2000 });
    expect(await returned.textContent()).toContain(
      `Returned by Margaret Hale, ${today}: the figures do not match the MTFS`,
    );
    expect(await editorPanel.getByTestId("signoff-request").count()).toBe(0);
    // What Tom was told when he asked is about that request, so it goes with it.
    expect(await editorPanel.getByText("Asked 1 signatory.").count()).toBe(0);
    await editor.locator(`#section-${SECTION}`).scrollIntoViewIfNeeded();
    await editor.screenshot({ path: screenshotPath("signoff-returned-1366") });
    for (const [width, height] of [
      [768, 1000],
      [390, 844],
    ] as const) {
      await editor.setViewportSize({ width, height });
      await returned.scrollIntoViewIfNeeded();
      await editor.screenshot({ path: screenshotPath(`signoff-returned-${width}`) });
      // The notice fits the screen: nothing of it runs off to the side.
      const box = (await returned.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }

    // Tom changes the section: the return is answered on both pages.
    await editor.setViewportSize({ width: 1366, height: 900 });
    await editor.locator(`.rich-text[data-section="${SECTION}"]`).click();
    await editor.keyboard.press("Control+End");
    await editor.keyboard.type(" The timetable now follows the MTFS.");
    await returned.waitFor({ state: "detached", timeout: 5000 });
    await signatoryPanel.getByTestId("signoff-returned").waitFor({ state: "detached", timeout: 5000 });

    // The portfolio counts what is returned and overdue (nothing now: answered by the edit).
    await editor.goto(`${running.server.url}/portfolio`);
    const row = editor.getByRole("row", { name: /Swindon: a single budget/ });
    expect(await row.getByTestId("returned-count").textContent()).toBe("0");
    expect(await row.getByTestId("overdue-signoffs").textContent()).toBe("0");
    await editor.screenshot({ path: screenshotPath("portfolio-signoff-workflow-1366") });
    await editor.setViewportSize({ width: 390, height: 844 });
    await editor.screenshot({ path: screenshotPath("portfolio-signoff-workflow-390") });
  });
});
