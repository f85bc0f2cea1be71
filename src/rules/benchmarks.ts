/**
 * The CIS Docker Benchmark versions the catalog follows, and how a rule is numbered in each.
 *
 * Every rule has one stable key: its v1.6.0 id (e.g. "2.12"), or, for an item v1.6.0 does not have,
 * an id of its own ("2.6.1": v1.8.0's "devicemapper storage driver is not used", beside 2.6's aufs).
 * The key is what exemptions, labels and policy names carry, so they mean the same rule whichever
 * benchmark a report is written for. A rule declares its id in a later version as an alias
 * (`cis-1.8:2.13`) and, when an item exists only in some versions, which ones (`benchmarks`).
 *
 * v1.8.0 (July 2025) inserted 2.7 and renumbered v1.6.0's 2.7–2.18 to 2.8–2.19; v1.7.0 kept
 * v1.6.0's ids (wording changed only), so it is reported as v1.6.0.
 */
import type { AnyRule } from "./types";

export const BENCHMARKS = ["cis-1.6.0", "cis-1.8.0"] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

/**
 * The default: v1.6.0, the version whose ids are the catalog's keys, that the most used open-source
 * auditor implements, and for which every item's text was available to this project; v1.8.0 is
 * one flag away (`--benchmark cis-1.8.0`, the pack's `benchmark` setting).
 */
export const DEFAULT_BENCHMARK: Benchmark = "cis-1.6.0";

/** The alias prefix a rule uses for its id in each version (v1.6.0: none, the key itself). */
const ALIAS_PREFIX: Readonly<Record<Benchmark, string | undefined>> = {
  "cis-1.6.0": undefined,
  "cis-1.8.0": "cis-1.8:",
};

/** Title and version as a report states them. */
export const BENCHMARK_NAMES: Readonly<Record<Benchmark, { name: string; version: string }>> = {
  "cis-1.6.0": { name: "CIS Docker Benchmark", version: "1.6.0" },
  "cis-1.8.0": { name: "CIS Docker Benchmark", version: "1.8.0" },
};

export function isBenchmark(value: unknown): value is Benchmark {
  return typeof value === "string" && (BENCHMARKS as readonly string[]).includes(value);
}

/** The rule is an item of this benchmark (project rules, `hd-…`, belong to every one). */
export function inBenchmark(rule: Pick<AnyRule, "benchmarks">, benchmark: Benchmark): boolean {
  return rule.benchmarks === undefined || rule.benchmarks.includes(benchmark);
}

/** The rule's id in a benchmark version ("2.12" → "2.13" in cis-1.8.0). */
export function benchmarkId(rule: Pick<AnyRule, "id" | "aliases">, benchmark: Benchmark): string {
  const prefix = ALIAS_PREFIX[benchmark];
  const alias = prefix === undefined ? undefined : rule.aliases?.find((a) => a.startsWith(prefix));
  return alias === undefined ? rule.id : alias.slice(prefix!.length);
}

/**
 * The stable key a rule reference names, for references written against a version:
 * `cis-1.8.0:2.13` (or `cis-1.8:2.13`) → "2.12"; a bare key is itself. Undefined when no rule of
 * `rules` has that id in that version.
 */
export function ruleKeyOf(reference: string, rules: readonly AnyRule[]): string | undefined {
  const m = /^cis-(\d+\.\d+)(?:\.\d+)?:(.+)$/.exec(reference);
  if (!m) return rules.some((r) => r.id === reference) ? reference : undefined;
  const benchmark = BENCHMARKS.find((b) => b.startsWith(`cis-${m[1]}.`));
  if (!benchmark) return undefined;
  return rules.find((r) => inBenchmark(r, benchmark) && benchmarkId(r, benchmark) === m[2])?.id;
}
