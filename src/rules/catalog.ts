/**
 * The rule catalog: every CIS Docker Benchmark v1.6.0 recommendation (sections 1–7) plus the
 * project's own rules. Components, the policy pack and the live audit all read this list.
 */
import type { AnyRule } from "./types";
import { SECTION_1 } from "./section1-host";
import { SECTION_2 } from "./section2-daemon";
import { SECTION_3 } from "./section3-files";
import { SECTION_4 } from "./section4-images";
import { SECTION_5 } from "./section5-runtime";
import { SECTION_6 } from "./section6-operations";
import { SECTION_7 } from "./section7-swarm";
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

const BY_ID = new Map(CATALOG.map((r) => [r.id, r] as const));

/** Look a rule up by id (CIS id like "5.4" or project id like "hd-selinux-enabled"). */
export function ruleById(id: string): AnyRule | undefined {
  return BY_ID.get(id);
}

/** The number of CIS v1.6.0 recommendations in sections 1–7. */
export const CIS_ITEM_COUNT = 117;
