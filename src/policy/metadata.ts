/**
 * What the policy pack says about each rule: the policy name (carrying the CIS id), severity,
 * enforcement under each profile, compliance-framework metadata, and the settings a rule reads
 * (exposed in that policy's config schema). Everything here is derived from the catalog plus
 * small tables; no rule logic.
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { AnyRule, RuleSettings } from "../rules/types";
import { CATALOG } from "../rules/catalog";
import { SETTING_SCHEMAS as RULE_SETTING_SCHEMAS } from "../rules/settings";
import { DEFAULT_SETTINGS } from "../rules/types";
import { BENCHMARK_NAMES, DEFAULT_BENCHMARK } from "../rules/benchmarks";

/** The benchmark the pack and `check` follow unless told otherwise (./rules/benchmarks.ts). */
export const CIS_FRAMEWORK = BENCHMARK_NAMES[DEFAULT_BENCHMARK];

/**
 * Enforcement profiles:
 * - `cis-level1` (default): automated CIS Level 1 items (and the project's Level 1 rules) mandatory, the rest advisory;
 * - `cis-level2`: every automated item mandatory, manual items advisory;
 * - `remediate-safe`: as `cis-level1`, except that every rule with a safe fix is at `remediate`: the engine
 *   deploys the fixed inputs (5.2, 5.4, 5.14, 5.15, 5.22, 5.26 on docker.Container);
 * - `advisory`: everything advisory (to roll the pack out on an existing estate).
 */
export const PROFILES = ["cis-level1", "cis-level2", "remediate-safe", "advisory"] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = "cis-level1";

export function isProfile(value: unknown): value is Profile {
  return typeof value === "string" && (PROFILES as readonly string[]).includes(value);
}

export function ruleEnforcement(
  rule: Pick<AnyRule, "automated" | "level" | "fix">,
  profile: Profile,
): EnforcementLevel {
  switch (profile) {
    case "remediate-safe":
      return rule.fix ? "remediate" : ruleEnforcement(rule, "cis-level1");
    case "cis-level1":
      return rule.automated && rule.level === 1 ? "mandatory" : "advisory";
    case "cis-level2":
      return rule.automated ? "mandatory" : "advisory";
    case "advisory":
      return "advisory";
  }
}

export { isCisRule, policyName, ruleSeverity } from "../rules/naming";
// What the pack says of each rule besides its enforcement comes from the one description of rules in reports.
export { ruleFramework, ruleTags } from "../report/rule-metadata";

// ───────────────────────────── settings in config schemas ─────────────────────────────

/** The RuleSettings each rule reads, from its record (`settings`), by rule id. */
export const RULE_SETTINGS: Readonly<Record<string, readonly (keyof RuleSettings)[]>> = Object.fromEntries(
  CATALOG.filter((r) => r.settings?.length).map((r) => [r.id, r.settings!] as const),
);

/** The pack judges with the catalog's own defaults (so do the components and the audit). */
export const PACK_DEFAULT_SETTINGS: RuleSettings = DEFAULT_SETTINGS;

/** Each setting's schema in the pack's policy configs (rules/settings.ts). */
export const SETTING_SCHEMAS: Record<keyof RuleSettings, PolicyConfigSchema["properties"][string]> =
  RULE_SETTING_SCHEMAS;

/** How a policy treats a value unknown at preview. */
export const UNKNOWN_MODES = ["report", "fail"] as const;
export type UnknownMode = (typeof UNKNOWN_MODES)[number];
