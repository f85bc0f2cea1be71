/**
 * What a rule is called outside the catalog and how much its failure weighs, from its record:
 * the policy name pack configs use (`cis-5.4-restrict-capabilities`) and the severity every report
 * gives it. One place, so the pack, `check`, the audit and `rules` say the same.
 */
import type { AnyRule } from "./types";

export type Severity = "low" | "medium" | "high" | "critical";

export const isCisRule = (rule: Pick<AnyRule, "id">): boolean => !rule.id.startsWith("hd-");

/** `cis-5.4-restrict-capabilities`; project rules keep their `hd-` id as prefix (`hd-exemptions-valid`). */
export function policyName(rule: Pick<AnyRule, "id" | "slug">): string {
  return isCisRule(rule) ? `cis-${rule.id}-${rule.slug}` : `${rule.id}-${rule.slug}`;
}

/** Critical where the record says so; else manual items low, automated Level 1 high, Level 2 medium. */
export function ruleSeverity(rule: Pick<AnyRule, "automated" | "level" | "severity">): Severity {
  if (rule.severity) return rule.severity;
  if (!rule.automated) return "low";
  return rule.level === 1 ? "high" : "medium";
}
