/**
 * `hardened-docker audit`: audit live engines (and their hosts) against the catalog, optionally
 * comparing them with Pulumi stack exports (drift). The work is in src/audit; this file parses
 * options, renders, and maps outcomes to exit codes:
 *
 *   0  nothing fails at or above --fail-on
 *   1  violations (or drift / unmanaged containers, with --expect) at or above --fail-on
 *   2  usage error (bad option, address, settings, stack export or vulnerability report file, unwritable --output:
 *      all checked before any engine is contacted), or the audit could not run
 *   3  an engine could not be audited: unreachable, permission denied, TLS or SSH failure
 *      (one line each on stderr; the report still covers the hosts that answered)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { AuditReport } from "../audit/run";
import type { FailOn } from "../report/audit";
import type { VulnReport } from "../facts/vulns";
import type { Benchmark } from "../rules/benchmarks";
import { SETTING_KEYS } from "../rules/settings";
import type { RuleSettings } from "../rules/types";
import type { CliIo } from "./main";
import { benchmarkOption, outputFile } from "./options";
import { ProgressBar, type ProgressStream } from "./progress";

export const EXIT = { ok: 0, violations: 1, usage: 2, connection: 3 } as const;

type Format = "table" | "json" | "sarif" | "junit";

interface AuditCliOptions {
  host: string[];
  benchmark: Benchmark;
  format: Format;
  output?: string;
  failOn: FailOn;
  expect: string[];
  settings?: string;
  vulnReport: string[];
  concurrency: number;
  timeout: number;
  tlsverify?: boolean;
  tls?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  sshIdentity?: string;
  sshKnownHosts?: string;
  hostProbe: boolean;
  hostRoot?: string;
  progress: boolean;
  verbose?: boolean;
}

/** Usage problems found after commander's parsing (files, JSON): exit code 2, one line. */
class UsageError extends Error {}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max} (got "${value}")`);
    return n;
  };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `--settings FILE`: a JSON object of RuleSettings fields (unknown keys are a usage error, not ignored). */
function readSettings(path: string): Partial<RuleSettings> {
  let value: unknown;
  try {
    value = JSON.parse(readText(path, "settings file"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`settings file ${path}: not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`settings file ${path}: expected a JSON object of rule settings`);
  const unknown = Object.keys(value).filter((k) => !(SETTING_KEYS as readonly string[]).includes(k));
  if (unknown.length)
    throw new UsageError(
      `settings file ${path}: unknown setting(s) ${unknown.join(", ")} (known: ${SETTING_KEYS.join(", ")})`,
    );
  return value as Partial<RuleSettings>;
}

/** `--vuln-report FILE`: a Trivy or Grype JSON report (anything else is a usage error naming the file). */
async function readVulnReport(path: string): Promise<VulnReport> {
  const { parseVulnReport } = await import("../adapters/vuln-report");
  const { AdapterError } = await import("../adapters/errors");
  const text = readText(path, "vulnerability report");
  try {
    return parseVulnReport(text, path);
  } catch (err) {
    if (err instanceof AdapterError) throw new UsageError(`vulnerability report ${err.message}`);
    throw err;
  }
}

/** Exit code for a finished audit: connection problems first (the audit is incomplete), then violations. */
export function exitCodeOf(report: AuditReport, mandatoryViolations: number): number {
  if (report.hosts.some((h) => h.error)) return EXIT.connection;
  return mandatoryViolations > 0 ? EXIT.violations : EXIT.ok;
}

async function runAuditCommand(o: AuditCliOptions, io: CliIo, stderr: ProgressStream): Promise<number> {
  // Loaded here, so `hardened-docker rules` does not pay for dockerode and ssh2.
  const { runAudit } = await import("../audit/run");
  const { TargetError } = await import("../audit/connect");
  const { StackExportError } = await import("../audit/drift");
  const report = await import("../report/audit");
  const { summarise } = await import("../report/findings");

  let result: AuditReport;
  const bar = o.progress && stderr.isTTY ? new ProgressBar(stderr, Math.max(1, o.host.length)) : undefined;
  try {
    const settings = o.settings ? readSettings(o.settings) : undefined;
    const expect = o.expect.map((file) => ({ source: file, json: readText(file, "stack export") }));
    const vulnReports: VulnReport[] = [];
    for (const file of o.vulnReport) vulnReports.push(await readVulnReport(file));
    result = await runAudit({
      hosts: o.host,
      benchmark: o.benchmark,
      connect: {
        ...(o.tlsverify ? { tlsVerify: true } : {}),
        ...(o.tls ? { tls: true } : {}),
        ...(o.tlscacert ? { tlsCaCert: o.tlscacert } : {}),
        ...(o.tlscert ? { tlsCert: o.tlscert } : {}),
        ...(o.tlskey ? { tlsKey: o.tlskey } : {}),
        ...(o.sshIdentity ? { sshIdentity: o.sshIdentity } : {}),
        ...(o.sshKnownHosts ? { sshKnownHosts: o.sshKnownHosts } : {}),
        timeoutMs: o.timeout * 1000,
      },
      concurrency: o.concurrency,
      ...(settings ? { settings } : {}),
      hostProbe: !o.hostProbe ? "none" : o.hostRoot ? { root: o.hostRoot } : "auto",
      ...(expect.length ? { expect } : {}),
      ...(vulnReports.length ? { vulnReports } : {}),
      // The bar appears only when there is enough to wait for.
      ...(bar
        ? {
            onProgress: (p) => (p.total >= 20 || o.host.length > 1 ? bar.update(p.target, p.done, p.total) : undefined),
          }
        : {}),
    });
  } catch (err) {
    bar?.done();
    if (err instanceof UsageError || err instanceof TargetError || err instanceof StackExportError) {
      io.err(`hardened-docker audit: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  bar?.done();

  for (const h of result.hosts) if (h.error) io.err(`hardened-docker audit: ${h.error.message}\n`);
  const findings = report.auditFindings(result, o.failOn);
  const code = exitCodeOf(result, summarise(findings).mandatoryFailures);
  const meta = report.auditMeta(result, code);
  let text: string;
  switch (o.format) {
    case "json":
      text = report.renderAuditJson(result, findings, meta);
      break;
    case "sarif": {
      const { renderSarif } = await import("../report/sarif");
      text = JSON.stringify(renderSarif(findings, meta), null, 2) + "\n";
      break;
    }
    case "junit": {
      const { renderJunit } = await import("../report/junit");
      text = renderJunit(findings, meta);
      break;
    }
    case "table":
      text = report.renderAuditTable(result, o.failOn, {
        color: !o.output && process.stdout.isTTY === true && !process.env.NO_COLOR,
        verbose: o.verbose ?? false,
      });
      break;
  }
  // Nothing answered: the one-line errors above are the whole story for people.
  if (o.format === "table" && !o.output && result.hosts.every((h) => h.error)) return code;
  if (o.output) {
    try {
      writeFileSync(o.output, text);
    } catch (err) {
      io.err(
        `hardened-docker audit: cannot write ${o.output}: ` +
          `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
      );
      return EXIT.usage;
    }
  } else {
    io.out(text);
    // Let a large report reach a pipe before the exit code is set (or the pipe is gone: EPIPE).
    if (process.stdout.writableLength > 0 && !process.stdout.destroyed)
      await new Promise<void>((resolve) => {
        process.stdout.once("drain", resolve);
        process.stdout.once("error", () => resolve());
        process.stdout.once("close", resolve);
      });
  }
  return code;
}

/** Add the `audit` subcommand to the program. */
export function registerAudit(program: Command, io: CliIo, stderr: ProgressStream = process.stderr): Command {
  const cmd = program
    .command("audit")
    .description("audit live Docker engines and hosts against the catalog; compare with Pulumi stack exports (drift)")
    .option(
      "-H, --host <address>",
      "engine to audit: unix:///path, tcp://host:port, ssh://[user@]host[:port] (repeatable; " +
        "default DOCKER_HOST, else unix:///var/run/docker.sock)",
      collect,
      [],
    )
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["table", "json", "sarif", "junit"])
        .default("table"),
    )
    .addOption(benchmarkOption())
    .option("-o, --output <file>", "write the report to a file instead of stdout", outputFile)
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a violation is at or above this severity")
        .choices(["none", "low", "medium", "high", "critical"])
        .default("low"),
    )
    .option(
      "--expect <stack-export.json>",
      "a `pulumi stack export` to compare live state with (repeatable): drifted fields, unmanaged containers",
      collect,
      [],
    )
    .option(
      "--settings <file>",
      "rule settings as JSON (trustedDockerUsers, trustedRegistries, minimumEngineVersion, …)",
    )
    .option(
      "--vuln-report <file>",
      "a Trivy (`trivy image -f json`) or Grype (`grype -o json`) report: CIS 4.4 judges the image it " +
        "scanned, matched by digest (repeatable)",
      collect,
      [],
    )
    .option("--concurrency <n>", "Engine API requests in flight per host", positiveInt("--concurrency", 256), 16)
    .option("--timeout <seconds>", "connect and request timeout", positiveInt("--timeout", 3600), 10)
    .option("--tlsverify", "use TLS and verify the engine (as the docker CLI; DOCKER_TLS_VERIFY=1)")
    .option("--tls", "use TLS without verifying the engine")
    .option("--tlscacert <file>", "CA certificate (default DOCKER_CERT_PATH/ca.pem)")
    .option("--tlscert <file>", "client certificate (default DOCKER_CERT_PATH/cert.pem)")
    .option("--tlskey <file>", "client key (default DOCKER_CERT_PATH/key.pem)")
    .option("--ssh-identity <file>", "private key for ssh:// hosts (default: the ssh agent, else ~/.ssh/id_*)")
    .option("--ssh-known-hosts <file>", "known_hosts to verify ssh:// host keys (default ~/.ssh/known_hosts)")
    .option(
      "--no-host-probe",
      "do not read host files and processes (sections 1–3 and the daemon configuration are then not evaluated)",
    )
    .option("--host-root <dir>", "read host files under DIR (e.g. a mounted host root) instead of /")
    .option("--no-progress", "no progress bar on a terminal")
    .option("-v, --verbose", "list exempted findings in the table");

  // Usage errors exit 2 (commander's default is 1, which means "violations" here).
  cmd.exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(EXIT.usage, err.code, err.message);
  });
  cmd.action(async (opts: AuditCliOptions) => {
    const code = await runAuditCommand(opts, io, stderr);
    if (code !== 0) throw new CommanderError(code, "hardened-docker.audit", "");
  });
  return cmd;
}
