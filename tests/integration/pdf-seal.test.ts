import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import { extractText, getDocumentProxy } from "unpdf";
import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { runAdminInBackground } from "../support/admin";
import { demoPlanId, getJson, requestJson, signIn, signOff } from "../support/http";
import { startServer, tempDatabasePath } from "../support/server";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const LOCAL = "signatory@swindon.example";

const server = useTestServer({ users: [OWNER, LOCAL], demoPlan: true });
const dir = mkdtempSync(join(tmpdir(), "coplan-seal-"));

interface Section {
  key: string;
  title: string;
  text: string;
  requiredSides: string[];
  signoff: { records: { id: number; side: string; signedAt: string; staleAt: string | null }[] };
}

async function exportPdf(planId: string, query = ""): Promise<Buffer> {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
    headers: { cookie: server.cookie(OWNER) },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function saved(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A command's exit status and output, without blocking this process (a blocked event loop
 * would miss the server closing an idle keep-alive connection, and the next fetch would fail).
 */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, encoding: "utf8" }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** poppler's pdfsig, an independent checker: its report and whether it calls the signature valid. */
async function pdfsig(path: string): Promise<{ valid: boolean; output: string }> {
  const result = await run("pdfsig", [path]);
  const output = `${result.stdout}${result.stderr}`;
  return { valid: /Signature Validation: Signature is Valid\./.test(output), output };
}

const verifyPdf = (path: string, databasePath = server.databasePath) =>
  runAdminInBackground(databasePath, "verify-pdf", path);

/** A section of the demo plan that has writing and that the local side signs. */
let section: Section;
let signoffId: number;

beforeAll(async () => {
  const plan = await getJson<{ sections: Section[] }>(
    server.url,
    `/api/plans/${server.demoPlanId}`,
    server.cookie(OWNER),
  );
  section = plan.body.sections.find((s) => s.text.trim().length > 0 && s.requiredSides.includes("local"))!;
  const signed = await signOff(server.url, server.demoPlanId, section.key, server.cookie(LOCAL));
  expect(signed.status).toBe(201);
  const after = await getJson<{ sections: Section[] }>(
    server.url,
    `/api/plans/${server.demoPlanId}`,
    server.cookie(OWNER),
  );
  signoffId = after.body.sections
    .find((s) => s.key === section.key)!
    .signoff.records.find((r) => r.side === "local")!.id;
});

/** The local side's current sign-off record of the section. */
async function localRecordOf(key: string): Promise<Section["signoff"]["records"][number]> {
  const plan = await getJson<{ sections: Section[] }>(
    server.url,
    `/api/plans/${server.demoPlanId}`,
    server.cookie(OWNER),
  );
  return plan.body.sections.find((s) => s.key === key)!.signoff.records.find((r) => r.side === "local")!;
}

describe("the sealed PDF", () => {
  it("passes pdfsig and verify-pdf, which prints the sign-offs it embeds and matches them to the database", async () => {
    const path = saved("plan.pdf", await exportPdf(server.demoPlanId));
    const checked = await pdfsig(path);
    expect(checked.output).toContain("Signature Type: ETSI.CAdES.detached");
    expect(checked.output).toContain("Total document signed");
    expect(checked.valid).toBe(true);

    const info = await runAdminInBackground(server.databasePath, "seal-info");
    expect(info.code).toBe(0);
    const fingerprint = /SHA-256 fingerprint: ([0-9A-F:]{95})/.exec(info.stdout)![1]!;
    expect(checked.output).toContain("Signer Certificate Common Name: Coplan seal of");

    const verified = await verifyPdf(path);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("the seal holds over the whole file");
    expect(verified.stdout).toContain(`SHA-256 fingerprint ${fingerprint}`);
    expect(verified.stdout).toContain(`✓ #${signoffId} section "${section.title}" (${section.key}), local side`);
    expect(verified.stdout).toContain("signed by Margaret Hale, Swindon Borough Council");
    expect(verified.stdout).toContain("matches the database");

    // The records are a file inside the PDF that any PDF tool lists.
    expect(execFileSync("pdfdetach", ["-list", path], { encoding: "utf8" })).toContain("signoffs.json");
  });

  it("prints every sign-off record it carries in its appendix, with the statement, method and content hash, then the audit head", async () => {
    const record = (await localRecordOf(section.key)) as Section["signoff"]["records"][number] & {
      meaning: string;
      contentHash: string;
    };
    expect(record.meaning).toContain("Margaret Hale");
    const audit = await getJson<{ id: number; hash: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/audit`,
      server.cookie(OWNER),
    );
    const pdf = await exportPdf(server.demoPlanId);
    const document = await getDocumentProxy(new Uint8Array(pdf));
    const text = (await extractText(document, { mergePages: true })).text.replace(/\s+/g, " ");
    const appendix = text.slice(text.lastIndexOf("Appendix: sign-off record"));
    expect(appendix).toContain(`Sign-off #${record.id}: ${section.title}, Local`);
    expect(appendix).toContain("Signed by: Margaret Hale, Swindon Borough Council");
    expect(appendix).toContain(`Statement: ${record.meaning.replace(/\s+/g, " ")}`);
    expect(appendix).toContain("Authenticated by: password");
    expect(appendix).toContain(record.contentHash);
    expect(appendix).toContain("At export: fresh");
    expect(appendix.indexOf(audit.body[0]!.hash)).toBeGreaterThan(appendix.indexOf(record.contentHash));
  });

  it("a version's export is sealed too", async () => {
    const versions = await getJson<{ id: number }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/versions`,
      server.cookie(OWNER),
    );
    const path = saved("version.pdf", await exportPdf(server.demoPlanId, `?version=${versions.body[0]!.id}`));
    expect((await pdfsig(path)).valid).toBe(true);
    const verified = await verifyPdf(path);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`version ${versions.body[0]!.id}`);
  });

  it("a one-byte change anywhere the seal covers fails both pdfsig and verify-pdf", async () => {
    const pdf = await exportPdf(server.demoPlanId);
    // Inside what the seal covers: a third of the way into the bytes before the signature (a
    // third of the whole file can fall inside the signature itself, which no seal covers).
    const signatureStarts = Number(/\/ByteRange\s*\[\s*0\s+(\d+)/.exec(pdf.toString("latin1"))![1]);
    for (const at of [Math.floor(signatureStarts / 3), pdf.length - 10]) {
      const changed = Buffer.from(pdf);
      changed[at] = changed[at]! ^ 0x01;
      const path = saved(`changed-${at}.pdf`, changed);
      expect((await pdfsig(path)).valid).toBe(false);
      const verified = await verifyPdf(path);
      expect(verified.code).not.toBe(0);
      expect(verified.stderr).toMatch(/does not verify: it was changed after sealing/);
    }
  });

  it("verify-pdf refuses an unsealed PDF, a truncated file, a non-PDF and another instance's PDF, saying which", async () => {
    const pdf = await exportPdf(server.demoPlanId);
    const unsealed = new PDFDocument();
    const chunks: Buffer[] = [];
    unsealed.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => unsealed.on("end", resolve));
    unsealed.text("A plan, typed elsewhere").end();
    await ended;

    const cases: [string, Buffer | string, RegExp][] = [
      ["unsealed.pdf", Buffer.concat(chunks), /carries no seal/],
      ["truncated.pdf", pdf.subarray(0, Math.floor(pdf.length * 0.7)), /cut short.*truncated/],
      ["notes.pdf", "Minutes of the board, not a PDF at all\n", /is not a PDF/],
    ];
    for (const [name, bytes, message] of cases) {
      const verified = await verifyPdf(saved(name, bytes));
      expect(verified.code, name).not.toBe(0);
      expect(verified.stderr, name).toMatch(message);
    }

    // Another instance (another database) has a seal of its own.
    const elsewhere = await verifyPdf(saved("plan.pdf", pdf), tempDatabasePath());
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toMatch(/sealed by another seal, not this instance's/);
  });

  it("reports a PDF whose sign-off went stale and was signed again as replaced, not revoked", async () => {
    const other = (
      await getJson<{ sections: Section[] }>(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER))
    ).body.sections.find(
      (s) => s.key !== section.key && s.text.trim().length > 0 && s.requiredSides.includes("local"),
    )!;
    expect((await signOff(server.url, server.demoPlanId, other.key, server.cookie(LOCAL))).status).toBe(201);
    const first = await localRecordOf(other.key);
    const path = saved("before-resigning.pdf", await exportPdf(server.demoPlanId));

    // An editor changes the section, so the sign-off goes stale; the signatory signs again.
    const editor = connectClient(server.url, server.demoPlanId, server.cookie(OWNER));
    try {
      await waitForSync(editor);
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("A sentence added after signing.")]);
      const fragment = editor.doc.getXmlFragment(sectionFragmentName(other.key));
      fragment.insert(fragment.length, [paragraph]);
      await waitFor(async () => (await localRecordOf(other.key)).staleAt !== null, 10_000, "the stale sign-off");
    } finally {
      editor.destroy();
    }
    expect((await signOff(server.url, server.demoPlanId, other.key, server.cookie(LOCAL))).status).toBe(201);
    const second = await localRecordOf(other.key);
    expect(second.id).not.toBe(first.id);

    const verified = await verifyPdf(path);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`✗ #${first.id} section "${other.title}"`);
    expect(verified.stdout).toMatch(
      new RegExp(
        `no longer matches: replaced: it went stale at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z and Margaret Hale signed again at ${second.signedAt.replace(/[.]/g, "\\.")} \\(sign-off #${second.id}\\)`,
      ),
    );
    expect(verified.stdout).not.toMatch(new RegExp(`#${first.id}[^✓✗]*revoked`));
    expect(verified.stderr).toContain("1 of its sign-offs no longer match the database");
  });

  it("reports a PDF whose sign-off was revoked after export as no longer matching", async () => {
    const path = saved("before-revoking.pdf", await exportPdf(server.demoPlanId));
    expect((await verifyPdf(path)).code).toBe(0);
    const revoked = await requestJson(
      server.url,
      "DELETE",
      `/api/plans/${server.demoPlanId}/sections/${section.key}/signoffs`,
      server.cookie(LOCAL),
    );
    expect(revoked.status).toBeLessThan(300);
    const verified = await verifyPdf(path);
    expect(verified.code).not.toBe(0);
    expect(verified.stdout).toContain(`✗ #${signoffId} section "${section.title}"`);
    expect(verified.stdout).toMatch(/no longer matches: revoked at \d{4}-\d\d-\d\dT[\d:.]+Z by Margaret Hale/);
    expect(verified.stderr).toContain("1 of its sign-offs no longer match the database");
    // The file itself is untouched: its seal still holds.
    expect((await pdfsig(path)).valid).toBe(true);
  });
});

describe("a department's own seal (SEAL_P12_PATH)", () => {
  const p12 = join(dir, "department.p12");
  beforeAll(() => {
    const key = join(dir, "department-key.pem");
    const certificate = join(dir, "department-cert.pem");
    execFileSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      "/CN=Swindon Borough Council document seal/O=Swindon Borough Council",
      "-keyout",
      key,
      "-out",
      certificate,
      "-days",
      "30",
    ]);
    execFileSync("openssl", [
      "pkcs12",
      "-export",
      "-inkey",
      key,
      "-in",
      certificate,
      "-passout",
      "pass:right",
      "-out",
      p12,
    ]);
  });

  it("with a wrong password, the server says why and exits", async () => {
    const started = startServer({ env: { SEAL_P12_PATH: p12, SEAL_P12_PASSWORD: "wrong" } });
    await expect(started).rejects.toThrow(/exited with 1 before listening/);
    await expect(started).rejects.toThrow(
      `Coplan cannot start: SEAL_P12_PASSWORD does not open the seal in ${p12}: the password is wrong`,
    );
  });

  it("with the right one, exports carry the department's seal", async () => {
    const env = { SEAL_P12_PATH: p12, SEAL_P12_PASSWORD: "right" };
    const department = await startServer({ env });
    try {
      const info = await run(process.execPath, ["--import", "tsx", "server/ops/admin.ts", "seal-info"], {
        ...process.env,
        ...env,
        DATABASE_PATH: department.databasePath,
      });
      expect(info.stdout).toContain("CN=Swindon Borough Council document seal");
      expect(info.stdout).toContain(`Source: SEAL_P12_PATH (${p12})`);
      const fingerprint = execFileSync(
        "openssl",
        ["x509", "-in", join(dir, "department-cert.pem"), "-noout", "-fingerprint", "-sha256"],
        {
          encoding: "utf8",
        },
      );
      expect(info.stdout).toContain(fingerprint.split("=")[1]!.trim());

      const cookie = await signIn(department.url, OWNER);
      const response = await fetch(
        `${department.url}/api/plans/${await demoPlanId(department.url, cookie)}/export.pdf`,
        {
          headers: { cookie },
        },
      );
      const path = saved("department.pdf", Buffer.from(await response.arrayBuffer()));
      const checked = await pdfsig(path);
      expect(checked.valid).toBe(true);
      expect(checked.output).toContain("Signer Certificate Common Name: Swindon Borough Council document seal");
    } finally {
      await department.stop();
    }
  });
});
