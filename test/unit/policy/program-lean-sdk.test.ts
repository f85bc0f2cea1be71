/**
 * `check` runs the program with two of the Pulumi SDK's debugging aids off (per-promise leak
 * tracking with a stack trace each, and the stack sent with every registration; see leanSdk in
 * src/policy/program.ts). The fast path must judge the same: same resources, inputs, outputs,
 * locations, findings and program errors (with their file:line:column) as the SDK's default run.
 * Timings are in bench/check.ts, never asserted here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import type { checkProgram, CheckResult } from "../../../src/policy/check";
import type { ProgramRun } from "../../../src/policy/program";

type ProgramModule = typeof import("../../../src/policy/program");

const ROOT = path.join(__dirname, "../../..");
const examples = (name: string) => path.join(ROOT, "examples", name);
const NOW = new Date("2026-01-15T00:00:00Z");

/** Everything a report is made of, in order. */
function essence(result: CheckResult) {
  return {
    resources: result.run.resources.map((r) => ({ ...r })),
    errors: result.run.errors,
    failures: result.run.failures,
    findings: result.findings.map((f) => ({
      rule: f.rule.id,
      subject: f.subject,
      status: f.status,
      enforcement: f.enforcement,
      message: f.message,
      location: f.location,
      exemption: f.exemption,
    })),
    mandatoryViolations: result.mandatoryViolations,
  };
}

/**
 * A fresh module registry for each run: jest keeps its own, so the program (and the SDK) would not
 * run again in this file otherwise.
 */
async function freshCheck(target: string, options: Parameters<typeof checkProgram>[1]): Promise<CheckResult> {
  jest.resetModules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fresh = require("../../../src/policy/check") as typeof import("../../../src/policy/check");
  return fresh.checkProgram(target, options);
}

async function bothWays(target: string, options: { stack?: string } = {}) {
  const lean = await freshCheck(target, { ...options, now: NOW, root: ROOT });
  const sdk = await freshCheck(target, { ...options, now: NOW, root: ROOT, sdkDefaults: true });
  return { lean, sdk };
}

describe("the lean SDK run judges what the SDK's default run judges", () => {
  it.each<[string, string, string | undefined]>([
    ["examples/insecure (raw docker resources)", "insecure", undefined],
    ["examples/web-stack (components, their children, a provider)", "web-stack", undefined],
    ["examples/secure (components with local commands)", "secure", undefined],
  ])(
    "%s: same resources, locations and findings",
    async (_label, name, stack) => {
      const { lean, sdk } = await bothWays(examples(name), stack ? { stack } : {});
      expect(lean.run.errors).toEqual([]);
      expect(lean.findings.length).toBeGreaterThan(0);
      expect(lean.run.resources.filter((r) => r.location).length).toBeGreaterThan(0);
      expect(essence(lean)).toEqual(essence(sdk));
    },
    60_000,
  );

  describe("programs written for the test", () => {
    const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-lean-sdk-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const project = (name: string, files: Record<string, string>): string => {
      const at = path.join(dir, name);
      mkdirSync(at, { recursive: true });
      writeFileSync(path.join(at, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(at, file), text);
      return at;
    };

    it("a program that throws: the same error at the same file:line:column", async () => {
      const at = project("throws", {
        "index.ts": [
          'import * as docker from "@pulumi/docker";',
          "",
          'new docker.Network("n", {});',
          "const size: number = 3;",
          'if (size) throw new Error("no host configured");',
          "",
        ].join("\n"),
      });
      const { lean, sdk } = await bothWays(at);
      expect(lean.run.failures).toEqual([
        { message: "no host configured", location: { file: path.join(at, "index.ts"), line: 5, column: 17 } },
      ]);
      expect(essence(lean)).toEqual(essence(sdk));
    }, 60_000);

    it("resources in a loop, declared in a helper module, depending on another resource", async () => {
      const at = project("many", {
        "make.ts": [
          'import * as docker from "@pulumi/docker";',
          "export function make(i: number, network: docker.Network): docker.Container {",
          "  return new docker.Container(`c${i}`, {",
          '    image: "registry.example.com/team/app:1.0",',
          "    ports: [{ internal: 8080, external: 10000 + i }],",
          "    networksAdvanced: [{ name: network.name }],",
          "    privileged: i % 3 === 0,",
          "  });",
          "}",
          "",
        ].join("\n"),
        "index.ts": [
          'import * as docker from "@pulumi/docker";',
          'import { make } from "./make";',
          'const network = new docker.Network("net", { internal: true });',
          "for (let i = 0; i < 60; i++) make(i, network);",
          "",
        ].join("\n"),
      });
      const { lean, sdk } = await bothWays(at);
      expect(lean.run.resources.filter((r) => r.type === "docker:index/container:Container")).toHaveLength(60);
      // Each container at the helper's line.
      expect(
        new Set(
          lean.run.resources
            .filter((r) => r.type === "docker:index/container:Container")
            .map((r) => `${path.basename(r.location!.file)}:${r.location!.line}`),
        ),
      ).toEqual(new Set(["make.ts:3"]));
      expect(lean.run.errors).toEqual([]);
      expect(essence(lean)).toEqual(essence(sdk));
    }, 120_000);
  });

  it("puts the SDK back as it found it after the run", async () => {
    jest.resetModules();
    // The modules as loaded afresh after resetModules (an import would be the first copy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runProgramOffline } = require("../../../src/policy/program") as ProgramModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Resource } = require("@pulumi/pulumi") as { Resource: { stackTrace: unknown } };
    const before = [debuggable.debuggablePromise, Resource.stackTrace];
    const run: ProgramRun = await runProgramOffline(path.join(ROOT, "examples", "web-stack"));
    expect(run.errors).toEqual([]);
    expect([debuggable.debuggablePromise, Resource.stackTrace]).toEqual(before);
  }, 60_000);
});
