import { readFileSync } from "fs";
import { join } from "path";
import { catalogFor } from "../../../src/rules/catalog";
import { renderRules } from "../../../src/report/rules-listing";
import { cli } from "../../harness/cli";

describe("hardened-docker rules", () => {
  it("--format json lists every rule with a check or manual guidance", async () => {
    const { code, out } = await cli("rules", "--format", "json");
    expect(code).toBe(0);
    const rules = JSON.parse(out) as { id: string; check: string; remediation: string; cis: boolean }[];
    expect(rules).toHaveLength(catalogFor("cis-1.6.0").length);
    expect(rules.filter((r) => r.cis)).toHaveLength(117);
    for (const r of rules) {
      expect(["automated", "manual"]).toContain(r.check);
      expect(r.remediation).not.toBe("");
    }
    expect(rules.map((r) => r.id)).toContain("hd-selinux-enabled");
  });

  it("--benchmark cis-1.8.0: its items by that version's ids (section 2: 2.1–2.19), with stable keys", async () => {
    const { code, out } = await cli("rules", "--benchmark", "cis-1.8.0", "--section", "2", "--format", "json");
    expect(code).toBe(0);
    const rules = (JSON.parse(out) as { id: string; key: string; benchmark: string; title: string }[]).filter(
      (r) => !r.key.startsWith("hd-"),
    );
    expect(rules.map((r) => r.id)).toEqual(Array.from({ length: 19 }, (_, i) => `2.${i + 1}`));
    expect(rules.find((r) => r.id === "2.7")).toMatchObject({
      key: "2.6.1",
      title: "Storage driver is not devicemapper",
      benchmark: "cis-1.8.0",
    });
    expect(rules.find((r) => r.id === "2.13")).toMatchObject({ key: "2.12" });
    const table = await cli("rules", "-b", "cis-1.8.0", "-s", "2");
    expect(table.out).toContain("2.13 (key 2.12)");
    expect(table.out).toContain("CIS Docker Benchmark v1.8.0");
  });

  it("refuses an unknown benchmark version as a usage error (exit 2)", async () => {
    const { code, err } = await cli("rules", "--benchmark", "cis-1.9.0");
    expect(code).toBe(2);
    expect(err).toMatch(/cis-1\.6\.0, cis-1\.8\.0/);
  });

  it("--section filters and orders ids numerically", async () => {
    const { code, out } = await cli("rules", "--section", "5", "--format", "json");
    expect(code).toBe(0);
    const ids = (JSON.parse(out) as { id: string; section: number }[])
      .filter((r) => !r.id.startsWith("hd-"))
      .map((r) => r.id);
    expect(ids).toHaveLength(32);
    expect(ids.indexOf("5.9")).toBeLessThan(ids.indexOf("5.10"));
  });

  it("prints a table by default", async () => {
    const { code, out } = await cli("rules", "--section", "1");
    expect(code).toBe(0);
    expect(out).toContain("1.1.18");
    expect(out).not.toContain("5.4");
  });

  it("rejects a bad section, format or option with a clear message and exit 2 (a usage error)", async () => {
    const bad = await cli("rules", "--section", "9");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--section must be a number 1–7");
    expect((await cli("rules", "--bogus")).code).toBe(2);
    const fmt = await cli("rules", "--format", "yaml");
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/yaml/);
  });
});

describe("docs/cis-coverage.md", () => {
  it("is the current output of `npm run docs` (regenerate it when this fails)", () => {
    const committed = readFileSync(join(__dirname, "../../../docs/cis-coverage.md"), "utf8");
    expect(committed).toBe(renderRules(catalogFor("cis-1.6.0"), "markdown"));
  });
});
