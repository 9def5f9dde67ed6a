import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECTION_KINDS } from "../../app/shared/template-schema";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates, parseTemplate, TemplateError } from "../../server/templates/template-files.server";

const files = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith(".json"));

describe("plan templates", () => {
  it.each(files)("%s loads and validates", (file) => {
    const template = parseTemplate(file, readFileSync(join(TEMPLATES_DIR, file), "utf8"));
    expect(template.sections.length).toBeGreaterThan(0);
    for (const section of template.sections) expect(SECTION_KINDS).toContain(section.kind);
  });

  it("the folder loads as a whole, each template under its own id", () => {
    const templates = loadTemplates(TEMPLATES_DIR);
    expect(templates.size).toBe(files.length);
    expect(templates.get("single-budget-for-a-place")?.sections).toHaveLength(14);
  });

  it("a broken template names the file, the path inside it and what is wrong", () => {
    const broken = JSON.parse(readFileSync(join(TEMPLATES_DIR, "single-budget-for-a-place.json"), "utf8"));
    broken.sections[2].kind = "spreadsheet";
    broken.sections[4].signoff = [];
    let error: unknown;
    try {
      parseTemplate("broken.json", JSON.stringify(broken));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    const message = (error as Error).message;
    expect(message).toContain("Invalid plan template broken.json");
    expect(message).toMatch(/at sections\[2\]\.kind: Invalid option: expected one of "text"\|"budget"/);
    expect(message).toContain("at sections[4].signoff: at least one side must sign the section off");
  });

  it("a duplicate section key and a file that is not JSON are refused", () => {
    const template = JSON.parse(readFileSync(join(TEMPLATES_DIR, "single-budget-for-a-place.json"), "utf8"));
    template.sections[1].key = template.sections[0].key;
    expect(() => parseTemplate("dup.json", JSON.stringify(template))).toThrow(
      /at sections\[1\]\.key: duplicate section key "shadow-budget"/,
    );
    expect(() => parseTemplate("bad.json", "{ not json")).toThrow(/bad\.json:\n {2}at \(top level\): not valid JSON/);
  });
});
