import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The folders a path in the docs may start with: the repository's own source. */
const SOURCE_ROOTS = ["server", "app", "tests", "db", "plan-templates", "docs", "public"];

/**
 * A source path, written plain or in backticks (`server/collab/`, app/routes/plans.$id.tsx,
 * plan-templates/*.json), or a file named alone in backticks (`room.server.ts`), which is read
 * in the folder the same paragraph, list item or table row last named (or at the root).
 */
const REFERENCE = new RegExp(
  String.raw`(?<![\w/.\-])((?:${SOURCE_ROOTS.join("|")})/[\w.\-/$*]*)|` + "`([\\w.\\-]+\\.(?:tsx?|jsx?|json|md|sql))`",
  "g",
);

interface Reference {
  doc: string;
  path: string;
  /** The words around it, to find it in the doc. */
  context: string;
}

/** The README and every Markdown file under docs/, read as they are now. */
function docs(): string[] {
  const found = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) found.push(path);
    }
  };
  walk("docs");
  return found;
}

/** A paragraph, a list item or a table row: a bare file name refers to the folder named before it here. */
function blocks(text: string): string[] {
  const result: string[] = [];
  let current: string[] = [];
  for (const line of text.split("\n")) {
    const starts = line.trim() === "" || /^\s{0,1}(?:[-*] |\d+\. |\||#)/.test(line);
    if (starts && current.length > 0) {
      result.push(current.join("\n"));
      current = [];
    }
    if (line.trim() !== "") current.push(line);
  }
  if (current.length > 0) result.push(current.join("\n"));
  return result;
}

function references(doc: string): Reference[] {
  const found: Reference[] = [];
  for (const block of blocks(readFileSync(join(ROOT, doc), "utf8"))) {
    let folder: string | null = null;
    for (const match of block.matchAll(REFERENCE)) {
      const context = block.slice(Math.max(0, match.index - 40), match.index + match[0].length + 20);
      if (match[1]) {
        const path = match[1].replace(/[.,:;]+$/, "");
        folder = path.endsWith("/") ? path : posix.dirname(path) + "/";
        found.push({ doc, path, context });
      } else if (match[2]) {
        // A bare name that is a file at the root (`eslint.config.js`) is that file.
        const atRoot = existsSync(join(ROOT, match[2]));
        found.push({ doc, path: folder && !atRoot ? folder + match[2] : match[2], context });
      }
    }
  }
  return found;
}

/** Folders .gitignore keeps out of the repository (outputs such as `tests/bench/results/`). */
function ignoredFolders(): string[] {
  return readFileSync(join(ROOT, ".gitignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("/") && line.endsWith("/"))
    .map((line) => line.slice(1));
}

function sourceFiles(dir = ""): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : sourceFiles(path);
    }
    return [path];
  });
}

function exists(path: string, everyFile: () => string[]): boolean {
  if (!path.includes("/")) return everyFile().some((file) => posix.basename(file) === path);
  if (!path.includes("*")) {
    if (!existsSync(join(ROOT, path))) return false;
    return path.endsWith("/") ? statSync(join(ROOT, path)).isDirectory() : true;
  }
  const pattern = new RegExp(
    "^" +
      path
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*") +
      "$",
  );
  return everyFile().some((file) => pattern.test(file));
}

describe("the docs name only paths that exist", () => {
  it("every source path the README and docs/ name is in the repository", () => {
    const ignored = ignoredFolders();
    let files: string[] | null = null;
    const everyFile = () => (files ??= sourceFiles());
    const all = docs().flatMap(references);
    const checked = all.filter((reference) => !ignored.some((folder) => reference.path.startsWith(folder)));
    const missing = checked
      .filter((reference) => !exists(reference.path, everyFile))
      .map(({ doc, path, context }) => `${doc}: ${path} (in “…${context.replace(/\s+/g, " ")}…”)`);
    expect(missing).toEqual([]);
    // The check reads what the docs say: finding almost nothing would mean it stopped reading them.
    expect(checked.length).toBeGreaterThan(50);
  });
});

describe("the decision records' index", () => {
  const folder = join(ROOT, "docs", "decisions");
  const records = readdirSync(folder).filter((name) => /^\d{4}-.+\.md$/.test(name));

  it("lists every record with the status its first line gives", () => {
    const index = readFileSync(join(folder, "README.md"), "utf8");
    const unlisted = records.filter((name) => {
      const status = /^Status: (.+)$/m.exec(readFileSync(join(folder, name), "utf8"))?.[1];
      const row = index.split("\n").find((line) => line.includes(`](${name})`));
      return !row || !status || !row.includes(`| ${status} |`);
    });
    expect(unlisted).toEqual([]);
    expect(records.length).toBeGreaterThan(20);
  });

  it("gives each record one status line in one of three forms", () => {
    const malformed = records.filter((name) => {
      const lines = readFileSync(join(folder, name), "utf8").split("\n");
      return !/^Status: (accepted|amended by \d{4}|superseded by \d{4})$/.test(lines[2] ?? "");
    });
    expect(malformed).toEqual([]);
  });
});
