/**
 * The rule catalog: every CIS Docker Benchmark v1.6.0 recommendation (sections 1–7) plus the
 * project's own rules. Components, the policy pack and the live audit all read this list.
 */
import { exemptionsFromLabels, type LabelExemptions } from "../exemptions";
import { inBenchmark, ruleKeyOf, type Benchmark } from "./benchmarks";
import type { AnyRule } from "./types";
import { SECTION_1 } from "./section1";
import { SECTION_2 } from "./section2";
import { SECTION_3 } from "./section3";
import { SECTION_4 } from "./section4";
import { SECTION_5 } from "./section5";
import { SECTION_6 } from "./section6";
import { SECTION_7 } from "./section7";
import { PROJECT_RULES } from "./project";

export const CATALOG: readonly AnyRule[] = [
  ...SECTION_1,
  ...SECTION_2,
  ...SECTION_3,
  ...SECTION_4,
  ...SECTION_5,
  ...SECTION_6,
  ...SECTION_7,
  ...PROJECT_RULES,
] as AnyRule[];

export const RULE_IDS: ReadonlySet<string> = new Set(CATALOG.map((r) => r.id));

const BY_BENCHMARK = new Map<Benchmark, readonly AnyRule[]>();
/** The rules one benchmark version has (and the project's own): what its reports judge. */
export function catalogFor(benchmark: Benchmark): readonly AnyRule[] {
  let rules = BY_BENCHMARK.get(benchmark);
  if (!rules) BY_BENCHMARK.set(benchmark, (rules = CATALOG.filter((r) => inBenchmark(r, benchmark))));
  return rules;
}

const BY_ID = new Map(CATALOG.map((r) => [r.id, r] as const));

/** Look a rule up by id (CIS id like "5.4" or project id like "hd-selinux-enabled"). */
export function ruleById(id: string): AnyRule | undefined {
  return BY_ID.get(id);
}

/**
 * The rule a reference names: its stable key ("2.12"), or a version's id of it ("cis-1.8.0:2.13").
 * Exemptions are read through this, so they hold across benchmark versions.
 */
export function resolveRuleReference(reference: string): string | undefined {
  return ruleKeyOf(reference, CATALOG);
}

/** A Docker object's exemption labels, read against the catalog (version ids resolved to keys). */
export function exemptionsOfLabels(labels: Readonly<Record<string, string>>, now: Date): LabelExemptions {
  return exemptionsFromLabels(labels, RULE_IDS, now, resolveRuleReference);
}

/** The number of CIS v1.6.0 recommendations in sections 1–7. */
export const CIS_ITEM_COUNT = 117;
