/**
 * `hardened-docker check <program>`: run a Pulumi TypeScript program offline under the mock
 * runtime and judge every resource it declares with the policy pack.
 *
 * Exit codes: 0 = no mandatory violation; 1 = mandatory violations; 2 = the check could not be
 * completed (a usage error, checked before the program runs: bad option value, unknown option,
 * unwritable --output, no Pulumi.yaml, a runtime other than Node.js, a missing stack file; or the
 * program failed, the configuration is invalid, the report could not be written).
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { Command, InvalidArgumentError, Option } from "commander";
import { checkProgram, fixReports } from "../policy/check";
import { deploymentTree } from "../policy/program";
import { PolicyConfigError, type PackConfig } from "../policy/engine";
import { DEFAULT_PROFILE, PROFILES, type Profile } from "../policy/metadata";
import { reportUri, summarise, type ReportMeta } from "../report/findings";
import { printable, renderJson, renderText, summaryLine } from "../report/findings-text";
import { renderJunit } from "../report/junit";
import { renderSarif } from "../report/sarif";
import { BENCHMARK_NAMES, type Benchmark } from "../rules/benchmarks";
import { benchmarkOption, outputFile, parseDate, parseSeconds, USAGE_EXIT } from "./options";

export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export type CheckFormat = "text" | "json" | "sarif" | "junit";

/** Ends the command with an exit code; runCli returns it (the report is already printed). */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function toolVersion(): string {
  for (const candidate of [
    path.resolve(__dirname, "../../package.json"),
    path.resolve(__dirname, "../../../package.json"),
  ]) {
    if (!existsSync(candidate)) continue;
    const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "hardened-docker" && pkg.version) return pkg.version;
  }
  return "0.0.0";
}

/** Pulumi stack names: letters, digits, `-`, `_`, `.` (optionally `org/project/` before). */
function stackName(value: string): string {
  if (!/^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/){0,2}[A-Za-z0-9._-]+$/.test(value))
    throw new InvalidArgumentError(`--stack must be a stack name (letters, digits, "-", "_", "."), got "${value}"`);
  return value;
}

function readConfig(file: string): PackConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InvalidArgumentError(`--config ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InvalidArgumentError(`--config ${file}: expected a JSON object keyed by policy name`);
  return parsed as PackConfig;
}

interface CheckCommandOptions {
  format: CheckFormat;
  benchmark: Benchmark;
  output?: string;
  profile: Profile;
  config?: string;
  failClosed?: boolean;
  now?: Date;
  stack?: string;
  timeout?: number;
  verbose?: boolean;
  fix?: boolean;
}

export function registerCheck(program: Command, io: CheckIo): Command {
  return program
    .command("check")
    .description(
      "run a Pulumi TypeScript program offline (mock runtime: no backend, credentials or plugins) " +
        "and check every resource with the policy pack",
    )
    .argument("<program>", "the program: a directory (Pulumi.yaml / index.ts) or its entry file")
    .addOption(
      new Option("-f, --format <format>", "report format").choices(["text", "json", "sarif", "junit"]).default("text"),
    )
    .option("-o, --output <file>", "write the report to a file (a summary still goes to stdout)", outputFile)
    .addOption(
      new Option("-p, --profile <profile>", "enforcement profile").choices([...PROFILES]).default(DEFAULT_PROFILE),
    )
    .option("-c, --config <file>", "policy pack configuration JSON (as for pulumi --policy-pack-config)")
    .option(
      "--fail-closed",
      "a value unknown before deploy is a violation (at its policy's level) instead of an advisory report",
    )
    .option(
      "--now <date>",
      "evaluate exemption expiry at this date, YYYY-MM-DD or ISO 8601 (default: now)",
      (v: string) => parseDate(v, "--now"),
    )
    .option(
      "--stack <name>",
      'stack name: used in URNs; its Pulumi.<name>.yaml must exist and supplies config (default "check", ' +
        "no stack file needed; secrets are never decrypted)",
      stackName,
    )
    .option("--timeout <seconds>", "give up on the program after this long (default 60)", (v: string) =>
      parseSeconds(v, "--timeout"),
    )
    .option(
      "--fix",
      "apply every safe fix the pack has (as its policies at remediate would) before judging; " +
        "report each fix as the inputs before and after, and the findings that remain",
    )
    .option("-v, --verbose", "list passing checks too (text format)")
    .addOption(benchmarkOption())
    .action(async (target: string, opts: CheckCommandOptions) => {
      let result;
      try {
        result = await checkProgram(target, {
          profile: opts.profile,
          benchmark: opts.benchmark,
          unknownValues: opts.failClosed ? "fail" : "report",
          ...(opts.config ? { config: readConfig(opts.config) } : {}),
          ...(opts.now ? { now: opts.now } : {}),
          ...(opts.stack ? { stack: opts.stack } : {}),
          ...(opts.timeout ? { timeoutMs: opts.timeout * 1000 } : {}),
          ...(opts.fix ? { fix: true } : {}),
        });
      } catch (err) {
        // The check could not run (no program, invalid configuration, …): not the same as "violations found".
        const message =
          err instanceof PolicyConfigError || err instanceof InvalidArgumentError
            ? err.message
            : (err as Error).message;
        io.err(`hardened-docker check: ${message}\n`);
        throw new CliExit(USAGE_EXIT);
      }
      const exitCode = result.run.errors.length ? 2 : result.mandatoryViolations > 0 ? 1 : 0;
      const root = process.cwd();
      // Each error of the program with the program's file:line:column (TypeScript positions), as compilers print them.
      const errors = result.run.failures.map((f) => {
        if (!f.location) return f.message;
        const file = reportUri(root, f.location.file);
        return `${file}:${f.location.line}:${f.location.column}: ${f.message}`;
      });
      const meta: ReportMeta = {
        tool: { name: "hardened-docker", version: toolVersion() },
        target: reportUri(root, result.run.program) || result.run.program,
        root,
        profile: result.profile,
        benchmark: { id: result.benchmark, version: BENCHMARK_NAMES[result.benchmark].version },
        errors,
        exitCode,
        ...(result.fixes.length ? { fixes: fixReports(result, root) } : {}),
        // A resource that raised an error (a refused component) will not be deployed.
        plan: deploymentTree({
          ...result.run,
          resources: result.run.resources.filter((r) => !result.run.failures.some((f) => f.resource?.urn === r.urn)),
        }),
      };
      const report =
        opts.format === "json"
          ? renderJson(result.findings, meta)
          : opts.format === "sarif"
            ? JSON.stringify(renderSarif(result.findings, meta), null, 2) + "\n"
            : opts.format === "junit"
              ? renderJunit(result.findings, meta)
              : renderText(result.findings, meta, { verbose: opts.verbose });
      if (opts.output) {
        try {
          writeFileSync(opts.output, report);
        } catch (err) {
          // Checked before the run; it can still go away meanwhile.
          io.err(
            `hardened-docker check: cannot write ${opts.output}: ` +
              `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
          );
          throw new CliExit(USAGE_EXIT);
        }
        io.out(`${summaryLine(summarise(result.findings), meta.plan?.length)}\nreport written to ${opts.output}\n`);
      } else io.out(report);
      for (const e of errors)
        io.err(`hardened-docker check: the program failed: ${printable(e, { keepNewlines: true })}\n`);
      if (exitCode !== 0) throw new CliExit(exitCode);
    });
}
