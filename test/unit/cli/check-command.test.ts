/**
 * `hardened-docker check <program>` end to end, in-process: the example programs run under the
 * mock runtime, the pack judges them, the report and exit code are what CI sees.
 */
import "@microsoft/jest-sarif";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import type * as Sarif from "sarif";
import { fileURLToPath, pathToFileURL } from "url";
import { parseDate } from "../../../src/cli/options";
import { freshCli as cli, type CliRun } from "../../harness/cli";

const ROOT = path.join(__dirname, "../../..");
const INSECURE = path.relative(process.cwd(), path.join(ROOT, "examples/insecure"));
const SECURE = path.relative(process.cwd(), path.join(ROOT, "examples/secure"));

const expectValidSarif = (log: unknown) =>
  (expect(log) as unknown as { toBeValidSarifLog(): void }).toBeValidSarifLog();

/** Lines of the text report naming a policy and a resource. */
const reported = (out: string, level: string, policy: string, resource: string) =>
  new RegExp(`${level}\\s+${policy.replace(/\./g, "\\.")}\\s+${resource} \\[`).test(out);

describe("check --benchmark", () => {
  it(
    "reports for the version asked: its ids in every finding and " +
      "the version in the report, policy names unchanged",
    async () => {
      const v18 = await cli("check", INSECURE, "--benchmark", "cis-1.8.0", "-f", "json");
      expect(v18.code).toBe(1);
      const doc = JSON.parse(v18.out) as {
        benchmark: { id: string; version: string };
        findings: { rule: { id: string; catalogId?: string; cis?: { id: string; version: string } }; status: string }[];
      };
      expect(doc.benchmark).toEqual({ id: "cis-1.8.0", version: "1.8.0" });
      const tls = doc.findings.find((f) => f.rule.id === "cis-2.7-tcp-requires-tls" && f.status === "fail")!;
      expect(tls.rule).toMatchObject({ catalogId: "2.7", cis: { id: "2.8", version: "1.8.0" } });
      const v16 = JSON.parse((await cli("check", INSECURE, "-f", "json")).out) as typeof doc;
      expect(v16.benchmark).toEqual({ id: "cis-1.6.0", version: "1.6.0" });
      expect(v16.findings.find((f) => f.rule.id === "cis-2.7-tcp-requires-tls")!.rule.cis).toMatchObject({
        id: "2.7",
        version: "1.6.0",
      });
      const text = await cli("check", INSECURE, "--benchmark", "cis-1.8.0");
      expect(text.out.split("\n")[0]).toContain("CIS Docker Benchmark v1.8.0");
    },
    120_000,
  );

  it("refuses an unknown version before any work (exit 2)", async () => {
    const r = await cli("check", INSECURE, "--benchmark", "1.8");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cis-1\.6\.0, cis-1\.8\.0/);
  });
});

describe("check examples/insecure", () => {
  let text: CliRun;
  beforeAll(async () => {
    text = await cli("check", INSECURE);
  }, 60_000);

  it("exits non-zero on mandatory violations", () => {
    expect(text.err).toBe("");
    expect(text.code).toBe(1);
  });

  it.each([
    ["cis-2.7-tcp-requires-tls", "docker-host"], // tcp:// provider without TLS
    ["cis-7.3-encrypted-overlay", "backend"],
    ["cis-5.5-no-privileged", "redis"],
    ["cis-4.1-run-as-non-root", "redis"],
    ["cis-5.29-pids-limit-applied", "redis"], // a label claims a limit nothing applies
    ["cis-5.4-restrict-capabilities", "web"],
    ["cis-5.8-no-privileged-ports", "web"],
    ["cis-5.14-bind-ports-to-host-address", "web"],
    ["cis-5.11-memory-limit", "web"],
    ["cis-5.32-no-docker-socket", "web"],
    ["cis-5.14-bind-ports-to-host-address", "redis"], // 0.0.0.0:6379
    ["cis-5.15-bounded-restarts", "web"],
    ["cis-5.10-no-host-network", "metrics-agent"], // its exemption expired: excuses nothing
    ["hd-exemptions-valid", "metrics-agent"],
    ["cis-5.14-bind-ports-to-host-address", "worker"], // docker.Service
  ])("reports %s on %s as mandatory", (policy, resource) => {
    expect(reported(text.out, "MANDATORY", policy, resource)).toBe(true);
  });

  it("reports advisory items, manual reviews and the summary", () => {
    expect(reported(text.out, "advisory", "cis-4.5-verified-image", "web")).toBe(true);
    expect(reported(text.out, "advisory", "hd-containers-via-hardened-container", "web")).toBe(true);
    expect(reported(text.out, "review", "cis-5.9-only-needed-ports", "web")).toBe(true);
    expect(text.out).toContain("expired on 2024-01-31");
    expect(text.out).toMatch(
      /\n\d+ mandatory violation\(s\), \d+ advisory, 0 exempted, \d+ for manual review, 0 undecided, \d+ passed/,
    );
    expect(text.out).toMatch(/web \[docker:index\/container:Container\] \(examples\/insecure\/index\.ts:\d+:\d+\)/);
  });

  it("writes SARIF 2.1.0 that validates, with stable fingerprints and CIS tags", async () => {
    const first = await cli("check", INSECURE, "--format", "sarif");
    expect(first.code).toBe(1);
    const log = JSON.parse(first.out) as Sarif.Log;
    expectValidSarif(log);
    const run = log.runs[0]!;
    const results = run.results!;
    expect(results.length).toBeGreaterThan(40);
    const privileged = results.find((r) => r.ruleId === "cis-5.5-no-privileged")!;
    expect(privileged.level).toBe("error");
    expect(privileged.properties!.tags).toEqual(expect.arrayContaining(["CIS-5.5", "cis-docker-benchmark-1.6.0"]));
    expect(privileged.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe("examples/insecure/index.ts");
    expect(privileged.locations![0]!.physicalLocation!.region!.startLine).toBeGreaterThan(1);
    expect(privileged.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe(
      "urn:pulumi:check::insecure-example::docker:index/container:Container::redis",
    );
    expect(run.tool.driver.rules![privileged.ruleIndex!]!.id).toBe("cis-5.5-no-privileged");
    expect(run.tool.driver.rules![privileged.ruleIndex!]!.properties!["security-severity"]).toBe("9.5");
    // Fingerprints: one per (resource, rule), identical on the next run.
    const prints = results.map((r) => r.partialFingerprints!["hardenedDocker/v1"]);
    expect(new Set(prints).size).toBe(results.length);
    const second = JSON.parse((await cli("check", INSECURE, "--format", "sarif")).out) as Sarif.Log;
    expect(second.runs[0]!.results!.map((r) => r.partialFingerprints!["hardenedDocker/v1"])).toEqual(prints);
  }, 60_000);

  it("writes JSON and JUnit reports, to a file when asked", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hd-check-"));
    try {
      const json = await cli("check", INSECURE, "--format", "json", "--output", path.join(dir, "report.json"));
      expect(json.code).toBe(1);
      expect(json.out).toMatch(/mandatory violation\(s\).*\nreport written to/);
      const report = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8"));
      expect(report.summary.mandatoryFailures).toBe(
        report.findings.filter(
          (f: { status: string; enforcement: string }) => f.status === "fail" && f.enforcement === "mandatory",
        ).length,
      );
      expect(report.findings[0]).toMatchObject({
        status: "fail",
        enforcement: "mandatory",
        rule: { cis: { version: "1.6.0" } },
      });
      const junit = await cli("check", INSECURE, "--format", "junit");
      const tests = Number(/<testsuites [^>]*tests="(\d+)"/.exec(junit.out)![1]);
      expect(junit.out.match(/<testcase /g)).toHaveLength(tests);
      expect(Number(/<testsuites [^>]*failures="(\d+)"/.exec(junit.out)![1])).toBe(
        junit.out.match(/<failure /g)!.length,
      );
      expect(junit.out).toContain('<failure type="mandatory"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("follows the profile and the pack configuration", async () => {
    expect((await cli("check", INSECURE, "--profile", "advisory")).code).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), "hd-check-"));
    try {
      writeFileSync(path.join(dir, "all-advisory.json"), JSON.stringify({ all: "advisory" }));
      expect((await cli("check", INSECURE, "--config", path.join(dir, "all-advisory.json"))).code).toBe(0);
      writeFileSync(
        path.join(dir, "bad.json"),
        JSON.stringify({ "cis-5.4-restrict-capabilities": { capabilityAllowList: "ALL" } }),
      );
      const bad = await cli("check", INSECURE, "--config", path.join(dir, "bad.json"));
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("capabilityAllowList: expected an array");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("check examples/secure", () => {
  it("exits 0 and reports the documented exemption", async () => {
    const run = await cli("check", SECURE);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/\n0 mandatory violation\(s\), 0 advisory, 1 exempted/);
    expect(reported(run.out, "exempted", "cis-5.13-read-only-rootfs", "cache")).toBe(true);
    expect(run.out).toContain("redis writes temporary RDB files");
  }, 60_000);

  it("its SARIF validates and carries the exemption as a suppression", async () => {
    const run = await cli("check", SECURE, "-f", "sarif");
    expect(run.code).toBe(0);
    const log = JSON.parse(run.out) as Sarif.Log;
    expectValidSarif(log);
    const exempted = log.runs[0]!.results!.find((r) => r.ruleId === "cis-5.13-read-only-rootfs")!;
    expect(exempted.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "redis writes temporary RDB files outside /data until 7.4 (expires 2031-06-30)",
      },
    ]);
    // The exempted failure stays an error result, suppressed; nothing else is an error.
    expect(log.runs[0]!.results!.filter((r) => r.level === "error" && !r.suppressions?.length)).toEqual([]);
  }, 60_000);

  it("fails once its exemption has expired (--now)", async () => {
    const run = await cli("check", SECURE, "--now", "2031-07-01");
    expect(run.code).toBe(1);
    expect(reported(run.out, "MANDATORY", "cis-5.13-read-only-rootfs", "cache")).toBe(true);
    expect(reported(run.out, "MANDATORY", "hd-exemptions-valid", "cache")).toBe(true);
  }, 60_000);
});

describe("check errors", () => {
  it("exits 2 when the program cannot be found or the date is not a date", async () => {
    const missing = await cli("check", "examples/does-not-exist");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("program not found");
    expect((await cli("check", SECURE, "--now", "yesterday")).code).toBe(2);
  });

  it("the SARIF validator is not a tautology", () => {
    expect(() =>
      expectValidSarif({
        version: "2.1.0",
        runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, level: "fatal" }] }],
      }),
    ).toThrow();
    expect(() => expectValidSarif({ runs: [] })).toThrow();
  });
});

describe("check examples/web-stack (the README's main command)", () => {
  const WEB_STACK = path.relative(process.cwd(), path.join(ROOT, "examples/web-stack"));

  it("exits 0, lists what would be deployed and judges every Docker resource", async () => {
    const run = await cli("check", WEB_STACK);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Would deploy 20 resource\(s\) \(all declared: components, their children, providers\):/);
    // The components and what they create, children indented under their component.
    expect(run.out).toMatch(
      /\n {2}hardened-docker:index:HardenedHost +docker-host\n {4}command:remote:Command +docker-host-data-root\n/,
    );
    expect(run.out).toMatch(
      /\n {2}hardened-docker:index:SecureDaemon +daemon\n( {4}.*\n)* {4}pulumi:providers:docker +daemon-provider\n/,
    );
    expect(run.out).toMatch(
      /\n {4}docker:index\/container:Container +redis\n {4}command:remote:Command +redis-pids-limit\n/,
    );
    expect(run.out).toMatch(/\n {2}docker:index\/volume:Volume +redis-data\n/);
    expect(run.out).toMatch(
      new RegExp(
        /\n0 mandatory violation\(s\), 0 advisory, 1 exempted, \d+ for manual review, 0 undecided, /.source +
          /[1-9]\d* passed, \d+ not applicable — 14 resource\(s\) judged of 20 declared\n/.source,
      ),
    );
    // The one documented exemption, on the SecureDaemon (the pack judges the daemon.json it will write).
    expect(reported(run.out, "exempted", "cis-2.12-authorization-plugin-guards-client-commands", "daemon")).toBe(true);
    expect(run.out).toContain("No authorization plugin is packaged for this distribution yet");
    // redis is on the internal network only; the app's port is on the private address.
    expect(run.out).toContain('docker.Container "redis": No ports are published');
    expect(run.out).toContain('["10.0.0.5:8080->8080/tcp"]');
  }, 60_000);

  it("runs from the repository root through the top-level Pulumi.yaml", async () => {
    const run = await cli("check", path.relative(process.cwd(), ROOT) || ".");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toContain("examples/web-stack/index.ts");
  }, 60_000);

  it("reads the stack's config file, and fails clearly on a bad value", async () => {
    const dir = mkdtempSync(path.join(ROOT, "examples", ".tmp-web-stack-"));
    try {
      for (const f of ["Pulumi.yaml", "index.ts"])
        writeFileSync(
          path.join(dir, f),
          readFileSync(path.join(ROOT, "examples/web-stack", f), "utf8").replace(/\.\.\/\.\.\/src/g, "../../src"),
        );
      // A stack that publishes the app on every interface: the component refuses it, check says so.
      writeFileSync(
        path.join(dir, "Pulumi.wide.yaml"),
        "config:\n  web-stack:privateAddress: 0.0.0.0\n  web-stack:sshPrivateKey:\n    secure: v1:AAAA:BBBB\n",
      );
      const wide = await cli("check", path.relative(process.cwd(), dir), "--stack", "wide");
      expect(wide.code).toBe(2);
      expect(wide.err).toMatch(/ports\[0\]\.hostIp.*0\.0\.0\.0.*5\.14/s);
      writeFileSync(path.join(dir, "Pulumi.lan.yaml"), "config:\n  web-stack:privateAddress: 10.1.2.3\n");
      const lan = await cli("check", path.relative(process.cwd(), dir), "--stack", "lan");
      expect(lan.code).toBe(0);
      expect(lan.out).toContain('["10.1.2.3:8080->8080/tcp"]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("check: exemptions the components honour themselves", () => {
  const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\\nAAAA\\n-----END OPENSSH PRIVATE KEY-----\\n";
  const program = (daemonExemptions: string) => `import { HardenedHost, SecureDaemon } from "../../src";
const connection = { host: "10.0.0.9", privateKey: "${KEY}" };
new HardenedHost("edge", {
  connection,
  trustedDockerUsers: [],
  exemptions: [
    { rule: "1.1.1", reason: "root disk only on this cloud instance type", expires: "2027-01-31" },
    { rule: "hd-ssh-host-key", reason: "host key rotates on every rebuild of this lab box" },
  ],
});
new SecureDaemon("edge-daemon", {
  connection,
  exemptions: [
    { rule: "hd-ssh-host-key", reason: "host key rotates on every rebuild of this lab box" }${daemonExemptions},
  ],
});
`;
  const inTempProgram = async (text: string, run: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(path.join(ROOT, "examples", ".tmp-exemptions-"));
    try {
      writeFileSync(path.join(dir, "Pulumi.yaml"), "name: exemptions\nruntime: nodejs\n");
      writeFileSync(path.join(dir, "index.ts"), text);
      await run(path.relative(process.cwd(), dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("lists HardenedHost's and SecureDaemon's own exemptions (no label carries them) as exempted", async () => {
    await inTempProgram(
      program(', { rule: "2.12", reason: "no authorization plugin packaged here", expires: "2027-03-31" }'),
      async (dir) => {
        const run = await cli("check", dir, "--now", "2026-11-28");
        expect(run.err).toBe("");
        expect(run.code).toBe(0);
        expect(run.out).toMatch(/\n0 mandatory violation\(s\), 0 advisory, 4 exempted/);
        expect(reported(run.out, "exempted", "hd-component-exemptions", "edge")).toBe(true);
        expect(run.out).toContain(
          'HardenedHost "edge": exemption for 1.1.1 (until 2027-01-31, reason: ' +
            "root disk only on this cloud instance type): CIS 1.1.1",
        );
        expect(run.out).toContain('HardenedHost "edge": exemption for hd-ssh-host-key (with no expiry date');
        expect(run.out).toContain('SecureDaemon "edge-daemon": exemption for hd-ssh-host-key (with no expiry date');
        expect(
          reported(run.out, "exempted", "cis-2.12-authorization-plugin-guards-client-commands", "edge-daemon"),
        ).toBe(true);
      },
    );
  }, 60_000);

  it("a transformation that changes a component's command after the component checked it is caught", async () => {
    const transformed = program(
      ', { rule: "2.12", reason: "no authorization plugin packaged here", expires: "2027-03-31" }',
    ).replace(
      'import { HardenedHost, SecureDaemon } from "../../src";',
      `import * as pulumi from "@pulumi/pulumi";
import { HardenedHost, SecureDaemon } from "../../src";
// Rewrites the daemon.json step after SecureDaemon built and checked it.
pulumi.runtime.registerStackTransformation((a) =>
  a.name.endsWith("-apply")
    ? { props: { ...a.props, create: "echo '{\\"icc\\": true}' > /etc/docker/daemon.json" }, opts: a.opts }
    : undefined,
);`,
    );
    await inTempProgram(transformed, async (dir) => {
      const run = await cli("check", dir, "--now", "2026-11-28");
      expect(run.err).toBe("");
      expect(run.out).toMatch(/\n0 mandatory violation\(s\), 1 advisory,/);
      expect(reported(run.out, "advisory", "hd-component-commands-intact", "edge-daemon-apply")).toBe(true);
      expect(run.out).toContain(
        'SecureDaemon "edge-daemon": its command "edge-daemon-apply" does not run what the component built and checked',
      );
    });
  }, 60_000);

  it("a component that refused its arguments is reported by its error alone, not as every rule failing", async () => {
    await inTempProgram(program(""), async (dir) => {
      const run = await cli("check", dir);
      expect(run.code).toBe(2);
      // With the user's line that declared it (line 11 of the program: \`new SecureDaemon(…)\`).
      expect(run.out).toContain(`ERROR ${dir.split(path.sep).join("/")}/index.ts:11:1: edge-daemon: invalid arguments`);
      expect(run.out).not.toContain("MANDATORY");
      expect(run.out).not.toContain("inputs cannot be read");
    });
  }, 60_000);
});

describe("the repository's Pulumi.yaml", () => {
  it("runs examples/web-stack with the same project name and config as the example's own", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { load } = require("js-yaml") as typeof import("js-yaml");
    const top = load(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    const own = load(readFileSync(path.join(ROOT, "examples/web-stack/Pulumi.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(top.main).toBe("examples/web-stack/");
    expect({ ...top, main: undefined }).toEqual({ ...own, main: undefined });
  });
});

/** A throw-away project under examples/ (so it resolves the repository's packages), removed after `run`. */
async function inProject(files: Record<string, string>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(ROOT, "examples", ".tmp-check-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    await run(path.relative(process.cwd(), dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NODE_PROJECT = "name: usage\nruntime: nodejs\n";
/** A program that leaves a mark when it runs: usage errors must be found before it does. */
const MARKING_PROGRAM =
  'import { writeFileSync } from "fs";\nimport * as path from "path";\n' +
  'writeFileSync(path.join(__dirname, "ran"), "yes");\n';

describe("check usage errors: exit 2 (1 means violations), one message, nothing run", () => {
  const out = mkdtempSync(path.join(tmpdir(), "hd-check-out-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    ["an unknown format", ["--format", "xml"], /argument 'xml' is invalid/],
    ["an unknown profile", ["--profile", "strictest"], /argument 'strictest' is invalid/],
    ["a day that is not in the calendar", ["--now", "2031-02-30"], /2031-02-30 is not a day of the calendar/],
    ["a date in no ISO form", ["--now", "March 3 2031"], /--now must be a real date/],
    ["an hour that does not exist", ["--now", "2031-02-28T24:30:00Z"], /time of day does not exist/],
    ["a timeout of 0", ["--timeout", "0"], /--timeout must be a number of seconds above 0/],
    ["a timeout that is no number", ["--timeout", "soon"], /--timeout must be a number of seconds/],
    ["a timeout beyond what a timer holds", ["--timeout", "9999999"], /at most 86400/],
    ["an unknown option", ["--bogus"], /unknown option '--bogus'/],
    ["a stack name that is no name", ["--stack", "../../etc"], /--stack must be a stack name/],
    [
      "an output in a directory that does not exist",
      ["-o", "/nonexistent-hd-dir/report.sarif"],
      /--output \/nonexistent-hd-dir\/report\.sarif cannot be created: directory \/nonexistent-hd-dir does not exist/,
    ],
  ])("%s", async (_name, args, message) => {
    await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": MARKING_PROGRAM }, async (dir) => {
      const run = await cli("check", dir, ...args);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(message);
      expect(run.out).toBe("");
      expect(existsSync(path.join(dir, "ran"))).toBe(false);
    });
  });

  it("an output that is a directory is refused before the program runs", async () => {
    await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": MARKING_PROGRAM }, async (dir) => {
      const run = await cli("check", dir, "-o", out);
      expect([run.code, run.out]).toEqual([2, ""]);
      expect(run.err).toContain(`--output ${out} is a directory`);
      expect(existsSync(path.join(dir, "ran"))).toBe(false);
    });
  });

  it("valid values pass: a leap day, a date-time with an offset, a writable output", async () => {
    await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": MARKING_PROGRAM }, async (dir) => {
      const run = await cli(
        "check",
        dir,
        "--now",
        "2032-02-29",
        "--timeout",
        "30",
        "-o",
        path.join(out, "r.json"),
        "-f",
        "json",
      );
      expect(run.err).toBe("");
      expect(run.code).toBe(0);
      expect(existsSync(path.join(dir, "ran"))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(out, "r.json"), "utf8")).exitCode).toBe(0);
    });
  });

  it("parseDate reads real dates only, date-times without an offset as UTC", () => {
    expect(parseDate("2031-02-28").toISOString()).toBe("2031-02-28T00:00:00.000Z");
    expect(parseDate("2032-02-29").toISOString()).toBe("2032-02-29T00:00:00.000Z");
    expect(parseDate("2031-02-28T12:30").toISOString()).toBe("2031-02-28T12:30:00.000Z");
    expect(parseDate("2031-02-28T12:30:00+02:00").toISOString()).toBe("2031-02-28T10:30:00.000Z");
    for (const bad of [
      "2031-02-29",
      "2031-04-31",
      "2031-13-01",
      "2031-00-10",
      "2031-2-3",
      "31-02-03",
      "2031-02-28T12:60",
      "2031-02-28T12:00:00+25:00",
      "1e12",
      "",
    ])
      expect(() => parseDate(bad)).toThrow(/--now must be a real date/);
  });

  it("--version and -V print package.json's version and exit 0; no command, or an unknown one, exits 2", async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    for (const flag of ["--version", "-V"]) expect(await cli(flag)).toEqual({ code: 0, out: `${version}\n`, err: "" });
    expect((await cli("--help")).code).toBe(0);
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.err).toContain("Usage: hardened-docker");
    const unknown = await cli("scan");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'scan'");
  });
});

describe("check takes Node.js Pulumi projects only, and says why not", () => {
  it("a directory without Pulumi.yaml is not a project, whatever index.ts it holds", async () => {
    await inProject({ "index.ts": MARKING_PROGRAM }, async (dir) => {
      const run = await cli("check", dir);
      expect([run.code, run.out]).toEqual([2, ""]);
      expect(run.err).toContain(`${dir} has no Pulumi.yaml: not a Pulumi project`);
      expect(existsSync(path.join(dir, "ran"))).toBe(false);
    });
  });

  it.each([
    ["runtime: python\n", 'declares runtime "python" (Python): check runs Node.js Pulumi programs only'],
    ["runtime:\n  name: yaml\n", 'declares runtime "yaml" (Pulumi YAML): check runs Node.js Pulumi programs only'],
    ["runtime: go\n", 'declares runtime "go" (Go)'],
    ["description: no runtime\n", "declares no runtime"],
  ])("Pulumi.yaml with %j", async (runtime, message) => {
    await inProject(
      { "Pulumi.yaml": `name: other\n${runtime}`, "__main__.py": "import pulumi\n", "index.ts": MARKING_PROGRAM },
      async (dir) => {
        const run = await cli("check", dir);
        expect([run.code, run.out]).toEqual([2, ""]);
        expect(run.err).toContain(message);
        expect(existsSync(path.join(dir, "ran"))).toBe(false);
      },
    );
  });

  it("--stack NAME needs Pulumi.NAME.yaml; the default stack needs none", async () => {
    await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": MARKING_PROGRAM }, async (dir) => {
      const missing = await cli("check", dir, "--stack", "nosuch");
      expect([missing.code, missing.out]).toEqual([2, ""]);
      expect(missing.err).toContain(`stack "nosuch": no ${dir}/Pulumi.nosuch.yaml`);
      expect(existsSync(path.join(dir, "ran"))).toBe(false);
      expect((await cli("check", dir)).code).toBe(0);
      writeFileSync(path.join(dir, "Pulumi.nosuch.yaml"), "config: {}\n");
      expect((await cli("check", dir, "--stack", "nosuch")).code).toBe(0);
    });
  });
});

describe("a failing program is reported at the user's line", () => {
  it("a throw: file:line:column in the TypeScript source (type-only lines count), and the message", async () => {
    const program = [
      "interface Sizes {",
      "  memory: string;",
      "  cpus: number;",
      "}",
      'const sizes: Sizes = { memory: "1Gi", cpus: 1 };',
      'if (sizes.cpus) throw new Error("no host configured");',
      "",
    ].join("\n");
    await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": program }, async (dir) => {
      const run = await cli("check", dir);
      expect(run.code).toBe(2);
      const where = `${dir.split(path.sep).join("/")}/index.ts:6:23`;
      expect(run.err).toBe(`hardened-docker check: the program failed: ${where}: no host configured\n`);
      expect(run.out).toContain(`ERROR ${where}: no host configured`);
    });
  });

  it(
    "a HardenedContainer that refuses its arguments: its refusal at the user's line, " +
      "and no other finding about it",
    async () => {
      const program = [
        'import { HardenedContainer } from "../../src";',
        "",
        'new HardenedContainer("web", {',
        '  image: "registry.example.com/app@sha256:4f9d1b0d8a4c2e7b6a5f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110ff",',
        "} as never);",
        "",
      ].join("\n");
      await inProject({ "Pulumi.yaml": NODE_PROJECT, "index.ts": program }, async (dir) => {
        const run = await cli("check", dir);
        expect(run.code).toBe(2);
        expect(run.err).toMatch(
          new RegExp(
            `^hardened-docker check: the program failed: ` +
              `${dir.split(path.sep).join("/").replace(/\./g, "\\.")}/index\\.ts:3:1: ` +
              `web: invalid arguments:\n  - memory: is required`,
          ),
        );
        expect(run.out).not.toContain("has no docker.Container child");
        expect(run.out).not.toMatch(/^[✗?~!] /m);
        // Nothing of the refused component is deployed.
        expect(run.out).not.toContain("hardened-docker:index:HardenedContainer");
        expect(run.out).toContain("— 0 resource(s) judged of 0 declared");
        const sarif = JSON.parse((await cli("check", dir, "-f", "sarif")).out) as Sarif.Log;
        expect(sarif.runs[0]!.results).toEqual([]);
        expect(sarif.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text).toMatch(
          /index\.ts:3:1: web: invalid arguments/,
        );
      });
    },
    60_000,
  );
});

describe("SARIF links: where a viewer sends people", () => {
  it(
    "every rule has a helpUri (CIS items: the CIS Docker Benchmark page; project rules: the package's docs), " +
      "the driver an informationUri; all absolute and valid",
    async () => {
      const run = await cli("check", INSECURE, "-f", "sarif");
      const log = JSON.parse(run.out) as Sarif.Log;
      expectValidSarif(log);
      const driver = log.runs[0]!.tool.driver;
      expect(driver.informationUri).toBe(pathToFileURL(path.join(ROOT, "README.md")).href);
      const rules = driver.rules!;
      expect(rules.length).toBeGreaterThan(10);
      for (const r of rules) {
        expect(r.helpUri).toMatch(/^(https|file):\/\//);
        if (r.properties?.cis) expect(r.helpUri).toBe("https://www.cisecurity.org/benchmark/docker");
        else {
          // A file the package ships (package.json "files"), and an anchor that README.md has.
          const file = fileURLToPath(r.helpUri!.replace(/#.*$/, ""));
          const anchor = /#(.*)$/.exec(r.helpUri!)?.[1];
          expect(["README.md", "docs/cis-coverage.md"]).toContain(path.relative(ROOT, file).split(path.sep).join("/"));
          // Headings' anchors as GitHub makes them.
          const anchors = [...readFileSync(file, "utf8").matchAll(/^#+ (.*)$/gm)].map((m) =>
            m[1]!
              .toLowerCase()
              .replace(/[^a-z0-9 -]/g, "")
              .replace(/ /g, "-"),
          );
          if (anchor) expect(anchors).toContain(anchor);
        }
      }
      expect(rules.filter((r) => !r.properties?.cis).map((r) => r.id)).toEqual(
        expect.arrayContaining(["hd-containers-via-hardened-container", "hd-exemptions-valid"]),
      );
    },
    60_000,
  );
});
