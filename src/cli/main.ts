#!/usr/bin/env node
/** `hardened-docker` command line. Subcommands are thin: the work lives in src/report, src/rules, … */
import { Command, InvalidArgumentError, Option } from "commander";
import { CATALOG } from "../rules/catalog";
import { renderRules, type ListingFormat } from "../report/rules-listing";
import { registerCheck } from "./check";
import { registerAudit } from "./audit";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function sectionNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 7) throw new InvalidArgumentError(`--section must be a number 1–7 (got "${value}")`);
  return n;
}

export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command("hardened-docker")
    .description("CIS Docker Benchmark by construction: components, policy pack and live audit from one rule catalog")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("rules")
    .description("list the rule catalog (CIS Docker Benchmark v1.6.0 + project rules)")
    .option("-s, --section <n>", "only this CIS section (1–7)", sectionNumber)
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "markdown"]).default("table"))
    .action((opts: { section?: number; format: ListingFormat }) => {
      const rules = opts.section ? CATALOG.filter((r) => r.section === opts.section) : CATALOG;
      io.out(renderRules(rules, opts.format));
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
    io.err(`hardened-docker: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // exitCode, not exit(): exit() would cut off output still being written to a pipe.
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
