/**
 * The rule catalog's layout (issue #17): one file per CIS item in a folder per section, named by
 * the rule's id and slug, exporting that one rule; each section's index lists its rules in CIS
 * order; the catalog is exactly those rules.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { compareRuleIds } from "../../../src/report/rules-listing";
import { CATALOG } from "../../../src/rules/catalog";
import { policyName } from "../../../src/rules/naming";
import { PROJECT_RULES } from "../../../src/rules/project";
import { SECTION_1 } from "../../../src/rules/section1";
import { SECTION_2 } from "../../../src/rules/section2";
import { SECTION_3 } from "../../../src/rules/section3";
import { SECTION_4 } from "../../../src/rules/section4";
import { SECTION_5 } from "../../../src/rules/section5";
import { SECTION_6 } from "../../../src/rules/section6";
import { SECTION_7 } from "../../../src/rules/section7";
import type { AnyRule } from "../../../src/rules/types";

const RULES_DIR = path.join(__dirname, "../../../src/rules");

/** Each rule folder and what its index lists. */
const FOLDERS: Record<string, readonly AnyRule[]> = {
  section1: SECTION_1,
  section2: SECTION_2,
  section3: SECTION_3,
  section4: SECTION_4,
  section5: SECTION_5,
  section6: SECTION_6,
  section7: SECTION_7,
  project: PROJECT_RULES,
};

const isRule = (value: unknown): value is AnyRule =>
  typeof value === "object" && value !== null && "id" in value && typeof (value as AnyRule).check === "function";

/** What a folder of rule files breaks of the layout; `listed` is what its index exports. */
function layoutProblems(dir: string, folder: string, listed: readonly AnyRule[]): string[] {
  const problems: string[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts");
  const fromFiles: AnyRule[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(path.join(dir, file)) as Record<string, unknown>;
    const rules = Object.values(exported).filter(isRule);
    if (rules.length !== 1 || Object.keys(exported).length !== 1) {
      problems.push(`${file}: exports ${Object.keys(exported).join(", ") || "nothing"}, not exactly one rule`);
      continue;
    }
    const rule = rules[0]!;
    fromFiles.push(rule);
    if (`${rule.id}-${rule.slug}.ts` !== file) problems.push(`${file}: holds ${rule.id}-${rule.slug}`);
    if (!readFileSync(path.join(dir, file), "utf8").includes(`slug: "${rule.slug}"`))
      problems.push(`${file}: the slug is not written in the file`);
    const inFolder =
      folder === "project"
        ? rule.id.startsWith("hd-")
        : `section${rule.section}` === folder && rule.id.startsWith(`${rule.section}.`);
    if (!inFolder) problems.push(`${file}: ${rule.id} (section ${rule.section}) does not belong in ${folder}`);
  }
  const unlisted = fromFiles.filter((r) => !listed.includes(r)).map((r) => r.id);
  const fileless = listed.filter((r) => !fromFiles.includes(r)).map((r) => r.id);
  if (unlisted.length) problems.push(`index.ts does not list ${unlisted.join(", ")}`);
  if (fileless.length) problems.push(`index.ts lists ${fileless.join(", ")}, which no file of ${folder} exports`);
  const ids = listed.map((r) => r.id);
  if (folder !== "project" && ids.join() !== [...ids].sort(compareRuleIds).join())
    problems.push(`index.ts is not in CIS order: ${ids.join(", ")}`);
  return problems;
}

describe("one file per rule", () => {
  it("keeps the rules in a folder per section, the project's own rules in project/, shapes in kit/", () => {
    const folders = readdirSync(RULES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.map((d) => d.name).sort()).toEqual([...Object.keys(FOLDERS), "kit"].sort());
  });

  for (const [folder, listed] of Object.entries(FOLDERS)) {
    it(`${folder}: each file exports one rule named <id>-<slug>.ts; index.ts lists them all in order`, () => {
      expect(layoutProblems(path.join(RULES_DIR, folder), folder, listed)).toEqual([]);
    });
  }

  it("builds the catalog from exactly the rules of those files", () => {
    const fromFolders = Object.values(FOLDERS).flat();
    expect(CATALOG).toHaveLength(fromFolders.length);
    for (const rule of CATALOG) expect(fromFolders).toContain(rule);
  });

  it("gives no two rules the same id or policy name", () => {
    const ids = CATALOG.map((r) => r.id);
    const names = CATALOG.map(policyName);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives no two rules the same slug, but for the policy names pack configs already use", () => {
    // These slugs predate the one-file layout; changing one renames a policy that pack configs name.
    const shared = new Set([
      "audit-rule-watches-containerd-shim", // 1.1.15–1.1.17
      "registry-certificates-under-etc-docker", // 3.7, 3.8
      "docker-exec-never-run-with", // 5.23, 5.24
      "valid", // the hd-exemptions rules: their ids differ by the kind of object
    ]);
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const rule of CATALOG) {
      const other = seen.get(rule.slug);
      if (other && !shared.has(rule.slug)) clashes.push(`${other} and ${rule.id}: ${rule.slug}`);
      seen.set(rule.slug, rule.id);
    }
    expect(clashes).toEqual([]);
  });
});

describe("the layout check on a planted folder", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rules-layout-"));
    const rule = (id: string, slug: string, section: number) =>
      `{ id: "${id}", slug: "${slug}", section: ${section}, check: () => ({ status: "pass" }) }`;
    writeFileSync(path.join(dir, "5.2-right.ts"), `export const right = ${rule("5.2", "right", 5)};\n`);
    writeFileSync(path.join(dir, "5.1-misnamed.ts"), `export const misnamed = ${rule("5.1", "other", 5)};\n`);
    writeFileSync(path.join(dir, "4.1-elsewhere.ts"), `export const elsewhere = ${rule("4.1", "elsewhere", 4)};\n`);
    writeFileSync(
      path.join(dir, "5.3-two.ts"),
      `export const one = ${rule("5.3", "two", 5)};\nexport const two = ${rule("5.4", "two", 5)};\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names every defect: file name, wrong section, several exports, index and order", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (file: string) => Object.values(require(path.join(dir, file)) as Record<string, AnyRule>)[0]!;
    const [right, misnamed, elsewhere] = ["5.2-right.ts", "5.1-misnamed.ts", "4.1-elsewhere.ts"].map(load);
    const problems = layoutProblems(dir, "section5", [right!, misnamed!]);
    expect(problems).toEqual([
      "4.1-elsewhere.ts: 4.1 (section 4) does not belong in section5",
      "5.1-misnamed.ts: holds 5.1-other",
      "5.3-two.ts: exports one, two, not exactly one rule",
      "index.ts does not list 4.1",
      "index.ts is not in CIS order: 5.2, 5.1",
    ]);
    expect(layoutProblems(dir, "section5", [elsewhere!, misnamed!, right!])).toHaveLength(3);
  });
});
