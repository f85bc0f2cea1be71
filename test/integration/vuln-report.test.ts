/**
 * CIS 4.4 judged from a scanner's report on the real test engine: reports written for TEST_IMAGE's
 * real id (as `trivy image -f json` / `grype -o json` would name it) make 4.4 fail on a fixed
 * critical and pass with none; without a report covering it, the image stays manual.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVulnReport } from "../../src/adapters/vuln-report";
import { runAudit, type AuditFinding, type AuditReport } from "../../src/audit/run";
import type { ReportFinding } from "../../src/report/findings";
import { cli } from "../harness/cli";
import { docker, TEST_IMAGE } from "../harness/engine";

let id = "";
let dir = "";

const trivy = (imageId: string, fixedVersion: string) =>
  JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: TEST_IMAGE,
    ArtifactType: "container_image",
    Metadata: { ImageID: imageId, RepoTags: [TEST_IMAGE] },
    Results: [
      {
        Target: `${TEST_IMAGE} (busybox)`,
        Class: "os-pkgs",
        Vulnerabilities: [
          {
            VulnerabilityID: "CVE-2022-48174",
            PkgName: "busybox",
            InstalledVersion: "1.36.0",
            FixedVersion: fixedVersion,
            Severity: "CRITICAL",
          },
        ],
      },
    ],
  });

const grypeNoFix = (imageId: string) =>
  JSON.stringify({
    matches: [
      {
        vulnerability: { id: "CVE-2022-48174", severity: "Critical", fix: { versions: [], state: "not-fixed" } },
        artifact: { name: "busybox", version: "1.36.0", type: "binary" },
      },
    ],
    source: { type: "image", target: { userInput: TEST_IMAGE, imageID: imageId, repoDigests: [] } },
    descriptor: { name: "grype", version: "0.77.0" },
  });

const finding44 = (report: AuditReport): AuditFinding => {
  const f = report.hosts[0]!.findings.find((x) => x.ruleId === "4.4" && x.subjectId === id);
  if (!f) throw new Error(`no 4.4 finding for ${TEST_IMAGE} (${id})`);
  return f;
};
const audit = (...texts: string[]) =>
  runAudit({
    hosts: [process.env.DOCKER_HOST!],
    hostProbe: "none",
    vulnReports: texts.map((t, i) => parseVulnReport(t, `report-${i}.json`)),
  });

beforeAll(async () => {
  id = (await docker().getImage(TEST_IMAGE).inspect()).Id;
  dir = mkdtempSync(join(tmpdir(), "hd-vuln-report-"));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

test("a fixed critical fails 4.4 with the finding named", async () => {
  const f = finding44(await audit(trivy(id, "1.36.1-r1")));
  expect(f.verdict).toMatchObject({
    status: "fail",
    observed: { critical: 1, high: 0, first: ["CVE-2022-48174 (busybox 1.36.0 → 1.36.1-r1)"] },
  });
});

test("a critical without a fix passes, saying so; a report on another image leaves it manual", async () => {
  const f = finding44(await audit(grypeNoFix(id)));
  expect(f.verdict).toEqual({
    status: "pass",
    detail:
      "scanned by grype (report-0.json): no critical/high vulnerability with a fix; " +
      "1 critical/high listed without a fix",
  });
  const other = finding44(await audit(trivy("sha256:" + "0".repeat(64), "1.36.1-r1")));
  expect(other.verdict).toMatchObject({ status: "manual", guidance: expect.stringMatching(/^Scan the image/) });
});

test("the CLI's --vuln-report reaches the audit", async () => {
  writeFileSync(join(dir, "trivy.json"), trivy(id, "1.36.1-r1"));
  const r = await cli(
    "audit",
    ...["-H", process.env.DOCKER_HOST!, "--no-host-probe", "-f", "json"],
    ...["--vuln-report", join(dir, "trivy.json")],
  );
  const report = JSON.parse(r.out) as { findings: ReportFinding[] };
  const f = report.findings.find((x) => x.rule.catalogId === "4.4" && x.subject.name === TEST_IMAGE);
  expect([f?.status, f?.message]).toEqual(["fail", expect.stringContaining("CVE-2022-48174")]);
});
