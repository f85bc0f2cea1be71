/**
 * `hardened-docker check --fix` (issue #19): every safe fix the pack has, applied before judging,
 * shown per resource as the inputs before and after, and the findings that remain after them.
 * Profile remediate-safe fixes the same way without the flag, as the engine does for policies at
 * `remediate`.
 */
import "@microsoft/jest-sarif";
import { readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import type * as Sarif from "sarif";
import { applyEdits } from "../../../src/report/source-edits";
import { freshCli as cli } from "../../harness/cli";

const ROOT = path.join(__dirname, "../../..");
const INSECURE = path.relative(process.cwd(), path.join(ROOT, "examples/insecure"));

interface JsonReport {
  exitCode: number;
  fixes?: {
    subject: { name: string };
    location?: { uri: string; line: number };
    policy: string;
    changes: { input: string; before: unknown; after: unknown }[];
  }[];
  findings: { rule: { id: string }; subject: { name: string }; status: string; enforcement: string }[];
}

const NOW = ["--now", "2026-11-28"];
const failing = (r: JsonReport, resource: string) =>
  r.findings
    .filter((f) => f.subject.name === resource && f.status === "fail" && f.enforcement === "mandatory")
    .map((f) => f.rule.id);

describe("check --fix", () => {
  let plain: JsonReport;
  let fixed: JsonReport;
  beforeAll(async () => {
    plain = JSON.parse((await cli("check", INSECURE, "-f", "json", ...NOW)).out) as JsonReport;
    fixed = JSON.parse((await cli("check", INSECURE, "-f", "json", "--fix", ...NOW)).out) as JsonReport;
  }, 120_000);

  it("reports each fix with the inputs before and after, at the resource's place in the program", () => {
    const web = fixed.fixes!.filter((f) => f.subject.name === "web");
    expect(web.map((f) => f.policy)).toEqual([
      "cis-5.4-restrict-capabilities",
      "cis-5.14-bind-ports-to-host-address",
      "cis-5.15-bounded-restarts",
      "cis-5.26-no-new-privileges",
    ]);
    expect(web[0]!.location).toMatchObject({ uri: "examples/insecure/index.ts", line: 17 });
    expect(web.find((f) => f.policy.startsWith("cis-5.15-"))!.changes).toEqual([
      { input: "restart", before: "always", after: "on-failure" },
      { input: "maxRetryCount", after: 5 },
    ]);
    expect(web.find((f) => f.policy.startsWith("cis-5.14-"))!.changes).toEqual([
      {
        input: "ports",
        before: [{ internal: 8080, external: 80 }],
        after: [{ internal: 8080, external: 80, ip: "127.0.0.1" }],
      },
    ]);
  });

  it("judges the fixed inputs: the fixed rules pass, what needs a person remains", () => {
    for (const id of ["5.4", "5.14", "5.15", "5.26"]) {
      const policy = (r: JsonReport) => failing(r, "web").find((p) => p.startsWith(`cis-${id}-`));
      expect([id, policy(plain)]).toEqual([id, expect.any(String)]);
      expect([id, policy(fixed)]).toEqual([id, undefined]);
    }
    // The docker socket mount, privileged redis and its capabilities: a person decides.
    expect(failing(fixed, "web")).toContain("cis-5.32-no-docker-socket");
    expect(failing(fixed, "redis")).toEqual(
      expect.arrayContaining(["cis-5.5-no-privileged", "cis-5.4-restrict-capabilities"]),
    );
    expect(fixed.exitCode).toBe(1);
  });

  it("without --fix nothing is fixed under the default profile", () => {
    expect(plain.fixes).toBeUndefined();
  });

  it("text: a compact diff per fix, before the findings that remain", async () => {
    const r = await cli("check", INSECURE, "--fix", ...NOW);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Fixed before judging: 8 fix\(es\) on 3 resource\(s\)$/m);
    expect(r.out).toContain(
      "~ fixed     cis-5.15-bounded-restarts  web [docker:index/container:Container] " +
        "(examples/insecure/index.ts:17:20)\n" +
        '    restarts on failure, at most 5 times (restart: "on-failure", maxRetryCount: 5)\n' +
        '    - restart: "always"\n' +
        '    + restart: "on-failure"\n' +
        "    - maxRetryCount: (unset)\n" +
        "    + maxRetryCount: 5\n",
    );
    expect(r.out.indexOf("Fixed before judging")).toBeLessThan(r.out.indexOf("✗ MANDATORY"));
  }, 120_000);

  it("profile remediate-safe fixes first as the engine does, without the flag", async () => {
    const r = JSON.parse(
      (await cli("check", INSECURE, "-f", "json", "-p", "remediate-safe", ...NOW)).out,
    ) as JsonReport;
    expect(r.fixes!.map((f) => `${f.subject.name} ${f.policy}`)).toEqual(
      fixed.fixes!.map((f) => `${f.subject.name} ${f.policy}`),
    );
  }, 120_000);

  it("SARIF: each fix a note of its rule, with the SARIF fix that makes the change in the source", async () => {
    const r = await cli("check", INSECURE, "-f", "sarif", "--fix", ...NOW);
    const log = JSON.parse(r.out) as Sarif.Log;
    (expect(log) as unknown as { toBeValidSarifLog(): void }).toBeValidSarifLog();
    const fixed = log.runs[0]!.results!.filter((x) => x.fixes);
    expect(fixed).toHaveLength(8);
    expect(fixed.every((x) => x.level === "note" && x.kind === "informational")).toBe(true);
    // Applied to the program, the SARIF fixes give a program whose check no longer fails the fixed rules.
    const file = path.join(ROOT, "examples/insecure/index.ts");
    const source = readFileSync(file, "utf8");
    const edits = fixed.flatMap((x) =>
      x.fixes![0]!.artifactChanges[0]!.replacements.map((rep) => ({
        offset: rep.deletedRegion.charOffset!,
        length: rep.deletedRegion.charLength!,
        text: rep.insertedContent!.text!,
      })),
    );
    const copy = path.join(ROOT, `examples/insecure/sarif-fixed-${process.pid}.ts`);
    writeFileSync(copy, applyEdits(source, edits));
    try {
      const after = JSON.parse((await cli("check", copy, "-f", "json", ...NOW)).out) as JsonReport;
      for (const [resource, ids] of [
        ["web", ["5.4", "5.14", "5.15", "5.26"]],
        ["redis", ["5.14", "5.26"]],
        ["metrics-agent", ["5.4", "5.26"]],
      ] as const)
        for (const id of ids)
          expect([resource, failing(after, resource).find((p) => p.startsWith(`cis-${id}-`))]).toEqual([
            resource,
            undefined,
          ]);
      expect(failing(after, "web")).toContain("cis-5.32-no-docker-socket");
    } finally {
      rmSync(copy, { force: true });
    }
  }, 120_000);

  it("a policy the config disables does not fix", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hd-fix-"));
    const config = path.join(dir, "config.json");
    fs.writeFileSync(config, JSON.stringify({ "cis-5.15-bounded-restarts": "disabled" }));
    try {
      const r = JSON.parse(
        (await cli("check", INSECURE, "-f", "json", "--fix", "-c", config, ...NOW)).out,
      ) as JsonReport;
      expect(r.fixes!.map((f) => f.policy)).not.toContain("cis-5.15-bounded-restarts");
      expect(r.fixes!.map((f) => f.policy)).toContain("cis-5.14-bind-ports-to-host-address");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
