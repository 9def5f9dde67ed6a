import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { extractText, getDocumentProxy } from "unpdf";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { runAdmin } from "../support/admin";
import { getJson, requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const ZEROS = "0".repeat(64);

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL] });
const clients: TestClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

interface AuditJson {
  id: number;
  type: string;
  at: string;
  actor: { id: string } | null;
  detail: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

const auditOf = async (planId: string) =>
  (await getJson<AuditJson[]>(server.url, `/api/plans/${planId}/audit`, server.cookie(OWNER))).body;

/** The README's canonical form, written out again here: sorted keys at every depth, no spaces. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(object[key])}`)
    .join(",")}}`;
}

async function newPlan(title: string): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title,
    area: "Swindon",
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function write(planId: string, key: string, words: string): Promise<void> {
  const client = connectClient(server.url, planId, server.cookie(EDITOR));
  clients.push(client);
  await waitForSync(client);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  const fragment = client.doc.getXmlFragment(sectionFragmentName(key));
  fragment.insert(fragment.length, [paragraph]);
  await waitFor(
    async () =>
      (
        await getJson<{ sections: { key: string; text: string }[] }>(
          server.url,
          `/api/plans/${planId}`,
          server.cookie(OWNER),
        )
      ).body.sections
        .find((section) => section.key === key)!
        .text.includes(words),
    10_000,
    `"${words}" stored`,
  );
}

async function exportedText(planId: string): Promise<string> {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf`, {
    headers: { cookie: server.cookie(OWNER) },
  });
  expect(response.status).toBe(200);
  const document = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
  return (await extractText(document, { mergePages: true })).text;
}

/** A copy of the server's database to tamper with, as someone holding the file could. */
function copyOfDatabase(): string {
  const copy = join(mkdtempSync(join(tmpdir(), "coplan-audit-")), "copy.db");
  const db = new Database(server.databasePath, { readonly: true });
  try {
    db.prepare("VACUUM INTO ?").run(copy);
  } finally {
    db.close();
  }
  return copy;
}

function tamper(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  try {
    db.exec("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

describe("the audit log as a hash chain", () => {
  let planId = "";

  it("links each entry to the one before it, and sign-offs, revocations, stale marks, restores, member changes and exports are all in it", async () => {
    planId = await newPlan("Chained");
    for (const [email, role] of [
      [EDITOR, "editor"],
      [LOCAL, "signatory"],
    ]) {
      expect((await send("POST", `/api/plans/${planId}/members`, OWNER, { email, role })).status).toBe(201);
    }
    const members = (await send("GET", `/api/plans/${planId}/members`, OWNER)).body as {
      email: string;
      userId: string;
    }[];
    const editorId = members.find((m) => m.email === EDITOR)!.userId;
    expect((await send("PATCH", `/api/plans/${planId}/members/${editorId}`, OWNER, { role: "reviewer" })).status).toBe(
      204,
    );
    expect((await send("PATCH", `/api/plans/${planId}/members/${editorId}`, OWNER, { role: "editor" })).status).toBe(
      204,
    );

    await write(planId, "governance", "The board meets monthly.");
    expect((await signOff(server.url, planId, "governance", server.cookie(LOCAL))).status).toBe(201);
    const version = await send("POST", `/api/plans/${planId}/versions`, OWNER, { name: "As signed" });
    expect(version.status).toBe(201);
    await write(planId, "governance", "And reports each quarter.");
    await waitFor(
      async () => (await auditOf(planId)).some((entry) => entry.type === "signoff.stale"),
      10_000,
      "the stale mark",
    );
    expect((await signOff(server.url, planId, "governance", server.cookie(LOCAL))).status).toBe(201);
    expect((await send("DELETE", `/api/plans/${planId}/sections/governance/signoffs`, LOCAL)).status).toBe(204);
    const restored = await send("POST", `/api/plans/${planId}/versions/${version.body.id}/restore`, OWNER, {
      sections: ["governance"],
    });
    expect(restored.status).toBe(200);
    await exportedText(planId);

    const newestFirst = await auditOf(planId);
    const types = new Set(newestFirst.map((entry) => entry.type));
    for (const type of [
      "plan.created",
      "member.added",
      "member.role-changed",
      "signoff.signed",
      "signoff.stale",
      "signoff.revoked",
      "version.restored",
      "plan.exported",
    ]) {
      expect(types, type).toContain(type);
    }
    const oldestFirst = [...newestFirst].reverse();
    expect(oldestFirst[0]!.prevHash).toBe(ZEROS);
    oldestFirst.forEach((entry, index) => {
      if (index > 0) expect(entry.prevHash, `entry ${entry.id}`).toBe(oldestFirst[index - 1]!.hash);
      const content = canonical({
        actor: entry.actor?.id ?? null,
        at: entry.at,
        detail: entry.detail,
        plan: planId,
        prevHash: entry.prevHash,
        type: entry.type,
      });
      expect(createHash("sha256").update(content).digest("hex"), `entry ${entry.id}`).toBe(entry.hash);
    });
  });

  it("prints the chain's head in an exported PDF, and the export follows that head in the log", async () => {
    const head = (await auditOf(planId))[0]!;
    const text = await exportedText(planId);
    expect(text).toContain("Appendix: sign-off record");
    expect(text).toContain(head.hash);
    const [exported] = await auditOf(planId);
    expect(exported).toMatchObject({ type: "plan.exported", prevHash: head.hash });
  });

  it("verify-audit exits 0 and prints every chain's head", async () => {
    const head = (await auditOf(planId))[0]!;
    const result = runAdmin(server.databasePath, "verify-audit");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Audit log intact");
    expect(result.stdout).toMatch(new RegExp(`plan ${planId}: \\d+ entries, head entry ${head.id} .* ${head.hash}`));
    expect(result.stdout).toMatch(/^instance: \d+ entries/m);
  });

  it("the database refuses to change or delete an entry", () => {
    const db = new Database(server.databasePath);
    try {
      expect(() => db.prepare("UPDATE audit_events SET type = 'plan.created' WHERE plan_id = ?").run(planId)).toThrow(
        "audit entries are never changed",
      );
      expect(() => db.prepare("DELETE FROM audit_events WHERE plan_id = ?").run(planId)).toThrow(
        "audit entries are never deleted",
      );
      expect(() =>
        db.prepare("INSERT INTO audit_events (plan_id, type) VALUES (?, 'plan.changed')").run(planId),
      ).toThrow("audit entries are written with prevHash and hash");
    } finally {
      db.close();
    }
  });

  it("verify-audit names the first entry changed, or the one after an entry removed, with the triggers dropped", async () => {
    const oldestFirst = [...(await auditOf(planId))].reverse();
    const changed = oldestFirst[3]!;
    const copy = copyOfDatabase();
    tamper(copy, "UPDATE audit_events SET detail = json_set(detail, '$.role', 'owner') WHERE id = ?", changed.id);
    const result = runAdmin(copy, "verify-audit");
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      `Audit log broken at entry ${changed.id} (plan ${planId}, ${changed.at}, ${changed.type})`,
    );
    expect(result.stderr).toContain("the entry was changed after it was written");

    const removed = oldestFirst[5]!;
    const second = copyOfDatabase();
    tamper(second, "DELETE FROM audit_events WHERE id = ?", removed.id);
    const afterRemoval = runAdmin(second, "verify-audit");
    expect(afterRemoval.code).not.toBe(0);
    expect(afterRemoval.stderr).toContain(`Audit log broken at entry ${oldestFirst[6]!.id} (plan ${planId}`);
    expect(afterRemoval.stderr).toContain(
      `is not the hash of the entry before it in the chain (entry ${oldestFirst[4]!.id}`,
    );
  });

  it("deleting a plan keeps its entries, ending with the deletion, and the chains still verify", async () => {
    const doomed = await newPlan("To be deleted");
    expect((await send("POST", `/api/plans/${doomed}/members`, OWNER, { email: EDITOR, role: "editor" })).status).toBe(
      201,
    );
    const before = await auditOf(doomed);
    expect((await send("DELETE", `/api/plans/${doomed}`, OWNER)).status).toBe(204);
    expect((await send("GET", `/api/plans/${doomed}`, OWNER)).status).toBe(404);

    const db = new Database(server.databasePath, { readonly: true });
    const kept = db
      .prepare("SELECT id, type, prev_hash AS prevHash, hash FROM audit_events WHERE plan_id = ? ORDER BY id")
      .all(doomed) as { id: number; type: string; prevHash: string; hash: string }[];
    db.close();
    expect(kept.map((entry) => entry.type)).toEqual([...before.map((entry) => entry.type).reverse(), "plan.deleted"]);
    expect(kept.at(-1)!.prevHash).toBe(before[0]!.hash);

    const result = runAdmin(server.databasePath, "verify-audit");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`plan ${doomed}: ${kept.length} entries, head entry ${kept.at(-1)!.id}`);
  });

  it("the Activity page says the chain is intact, and where it breaks once an entry is changed", async () => {
    const page = async () => {
      const response = await fetch(`${server.url}/plans/${planId}/activity`, {
        headers: { cookie: server.cookie(OWNER) },
      });
      expect(response.status).toBe(200);
      return (await response.text()).replace(/<!-- -->/g, "");
    };
    const head = (await auditOf(planId))[0]!;
    const intact = await page();
    expect(intact).toContain("The audit log is intact");
    expect(intact).toContain(head.hash);

    // Last in this file: the running server's own database loses its triggers here.
    const changed = [...(await auditOf(planId))].reverse()[2]!;
    tamper(server.databasePath, "UPDATE audit_events SET created_at = created_at + 60000 WHERE id = ?", changed.id);
    const broken = await page();
    expect(broken).not.toContain("The audit log is intact");
    expect(broken).toContain(`Its chain breaks at entry ${changed.id}`);
    expect(broken).toContain("The chain breaks here");
  });
});
