import { CATALOG, catalogFor, CIS_ITEM_COUNT, RULE_IDS, ruleById } from "../../../src/rules/catalog";
import { compareRuleIds } from "../../../src/report/rules-listing";

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** CIS Docker Benchmark v1.6.0, sections 1–7 (shared/cis-docker-benchmark.md). */
const CIS_IDS = [
  ...range("1.1.", 1, 18),
  "1.2.1",
  "1.2.2",
  ...range("2.", 1, 18),
  ...range("3.", 1, 24),
  ...range("4.", 1, 12),
  ...range("5.", 1, 32),
  "6.1",
  "6.2",
  ...range("7.", 1, 9),
];

/** Items CIS marks Manual (report-only sections 6 and 7.6–7.9 included). */
const MANUAL = new Set([
  "1.2.1",
  "1.2.2",
  "2.1",
  "2.8",
  "2.17",
  "4.2",
  "4.3",
  "4.4",
  "4.7",
  "4.8",
  "4.9",
  "4.10",
  "4.11",
  "4.12",
  "5.9",
  "5.18",
  "5.19",
  "5.24",
  "5.28",
  "5.30",
  "6.1",
  "6.2",
  "7.4",
  "7.6",
  "7.7",
  "7.8",
  "7.9",
]);

describe("rule catalog", () => {
  const cis = catalogFor("cis-1.6.0").filter((r) => !r.id.startsWith("hd-"));

  it("has exactly the 117 CIS v1.6.0 items, each once", () => {
    expect(CIS_ITEM_COUNT).toBe(117);
    expect(CIS_IDS).toHaveLength(117);
    expect([...cis.map((r) => r.id)].sort(compareRuleIds)).toEqual(CIS_IDS);
  });

  it("has unique ids and the seed's selinux-enabled rule", () => {
    expect(RULE_IDS.size).toBe(CATALOG.length);
    expect(ruleById("hd-selinux-enabled")?.subject).toBe("daemon");
  });

  it.each(CIS_IDS)("%s: section, automated flag and metadata agree with the benchmark", (id) => {
    const rule = ruleById(id)!;
    expect(rule).toBeDefined();
    expect(rule.section).toBe(Number(id.split(".")[0]));
    expect(rule.automated).toBe(!MANUAL.has(id));
    expect([1, 2]).toContain(rule.level);
    expect(rule.title.length).toBeGreaterThan(8);
    expect(rule.remediation.length).toBeGreaterThan(10);
    expect(["decl", "live", "both", "none"]).toContain(rule.where);
  });
});
