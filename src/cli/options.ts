/**
 * Option values shared by the subcommands, validated while commander parses them: a bad value is
 * a usage error (exit 2) before any work starts, never a silent reinterpretation.
 */
import { accessSync, constants, existsSync, statSync } from "fs";
import * as path from "path";
import { InvalidArgumentError, Option } from "commander";
import { BENCHMARKS, DEFAULT_BENCHMARK } from "../rules/benchmarks";

/** Exit code of every usage error (bad option, value or file), in every subcommand. */
export const USAGE_EXIT = 2;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time. The calendar date must exist: JavaScript's
 * Date would turn 2031-02-30 into 2031-03-02, and read "yesterday" or "3/4" however it likes.
 */
export function parseDate(value: string, option = "--now"): Date {
  const m = ISO_DATE.exec(value.trim());
  const fail = (why: string) =>
    new InvalidArgumentError(
      `${option} must be a real date, YYYY-MM-DD or ISO 8601 (e.g. 2031-02-28T12:00:00Z); ${why} (got "${value}")`,
    );
  if (!m) throw fail("not in that form");
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day)
    throw fail(`${m[1]}-${m[2]}-${m[3]} is not a day of the calendar`);
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59))
    throw fail("the time of day does not exist");
  if (m[7] !== undefined && m[7] !== "Z" && (Number(m[7].slice(1, 3)) > 23 || Number(m[7].slice(4)) > 59))
    throw fail("the UTC offset does not exist");
  // A date-time without an offset would be local time: read it as UTC, like a bare date.
  const d = m[4] === undefined ? calendar : new Date(m[7] === undefined ? `${value.trim()}Z` : value.trim());
  if (Number.isNaN(d.getTime())) throw fail("not a date");
  return d;
}

/** The longest wait a timer can hold (setTimeout overflows past 2^31-1 ms and fires at once). */
export const MAX_TIMEOUT_SECONDS = 86_400;

export function parseSeconds(value: string, option = "--timeout"): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > MAX_TIMEOUT_SECONDS)
    throw new InvalidArgumentError(
      `${option} must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (got "${value}")`,
    );
  return n;
}

/**
 * Why `file` cannot be written as a report, or undefined when it can: checked before the work,
 * so a long check or audit never ends in "cannot write". (Root passes access checks: a
 * read-only filesystem or a missing directory still fails here.)
 */
export function unwritableReason(file: string): string | undefined {
  const abs = path.resolve(file);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) return "is a directory";
    try {
      accessSync(abs, constants.W_OK);
    } catch (err) {
      return `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    return undefined;
  }
  const dir = path.dirname(abs);
  if (!existsSync(dir)) return `cannot be created: directory ${path.dirname(file) || "."} does not exist`;
  if (!statSync(dir).isDirectory()) return `cannot be created: ${path.dirname(file)} is not a directory`;
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    return (
      `cannot be created in ${path.dirname(file) || "."} ` +
      `(${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
    );
  }
  return undefined;
}

/** commander parser for `-o, --output <file>`. */
export function outputFile(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("--output needs a file name");
  const why = unwritableReason(value);
  if (why) throw new InvalidArgumentError(`--output ${value} ${why}`);
  return value;
}

/** `--benchmark cis-1.6.0|cis-1.8.0`: the CIS Docker Benchmark version a command follows (rules/benchmarks.ts). */
export function benchmarkOption(): Option {
  return new Option("-b, --benchmark <version>", "CIS Docker Benchmark version: its items and ids")
    .choices([...BENCHMARKS])
    .default(DEFAULT_BENCHMARK);
}
