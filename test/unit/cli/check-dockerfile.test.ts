/**
 * `hardened-docker check` lints the Dockerfiles a program builds (issue #16 item 5): each finding
 * at its Dockerfile line in every format, under the catalog's rule and its enforcement, a
 * credential named and its value never shown, an unreadable Dockerfile an error.
 */
import "@microsoft/jest-sarif";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import type * as Sarif from "sarif";
import { freshCli as cli, type CliRun } from "../../harness/cli";

const ROOT = path.join(__dirname, "../../..");
const APP = path.relative(process.cwd(), path.join(ROOT, "examples/dockerfile-app"));
const DOCKERFILE = path.relative(process.cwd(), path.join(ROOT, "examples/dockerfile-app/app/Dockerfile"));
const SECRET = "hunter2-not-a-real-secret";

interface JsonReport {
  exitCode: number;
  findings: {
    rule: { id: string; catalogId: string; remediation?: string };
    subject: { name: string; type: string };
    status: string;
    enforcement: string;
    message: string;
    location?: { uri: string; line?: number };
  }[];
}

const expectValidSarif = (log: unknown) =>
  (expect(log) as unknown as { toBeValidSarifLog(): void }).toBeValidSarifLog();

describe("check on a program that builds an image", () => {
  const runs: Record<string, CliRun> = {};
  let report: JsonReport;
  beforeAll(async () => {
    for (const format of ["text", "json", "sarif", "junit"])
      runs[format] = await cli("check", APP, "-f", format, "--verbose");
    report = JSON.parse(runs.json!.out) as JsonReport;
  }, 120_000);

  it("reports each Dockerfile defect at its line, under the catalog's rule and enforcement", () => {
    const failures = report.findings
      .filter((f) => f.status === "fail")
      .map((f) => [f.rule.id, f.enforcement, f.location?.uri, f.location?.line]);
    expect(failures).toEqual(
      expect.arrayContaining([
        ["cis-4.1-run-as-non-root", "mandatory", DOCKERFILE, 8],
        ["cis-4.6-healthcheck-defined", "mandatory", DOCKERFILE, 8],
        ["cis-4.7-dockerfile-runs-no-package-update", "advisory", DOCKERFILE, 10],
        ["cis-4.9-dockerfile-uses-copy-instead-add", "advisory", DOCKERFILE, 14],
        ["cis-4.10-no-secrets-dockerfile-image-layers", "advisory", DOCKERFILE, 15],
        ["cis-5.28-image-pinned", "advisory", DOCKERFILE, 3],
        ["cis-5.28-image-pinned", "advisory", DOCKERFILE, 8],
      ]),
    );
    expect(failures).toHaveLength(7);
    const add = report.findings.find((f) => f.rule.catalogId === "4.9")!;
    expect(add.message).toMatch(/ADD fetches https:\/\/example\.com\/app\/config\.tar\.gz/);
    expect(add.rule.remediation).toMatch(/Replace ADD with COPY/);
    expect(add.subject).toEqual(expect.objectContaining({ name: "app", type: "docker:index/image:Image" }));
    expect(report.findings.find((f) => f.rule.catalogId === "4.10")!.message).toMatch(/DB_PASSWORD/);
  });

  it("fails the run on the mandatory ones (4.1, 4.6), in every format", () => {
    expect(report.exitCode).toBe(1);
    for (const run of Object.values(runs)) expect(run.code).toBe(1);
    expect(runs.text!.out).toMatch(
      new RegExp(`MANDATORY cis-4\\.1-run-as-non-root\\s+app \\[docker:index/image:Image\\] \\(${DOCKERFILE}:8\\)`),
    );
  });

  it("writes valid SARIF locating each result in the Dockerfile", () => {
    const log = JSON.parse(runs.sarif!.out) as Sarif.Log;
    expectValidSarif(log);
    const located = log.runs[0]!.results!.filter((r) => r.ruleId === "cis-4.9-dockerfile-uses-copy-instead-add");
    expect(located.map((r) => r.locations![0]!.physicalLocation)).toEqual([
      expect.objectContaining({
        artifactLocation: expect.objectContaining({ uri: DOCKERFILE }),
        region: { startLine: 14 },
      }),
    ]);
  });

  it("never shows the ENV secret's value, in any format", () => {
    for (const [format, run] of Object.entries(runs)) {
      expect({ format, out: run.out }).not.toEqual({ format, out: expect.stringContaining(SECRET) });
      expect(run.err).not.toContain(SECRET);
    }
  });
});

describe("check with a Dockerfile that cannot be read", () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository, so the program resolves @pulumi/docker from its node_modules.
    dir = mkdtempSync(path.join(ROOT, "examples/.tmp-dockerfile-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: missing-dockerfile\nruntime: nodejs\n");
    writeFileSync(
      path.join(dir, "index.ts"),
      'import * as docker from "@pulumi/docker";\n' +
        'new docker.Image("gone", { build: { context: "./nowhere" }, imageName: "x/y:1", skipPush: true });\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports an error under each rule, never a pass, and fails the run", async () => {
    const run = await cli("check", path.relative(process.cwd(), dir), "-f", "json");
    const doc = JSON.parse(run.out) as JsonReport;
    const gone = doc.findings.filter((f) => f.subject.name === "gone");
    expect(gone.map((f) => f.status)).toEqual(Array(6).fill("error"));
    expect(gone[0]!.message).toMatch(/nowhere\/Dockerfile: cannot read the Dockerfile \(no such file\)/);
    expect(run.code).toBe(1);
  }, 60_000);
});
