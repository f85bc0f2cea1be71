/** CIS 4.4 judged from scanners' reports: matched to the image by digest, failed by fixable critical/high. */
import type { VulnFinding, VulnReport } from "../../../src/facts/vulns";
import { digestOf, reportsFor } from "../../../src/rules/kit/vulns";
import { scanAndRebuild } from "../../../src/rules/section4/4.4-image-scanned-rebuilt-with-security";
import { ctx, image } from "../../harness/fixtures";

const sha = (c: string) => "sha256:" + c.repeat(64);
const IMG = image({ id: sha("b"), repoDigests: [`registry.example.com/team/app@${sha("a")}`] });
const report = (imageRefs: string[], findings: VulnFinding[], tool: VulnReport["tool"] = "trivy"): VulnReport => ({
  tool,
  source: `${tool}.json`,
  imageRefs,
  findings,
});
const crit = (id: string, fixedVersion?: string): VulnFinding => ({
  id,
  severity: "critical",
  pkg: "openssl",
  installed: "3.0.1",
  ...(fixedVersion ? { fixedVersion } : {}),
});
const judge = (...vulnReports: VulnReport[]) => scanAndRebuild.check(IMG, ctx({ vulnReports }));

describe("matching a report to the image by digest", () => {
  test("by the image id, by a repo digest (whatever the name), or by the digest alone", () => {
    expect(reportsFor(IMG, [report([sha("b")], [])])).toHaveLength(1);
    expect(reportsFor(IMG, [report([`docker.io/other/name@${sha("a")}`], [])])).toHaveLength(1);
    expect(reportsFor(IMG, [report([sha("a")], [])])).toHaveLength(1);
    expect(reportsFor(IMG, [report([sha("c"), `x@${sha("d")}`], [])])).toEqual([]);
  });

  test("digestOf: a digest or what follows @; a tag is none", () => {
    expect(digestOf(`a/b@${sha("A")}`)).toBe(sha("a"));
    expect(digestOf("alpine:3.18")).toBeUndefined();
  });

  test("an image no report covers stays manual with the how-to and the image named", () => {
    for (const v of [scanAndRebuild.check(IMG, ctx()), judge(report([sha("c")], [crit("CVE-1", "1")]))]) {
      expect(v).toMatchObject({ status: "manual", guidance: expect.stringMatching(/Scan the image/) });
      expect(v).toMatchObject({ report: { id: IMG.id } });
    }
  });
});

describe("verdicts", () => {
  test("fails on a critical or high with a fix: counts by severity, the first IDs with package and fix", () => {
    const findings: VulnFinding[] = [
      { id: "CVE-H1", severity: "high", pkg: "curl", installed: "8.1", fixedVersion: "8.4" },
      crit("CVE-C1", "3.0.2"),
      crit("CVE-C2"),
      { id: "CVE-M1", severity: "medium", pkg: "zlib", installed: "1", fixedVersion: "2" },
    ];
    const v = judge(report([sha("b")], findings));
    expect(v).toEqual({
      status: "fail",
      field: "vulnerabilities",
      observed: { critical: 1, high: 1, first: ["CVE-C1 (openssl 3.0.1 → 3.0.2)", "CVE-H1 (curl 8.1 → 8.4)"] },
      expected: expect.stringMatching(/no critical or high vulnerability whose fix is available/),
      detail:
        "scanned by trivy (trivy.json): 1 critical and 1 high with a fix available; " +
        "1 critical/high listed without a fix",
    });
  });

  test("shows the first five of many", () => {
    const many = Array.from({ length: 7 }, (_, i) => crit(`CVE-${i}`, "9"));
    const v = judge(report([sha("b")], many));
    expect(v.status === "fail" && (v.observed as { first: string[] }).first).toHaveLength(5);
    expect(v.status === "fail" && v.detail).toMatch(/7 critical and 0 high with a fix available \(first 5 shown\)/);
  });

  test("passes with none fixable, saying how many are listed without a fix", () => {
    const v = judge(report([sha("a")], [crit("CVE-C2"), { ...crit("CVE-L"), severity: "low", fixedVersion: "2" }]));
    expect(v).toEqual({
      status: "pass",
      detail:
        "scanned by trivy (trivy.json): no critical/high vulnerability with a fix; " +
        "1 critical/high listed without a fix",
    });
  });

  test("several reports on one image: merged, one finding once, a known fix wins", () => {
    const v = judge(report([sha("b")], [crit("CVE-C1")]), report([sha("a")], [crit("CVE-C1", "3.0.2")], "grype"));
    expect(v).toMatchObject({ status: "fail", observed: { critical: 1, high: 0 } });
    expect(v.status === "fail" && v.detail).toMatch(/^scanned by trivy \(trivy\.json\), grype \(grype\.json\): /);
    expect(v.status === "fail" && v.detail).toMatch(/; 0 critical\/high listed without a fix$/);
  });

  test("stays advisory (manual in CIS) and decided by the live audit only", () => {
    expect([scanAndRebuild.automated, scanAndRebuild.where]).toEqual([false, "live"]);
  });
});
