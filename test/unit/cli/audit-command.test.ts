/**
 * `hardened-docker audit` without an engine: usage errors (exit 2), an unreachable engine
 * (exit 3, one line), the exit-code rule, and the progress bar. Real engines: test/integration/audit.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditReport, HostAudit } from "../../../src/audit/run";
import { EXIT, exitCodeOf } from "../../../src/cli/audit";
import { ProgressBar } from "../../../src/cli/progress";
import { cli } from "../../harness/cli";

let dir = "";
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "hd-audit-cli-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("usage errors exit 2 (never 1, which means violations)", () => {
  test.each([
    ["an unsupported scheme", ["-H", "ftp://x"], /unsupported scheme ftp:/],
    ["a tcp address without a port", ["-H", "tcp://h"], /needs a port/],
    ["an unknown format", ["-f", "xml"], /argument 'xml' is invalid/],
    ["an unknown --fail-on level", ["--fail-on", "severe"], /argument 'severe' is invalid/],
    ["an unknown option", ["--bogus"], /unknown option '--bogus'/],
    ["a bad --concurrency", ["--concurrency", "0"], /--concurrency must be a whole number from 1 to 256/],
    [
      "a missing stack export",
      ["--expect", "/nonexistent/stack.json"],
      /stack export \/nonexistent\/stack\.json: ENOENT/,
    ],
    // Checked before any engine is contacted (this one does not exist: that would be exit 3).
    [
      "an output that cannot be written",
      ["-H", "unix:///nonexistent/docker.sock", "-o", "/nonexistent-hd-dir/audit.json"],
      new RegExp(
        /^error: option '-o, --output <file>' argument '\/nonexistent-hd-dir\/audit\.json' is invalid\. /.source +
          /--output \/nonexistent-hd-dir\/audit\.json cannot be created: /.source +
          /directory \/nonexistent-hd-dir does not exist\n$/.source,
      ),
    ],
    ["a bad --timeout", ["--timeout", "0"], /--timeout must be a whole number/],
  ])("%s", async (_name, args, message) => {
    const r = await cli("audit", ...args);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
  });

  test("a stack export that is not one, and a settings file with an unknown key", async () => {
    writeFileSync(join(dir, "not-export.json"), JSON.stringify({ hello: 1 }));
    writeFileSync(join(dir, "settings.json"), JSON.stringify({ trustedDockerUsers: ["root"], trustedUser: ["x"] }));
    const a = await cli("audit", "--expect", join(dir, "not-export.json"));
    expect([a.code, a.err]).toEqual([2, expect.stringMatching(/not a `pulumi stack export` document/)]);
    const b = await cli("audit", "--settings", join(dir, "settings.json"));
    expect([b.code, b.err]).toEqual([2, expect.stringMatching(/unknown setting\(s\) trustedUser/)]);
  });
});

describe("--vuln-report", () => {
  test("a report that is not JSON, is neither Trivy's nor Grype's, or is missing: exit 2 naming the file", async () => {
    writeFileSync(join(dir, "scan.txt"), "Total: 3 (CRITICAL: 1)\n");
    writeFileSync(join(dir, "sbom.json"), JSON.stringify({ bomFormat: "CycloneDX", components: [] }));
    // Checked before any engine is contacted (this one does not exist: that would be exit 3).
    const engine = ["-H", "unix:///nonexistent/docker.sock"];
    const a = await cli("audit", ...engine, "--vuln-report", join(dir, "scan.txt"));
    expect([a.code, a.out]).toEqual([EXIT.usage, ""]);
    expect(a.err).toMatch(
      new RegExp(`^hardened-docker audit: vulnerability report ${join(dir, "scan.txt")}: not JSON`),
    );
    const b = await cli("audit", ...engine, "--vuln-report", join(dir, "sbom.json"));
    expect([b.code, b.err]).toEqual([
      EXIT.usage,
      expect.stringMatching(/vulnerability report .*sbom\.json: neither a Trivy report .* nor a Grype report/),
    ]);
    const c = await cli("audit", ...engine, "--vuln-report", "/nonexistent/trivy.json");
    expect([c.code, c.err]).toEqual([
      EXIT.usage,
      expect.stringMatching(/vulnerability report \/nonexistent\/trivy\.json: ENOENT/),
    ]);
  });
});

describe("an engine that cannot be reached", () => {
  test("one line on stderr, nothing on stdout for a table, exit 3; with several hosts, one line each", async () => {
    const sock = join(dir, "no.sock");
    const r = await cli("audit", "-H", `unix://${sock}`, "-H", `unix://${sock}2`);
    expect(r.code).toBe(EXIT.connection);
    expect(r.err.trim().split("\n")).toEqual([
      `hardened-docker audit: unix://${sock}: engine unreachable: ` +
        `${sock}: ENOENT (no socket there: is dockerd running?)`,
      `hardened-docker audit: unix://${sock}2: engine unreachable: ` +
        `${sock}2: ENOENT (no socket there: is dockerd running?)`,
    ]);
    expect(r.out).toBe("");
  });

  test("machine formats still get a report (with the errors) for CI", async () => {
    const r = await cli("audit", "-H", `unix://${join(dir, "no.sock")}`, "-f", "json");
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({
      exitCode: 3,
      errors: [expect.stringMatching(/engine unreachable/)],
      findings: [],
    });
  });
});

describe("exitCodeOf", () => {
  const host = (over: Partial<HostAudit> = {}): HostAudit => ({
    target: "t",
    kind: "unix",
    hostProbe: "none",
    findings: [],
    notes: [],
    durationMs: 1,
    ...over,
  });
  const report = (hosts: HostAudit[]): AuditReport => ({
    tool: { name: "x", version: "0" },
    startedAt: "",
    durationMs: 0,
    hosts,
  });
  test("connection problems win over violations; violations over success", () => {
    expect(exitCodeOf(report([host(), host({ error: { problem: "ssh", message: "m" } })]), 5)).toBe(3);
    expect(exitCodeOf(report([host()]), 2)).toBe(1);
    expect(exitCodeOf(report([host()]), 0)).toBe(0);
  });
});

describe("ProgressBar", () => {
  test("draws one line with totals across hosts, and erases it when done", () => {
    let out = "";
    const bar = new ProgressBar({ write: (t: string) => (out += t), isTTY: true, columns: 80 }, 2);
    bar.update("a", 50, 100);
    bar.update("b", 100, 100);
    expect(out.endsWith("\x1b[K")).toBe(true);
    expect(out.slice(0, -"\x1b[K".length)).toMatch(/\r\[█+░*\] 150\/200 containers · 1\/2 hosts$/);
    bar.done();
    expect(out.endsWith("\r\x1b[K")).toBe(true);
  });
});
