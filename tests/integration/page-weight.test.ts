import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

/**
 * What each page makes a first-time visitor download before it works, read from the build's
 * manifest (the route's module and its imports, plus the entry and the root), gzip-compressed
 * as a server would send it. Code loaded on first use (history, find, the sign-off question,
 * spreadsheets) is not in it. See decision 0025.
 */
const PUBLIC = resolve(import.meta.dirname, "../../public");
const KIB = 1024;
/**
 * 310 KiB until the third round, which put on the page at first paint the plan's words as the
 * server read them (drawn through the editor's schema), the tolerant reader of table values and
 * the comments sheet for small screens: about 2.5 KiB in all, after the link editor and the
 * import preview moved into chunks of their own. 290 KiB since the editors' own code (TipTap's
 * view, collaboration and menus, the tables' cells) loads with the first section built: 288 KiB
 * (decision 0039); the sign-off workflow's return and request notices add about 0.7 KiB (its
 * forms load on first use), and a deputy's notice and "sign off for" buttons with the signer's
 * statement about 0.5 KiB. 293 KiB with suggestions (decision 0034): drawing them in the reading
 * copy with their authors, the Suggesting switch and its shortcut add 1.9 KiB (the list of
 * suggestions and the typing filter load later, with the editors): 299,226 bytes in all. 294 KiB
 * after the new user's tryout: the page once a plan closes to someone (a deputy whose time ended),
 * and the reading tables' sideways-scroll hint in the sign-off dialog: 300,191 bytes. 150 KiB once
 * the reading copy is drawn without TipTap and ProseMirror (decision 0044): 150,344 bytes. 152 KiB
 * with the suggestion list in the plan's order with each cell named (its places are read from the
 * document), one accessible name per button, the shared reason form, confirmations before
 * deciding all, the current item marked, and opening the connection in idle time: 154,740 bytes.
 */
const PLAN_PAGE_BUDGET = 152 * KIB;
const OTHER_PAGE_BUDGET = 100 * KIB;

interface ManifestRoute {
  module: string;
  imports?: string[];
}
interface Manifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, ManifestRoute>;
}

function readManifest(): Manifest {
  const build = resolve(PUBLIC, "build");
  const file = readdirSync(build).find((name) => name.startsWith("manifest-") && name.endsWith(".js"));
  if (!file) throw new Error("No build manifest: run `remix build` first");
  const source = readFileSync(resolve(build, file), "utf8");
  return JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as Manifest;
}

const manifest = readManifest();

function upFront(routeId: string): string[] {
  const root = manifest.routes.root!;
  const route = manifest.routes[routeId]!;
  return [
    ...new Set([
      manifest.entry.module,
      ...manifest.entry.imports,
      root.module,
      ...(root.imports ?? []),
      route.module,
      ...(route.imports ?? []),
    ]),
  ];
}

function gzipBytes(files: string[]): number {
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(resolve(PUBLIC, `.${file}`))).length, 0);
}

/** Pages people open; `api.*` and other resource routes are fetched by code, never loaded as a page. */
const pages = Object.keys(manifest.routes).filter(
  (id) => id.startsWith("routes/") && !id.startsWith("routes/api.") && !id.includes("[.]csv"),
);

describe("page weight", () => {
  it(`the plan page loads at most ${PLAN_PAGE_BUDGET / KIB} KiB of JavaScript (gzip) before it works`, () => {
    const bytes = gzipBytes(upFront("routes/plans.$id"));
    expect(bytes).toBeGreaterThan(100 * KIB);
    expect(bytes).toBeLessThanOrEqual(PLAN_PAGE_BUDGET);
  });

  it(`every other page loads at most ${OTHER_PAGE_BUDGET / KIB} KiB: no validation or editor code rides along`, () => {
    expect(pages.length).toBeGreaterThan(10);
    const over = pages
      .filter((id) => id !== "routes/plans.$id")
      .map((id) => ({ id, kib: Math.round(gzipBytes(upFront(id)) / KIB) }))
      .filter((page) => page.kib * KIB > OTHER_PAGE_BUDGET);
    expect(over).toEqual([]);
  });

  it("the plan page draws and hydrates its reading copy without the editor's code (decision 0044)", () => {
    const source = upFront("routes/plans.$id")
      .map((file) => readFileSync(resolve(PUBLIC, `.${file}`), "utf8"))
      .join("\n");
    // Messages of prosemirror-model and prosemirror-view, which minifying keeps.
    for (const marker of ["Invalid input for Node.fromJSON", "ProseMirror-hideselection"]) {
      expect(source).not.toContain(marker);
      const chunks = readdirSync(resolve(PUBLIC, "build/_shared"));
      expect(chunks.some((name) => readFileSync(resolve(PUBLIC, "build/_shared", name), "utf8").includes(marker))).toBe(
        true,
      );
    }
  });

  it("history, find, the sign-off question and spreadsheets load on first use", () => {
    const files = upFront("routes/plans.$id").map((file) => file.split("/").pop()!);
    const lazy = readdirSync(resolve(PUBLIC, "build/_shared"));
    for (const name of ["HistoryPanel-", "FindBar-", "SignoffDialog-", "exceljs.min-"]) {
      expect(lazy.some((file) => file.startsWith(name))).toBe(true);
      expect(files.filter((file) => file.startsWith(name))).toEqual([]);
    }
  });
});
