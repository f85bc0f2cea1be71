#!/usr/bin/env node
/**
 * `hardened-docker` command line. Subcommands are thin: the work lives in src/report, src/rules, …
 *
 * Exit codes, the same meaning in every subcommand:
 *   0  done, nothing failed (`rules`: listed; `--help`, `--version`)
 *   1  mandatory violations (`check`, `audit`)
 *   2  usage error (bad option or value, unknown option or command, unreadable or unwritable file),
 *      or the command could not run (`check`: the program failed or is not a Node.js Pulumi program)
 *   3  `audit` only: an engine could not be audited
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Benchmark } from "../rules/benchmarks";
import { catalogFor } from "../rules/catalog";
import { renderRules, type ListingFormat } from "../report/rules-listing";
import { registerCheck, toolVersion } from "./check";
import { registerAudit } from "./audit";
import { benchmarkOption, USAGE_EXIT } from "./options";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * A reader that goes away early (`check -f json | head`) closes the pipe: EPIPE. That is no
 * failure of the command: stop writing to that stream, quietly, and keep the command's exit code.
 */
const closed = { stdout: false, stderr: false };
function quietOnEpipe(name: "stdout" | "stderr"): void {
  process[name].on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed[name] = true;
  });
}

const defaultIo: CliIo = {
  out: (t) => {
    if (!closed.stdout) process.stdout.write(t);
  },
  err: (t) => {
    if (!closed.stderr) process.stderr.write(t);
  },
};

function sectionNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 7)
    throw new InvalidArgumentError(`--section must be a number 1–7 (got "${value}")`);
  return n;
}

export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command("hardened-docker")
    .description("CIS Docker Benchmark by construction: components, policy pack and live audit from one rule catalog")
    .version(toolVersion(), "-V, --version", "print the version")
    // commander exits 1 on a usage error, which means "violations" here: every usage error is 2.
    // (Subcommands inherit this; help and --version stay 0.)
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(USAGE_EXIT, err.code, err.message);
    })
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("rules")
    .description("list the rule catalog (a CIS Docker Benchmark version's items + project rules)")
    .option("-s, --section <n>", "only this CIS section (1–7)", sectionNumber)
    .addOption(benchmarkOption())
    .addOption(
      new Option("-f, --format <format>", "output format").choices(["table", "json", "markdown"]).default("table"),
    )
    .action((opts: { section?: number; format: ListingFormat; benchmark: Benchmark }) => {
      const all = catalogFor(opts.benchmark);
      const rules = opts.section ? all.filter((r) => r.section === opts.section) : all;
      io.out(renderRules(rules, opts.format, opts.benchmark));
    });

  registerCheck(program, io);
  registerAudit(program, io);

  return program;
}

/** Run the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    const code = (err as { exitCode?: number; code?: string }).exitCode;
    if (typeof code === "number") return code; // commander already printed the message (help, bad option)
    // Not a verdict: the command could not run. 1 would read as "violations found".
    io.err(`hardened-docker: ${(err as Error).message}\n`);
    return USAGE_EXIT;
  }
}

if (require.main === module) {
  quietOnEpipe("stdout");
  quietOnEpipe("stderr");
  // exitCode, not exit(): exit() would cut off output still being written to a pipe.
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
