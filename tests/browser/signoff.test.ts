import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

const badge = (sectionKey: string) => `.navigator [data-testid="signoff-badge"][data-section="${sectionKey}"]`;

describe("signing off a section in the browser", () => {
  it("a signatory signs off; another page sees the badge live; an edit turns both stale", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await openDemoPlan(signatory);
    const other = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await other.goto(signatory.url());
    await planReady(other);
    expect(await other.locator(badge("customer-insight")).getAttribute("data-state")).toBe("unsigned");

    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="customer-insight"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Customer insight/ });
    await expect
      .poll(() => dialog.getByTestId("signoff-statement").textContent())
      .toContain("I, Margaret Hale, approve section 'Customer insight and visioning'");
    await signatory.screenshot({ path: screenshotPath("signoff-confirm") });
    await dialog.getByLabel("Your password, to confirm it is you").fill(DEMO_PASSWORD);
    await dialog.getByRole("button", { name: "Sign off for the Local side" }).click();

    await other.locator(`${badge("customer-insight")}[data-state="signed"]`).waitFor({ timeout: 2000 });
    await signatory.locator(`${badge("customer-insight")}[data-state="signed"]`).waitFor({ timeout: 2000 });
    expect(await panel.textContent()).toContain("Local signed off by Margaret Hale (Swindon Borough Council)");
    expect(await other.getByTestId("plan-progress").textContent()).toContain("1 of 14 sections signed off");
    const warning = other.locator(
      '[data-testid="signoff-panel"][data-section="customer-insight"] ~ [data-testid="signed-edit-warning"]',
    );
    expect(await warning.textContent()).toContain(
      "Signed off by Margaret Hale (Local); editing will make the sign-off stale",
    );
    await other.locator("#section-customer-insight").scrollIntoViewIfNeeded();
    await other.screenshot({ path: screenshotPath("signoff-signed-other-page") });

    const editor = signatory.locator('.rich-text[data-section="customer-insight"]');
    await editor.click();
    await signatory.keyboard.press("End");
    await signatory.keyboard.type(" Changed after sign-off.");

    await signatory.locator(`${badge("customer-insight")}[data-state="stale"]`).waitFor({ timeout: 2000 });
    await other.locator(`${badge("customer-insight")}[data-state="stale"]`).waitFor({ timeout: 2000 });
    const stale = other.locator(
      '[data-testid="signoff-panel"][data-section="customer-insight"] [data-testid="signoff-stale"]',
    );
    expect(await stale.textContent()).toContain("Changed since sign-off by Margaret Hale");
    await stale.getByText("What changed since sign-off").click();
    await expect
      .poll(() => stale.locator("ins").allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining("Changed")]));
    expect(await other.getByTestId("plan-progress").textContent()).toContain("0 of 14 sections signed off");
    await other.screenshot({ path: screenshotPath("signoff-stale-other-page") });
    await signatory.getByRole("button", { name: "Sign off again for the Local side" }).waitFor();
  });

  it("the dialog shows the wording signed; a change while it is open is shown and asked about again", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await openDemoPlan(signatory);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(signatory.url());
    await planReady(editor);

    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="governance"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Local structures, governance/ });
    await expect.poll(() => dialog.getByTestId("signoff-dialog-wording").textContent()).toContain("Board");

    await editor.locator('.rich-text[data-section="governance"]').click();
    await editor.keyboard.press("Control+End");
    await editor.keyboard.type(" Added while the signatory reads.");
    const changed = dialog.getByTestId("signoff-dialog-changed");
    await changed.waitFor({ timeout: 5000 });
    await expect
      .poll(() => changed.locator("ins").allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining("while the signatory reads")]));
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-changed") });
    expect(await signatory.locator(`${badge("governance")}`).getAttribute("data-state")).toBe("unsigned");

    await dialog.getByRole("button", { name: "Read the new wording" }).click();
    await expect
      .poll(() => dialog.getByTestId("signoff-dialog-wording").textContent())
      .toContain("while the signatory reads.");
    await dialog.getByLabel("Your password, to confirm it is you").fill(DEMO_PASSWORD);
    await dialog.getByRole("button", { name: "Sign off for the Local side" }).click();
    await signatory.locator(`${badge("governance")}[data-state="partial"]`).waitFor({ timeout: 5000 });
    await editor.context().close();
    await signatory.context().close();
  });

  it("a reviewer sees the sign-off state but no sign-off button", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    expect(await reviewer.locator('[data-testid="signoff-panel"]').count()).toBe(14);
    expect(await reviewer.getByRole("button", { name: /Sign off/ }).count()).toBe(0);
    expect(await reviewer.getByTestId("plan-status").textContent()).toBe("Draft");
    await reviewer.screenshot({ path: screenshotPath("signoff-plan-header") });
  });
});
