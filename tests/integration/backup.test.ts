import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { runAdminInBackground } from "../support/admin";
import { queryDatabase } from "../support/database";
import { getJson, signIn } from "../support/http";
import { startServer, type RunningServer } from "../support/server";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const SECTION = "service-redesign";
const others: RunningServer[] = [];

const server = useTestServer({ users: [OWNER], demoPlan: true });
afterAll(async () => {
  await Promise.all(others.map((s) => s.stop()));
});

type PlanView = { sections: { key: string; text: string; data: unknown; signoff: unknown }[] };

/** Serves a copy of a backup, as restoring it would, and reads the plan from it. */
async function restore(backup: string): Promise<PlanView> {
  const restored = join(mkdtempSync(join(tmpdir(), "coplan-restore-")), "coplan.sqlite");
  copyFileSync(backup, restored);
  const copy = await startServer({ databasePath: restored });
  others.push(copy);
  // The session secret and sessions are in the copy too, so the same cookie works.
  return (await getJson<PlanView>(copy.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER))).body;
}

describe("backup", () => {
  it("copies the database consistently while clients edit, and the copy restores to identical plans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coplan-backup-"));
    const writer = connectClient(server.url, server.demoPlanId, await signIn(server.url, "editor@swindon.example"));
    const observer = connectClient(server.url, server.demoPlanId, server.cookie(OWNER));
    onTestFinished(() => {
      writer.destroy();
      observer.destroy();
    });
    await Promise.all([waitForSync(writer), waitForSync(observer)]);
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    writer.doc.getXmlFragment(sectionFragmentName(SECTION)).insert(0, [paragraph]);
    let typed = 0;
    let typing = true;
    const typist = (async () => {
      while (typing) {
        text.insert(text.length, `${typed++},`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const observed = () =>
      observer.doc
        .getXmlFragment(sectionFragmentName(SECTION))
        .toJSON()
        .match(/\d+(?=,)/g) ?? [];
    await waitFor(() => observed().length > 50, 10_000, "edits under way");

    const seenBefore = observed();
    const during = await runAdminInBackground(server.databasePath, "backup", join(dir, "during.sqlite"));
    const typedDuring = typed;
    typing = false;
    await typist;
    expect(during.code, during.stderr).toBe(0);
    expect(during.stdout).toContain("integrity check ok");
    expect(typedDuring).toBeGreaterThan(seenBefore.length);
    await waitFor(() => observed().length === typed, 10_000, "all edits seen");

    const duringPlan = await restore(join(dir, "during.sqlite"));
    const restoredTokens = duringPlan.sections.find((s) => s.key === SECTION)!.text.match(/\d+(?=,)/g) ?? [];
    expect(restoredTokens.slice(0, seenBefore.length)).toEqual(seenBefore);
    expect(restoredTokens).toEqual(Array.from({ length: restoredTokens.length }, (_, i) => String(i)));

    const after = await runAdminInBackground(server.databasePath, "backup", join(dir, "after.sqlite"));
    expect(after.code, after.stderr).toBe(0);
    expect(queryDatabase(join(dir, "after.sqlite"), "pragma integrity_check")).toEqual({ integrity_check: "ok" });
    const live = (await getJson<PlanView>(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER))).body;
    expect(await restore(join(dir, "after.sqlite"))).toEqual(live);

    const again = await runAdminInBackground(server.databasePath, "backup", join(dir, "after.sqlite"));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("already exists");
  });
});
