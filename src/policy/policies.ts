/**
 * The CrossGuard policies, generated from the rule catalog: one resource policy per rule that
 * some Pulumi resource type can decide (docker.Container and docker.Service for container rules,
 * docker.Network for network rules, the Docker provider for the daemon rules its configuration
 * tells), plus stack policies and a report of the exemptions in use.
 *
 * This module only builds a plain array: `new PolicyPack(...)` (which starts a gRPC server) is
 * called in the pack's entry file alone (examples/policy-pack/index.ts).
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { CATALOG } from "../rules/catalog";
import type { AnyRule, RuleContext, RuleSettings } from "../rules/types";
import {
  DEFAULT_PROFILE,
  isCisRule,
  PACK_DEFAULT_SETTINGS,
  policyName,
  ruleEnforcement,
  ruleFramework,
  ruleSeverity,
  ruleTags,
  RULE_SETTINGS,
  SETTING_SCHEMAS,
  UNKNOWN_MODES,
  type Profile,
  type UnknownMode,
} from "./metadata";
import { outcomeMessage, registerMeta, ResolutionCache, type Observer } from "./outcomes";
import { judgeRule, kindCanDecide, RESOURCE_KINDS, type ResolvedResource, type ResourceKind, type RuleOutcome } from "./resources";
import { stackPolicies } from "./stack";
import { UnknownValueError } from "./unknowns";

export interface PackOptions {
  /** Enforcement profile (default `cis-level1`). */
  profile?: Profile;
  /** Default of every rule policy's `unknownValues` setting: `report` (default) or `fail` (fail closed). */
  unknownValues?: UnknownMode;
  /** Clock for exemption expiry (default: the real one). */
  now?: () => Date;
  /** Sees every judgement (passes and exemptions too); used by `check`. */
  observer?: Observer;
  /** Rules to build policies from (default: the catalog). */
  rules?: readonly AnyRule[];
}

/** Per-policy configuration as the engine hands it over (defaults from the schema applied). */
export interface RulePolicyConfig extends Partial<RuleSettings> {
  unknownValues?: UnknownMode;
  reportManual?: boolean;
  contentTrust?: boolean;
}

/** Rules the pack can check, each with the resource kinds that decide it. */
export function packRules(rules: readonly AnyRule[] = CATALOG): { rule: AnyRule; kinds: ResourceKind[] }[] {
  return rules
    .filter((r) => r.where === "decl" || r.where === "both")
    .map((rule) => ({ rule, kinds: Object.values(RESOURCE_KINDS).filter((k) => kindCanDecide(k, rule)) }))
    .filter((e) => e.kinds.length > 0);
}

function unknownSchema(dflt: UnknownMode) {
  return {
    type: "string" as const,
    enum: [...UNKNOWN_MODES],
    default: dflt,
    description:
      'A value unknown at preview that this rule reads: "report" (the engine reports the policy could not run, advisory) or "fail" (a violation at this policy\'s enforcement level: fail closed).',
  };
}

function ruleConfigSchema(rule: AnyRule, unknownDefault: UnknownMode): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = { unknownValues: unknownSchema(unknownDefault) };
  if (!rule.automated)
    properties.reportManual = {
      type: "boolean",
      default: false,
      description: "Report the rule's manual-review guidance (and the data it found) as a violation at this policy's level. Off by default: a manual item is a question for a person, not a failure.",
    };
  for (const key of RULE_SETTINGS[rule.id] ?? []) properties[key] = SETTING_SCHEMAS[key];
  if (rule.id === "4.5")
    properties.contentTrust = { type: "boolean", default: false, description: "Images are pulled with Docker Content Trust (DOCKER_CONTENT_TRUST=1), so a tag alone is verified." };
  return { properties };
}

/**
 * The rule context for a policy call: the pack's defaults, overridden by this policy's config.
 * The settings object is reused while the config's values are the same objects (the engine
 * hands each call a shallow copy of one config).
 */
function contextFactory(rule: AnyRule): (res: ResolvedResource, args: ResourceValidationArgs) => RuleContext {
  const keys = RULE_SETTINGS[rule.id] ?? [];
  const usesConfig = keys.length > 0 || rule.id === "4.5";
  let last: { values: unknown[]; contentTrust: boolean; settings: RuleSettings } | undefined;
  return (res, args) => {
    if (!usesConfig) return (res.baseCtx ??= { settings: PACK_DEFAULT_SETTINGS, now: res.now });
    const config = args.getConfig<RulePolicyConfig>();
    const values = keys.map((k) => config[k]);
    const contentTrust = config.contentTrust === true;
    if (!last || last.contentTrust !== contentTrust || values.some((v, i) => v !== last!.values[i])) {
      const settings = { ...PACK_DEFAULT_SETTINGS };
      keys.forEach((k, i) => {
        if (values[i] !== undefined) (settings as Record<string, unknown>)[k] = values[i];
      });
      last = { values, contentTrust, settings };
    }
    return { settings: last.settings, now: res.now, ...(contentTrust ? { contentTrust: true } : {}) };
  };
}

/** Act on an outcome as the engine expects: a violation, `notApplicable` (throws), or the SDK's UnknownValueError (throws). */
export function enact(outcome: RuleOutcome, message: string, args: ResourceValidationArgs, report: ReportViolation): void {
  switch (outcome.status) {
    case "fail":
    case "error":
      return report(message);
    case "manual":
      if (args.getConfig<RulePolicyConfig>().reportManual === true) report(message);
      return;
    case "unknown": {
      if (args.getConfig<RulePolicyConfig>().unknownValues === "fail") return report(`${message} Failing closed (unknownValues: "fail").`);
      const first = outcome.unknowns[0]!;
      // The engine turns this into "can't run policy … during preview" (advisory): reported, never a silent pass.
      throw new UnknownValueError(first.sentinel, first.path);
    }
    case "not-applicable":
      return args.notApplicable(message);
    case "pass":
    case "exempted":
      return;
  }
}

function rulePolicy(rule: AnyRule, kinds: ResourceKind[], options: Required<Pick<PackOptions, "profile" | "unknownValues">> & PackOptions, cache: ResolutionCache): ResourceValidationPolicy {
  const name = policyName(rule);
  const types = kinds.map((k) => k.type);
  const observer = options.observer;
  const contextFor = contextFactory(rule);
  const validate: ResourceValidation = (args, report) => {
    if (!types.includes(args.type)) return args.notApplicable(`Policy only applies to ${kinds.map((k) => k.label).join(" and ")} resources`);
    const res = cache.get(args)!;
    const outcome = judgeRule(res, rule, contextFor(res, args));
    // Kept for the exemptions report, which needs them only where exemptions exist.
    if (res.exemptions.valid.size) (res.outcomes ??= new Map()).set(rule.id, outcome);
    // Cheap path for the common case: nothing to say and nobody listening.
    if (!observer && (outcome.status === "pass" || outcome.status === "exempted" || (outcome.status === "manual" && args.getConfig<RulePolicyConfig>().reportManual !== true))) return;
    const message = outcomeMessage(outcome, rule, res);
    if (observer) {
      // Failing closed turns an undecided rule into a violation: report it as one.
      const status = outcome.status === "unknown" && args.getConfig<RulePolicyConfig>().unknownValues === "fail" ? "fail" : outcome.status;
      observer({ policyName: name, ruleId: rule.id, urn: args.urn, type: args.type, name: args.name, status, message, ...(outcome.status === "exempted" ? { exemption: outcome.exemption } : {}), source: "inputs" });
    }
    enact(outcome, message, args, report);
  };
  // Like validateResourceOfType: lets the engine skip other types without calling the policy.
  if (types.length === 1) (validate as ResourceValidation & { __pulumiType?: string }).__pulumiType = types[0];
  const cis = isCisRule(rule);
  return registerMeta(
    {
      name,
      displayName: cis ? `CIS ${rule.id}: ${rule.title}` : rule.title,
      description: cis
        ? `${rule.title} (CIS Docker Benchmark 1.6.0 ${rule.id}, Level ${rule.level}, ${rule.automated ? "automated" : "manual"}).`
        : `${rule.title} (hardened-docker rule ${rule.id}).`,
      enforcementLevel: ruleEnforcement(rule, options.profile),
      severity: ruleSeverity(rule),
      ...(ruleFramework(rule) ? { framework: ruleFramework(rule) } : {}),
      tags: ruleTags(rule),
      remediationSteps: rule.remediation,
      configSchema: ruleConfigSchema(rule, options.unknownValues),
      validateResource: validate,
    },
    { kind: "rule", ruleId: rule.id, rule, title: rule.title, remediation: rule.remediation, types },
  );
}

/** Reports each exemption label in use (what it excuses) and the ones nothing needs. Advisory. */
function exemptionsReport(rules: { rule: AnyRule; kinds: ResourceKind[] }[], cache: ResolutionCache): ResourceValidationPolicy {
  const name = "hd-exemptions-in-use";
  const kinds = Object.values(RESOURCE_KINDS).filter((k) => k.labels);
  const byId = new Map(rules.map((e) => [e.rule.id, e] as const));
  const validate: ResourceValidation = (args, report) => {
    if (!kinds.some((k) => k.type === args.type)) return args.notApplicable("Policy only applies to resources that carry exemption labels");
    const res = cache.get(args)!;
    if (res.exemptions.valid.size === 0) return;
    const outcomes = res.outcomes;
    for (const [ruleId, exemption] of res.exemptions.valid) {
      const entry = byId.get(ruleId);
      const until = exemption.expires ? `until ${exemption.expires}` : "with no expiry date";
      const head = `${res.kind.label} "${res.name}": exemption for ${ruleId} (${until}, reason: ${exemption.reason})`;
      if (!entry || !entry.kinds.includes(res.kind)) {
        report(`${head}: the rule is checked on the running container by the live audit, not before deploy.`);
        continue;
      }
      const outcome = outcomes?.get(ruleId) ?? judgeRule(res, entry.rule, { settings: PACK_DEFAULT_SETTINGS, now: res.now });
      if (outcome.status === "exempted") report(`${head} excuses: ${outcomeMessage(outcome, entry.rule, res)}`);
      else if (outcome.status === "pass" || outcome.status === "not-applicable") report(`${head} is not needed: the resource complies. Remove it.`);
    }
  };
  return registerMeta(
    {
      name,
      displayName: "Exemptions in use",
      description: "Lists the documented exemptions (hardened-docker.exemption.* labels) each resource relies on, and those it does not need.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "low",
      tags: ["exemptions"],
      remediationSteps: "Review each exemption's reason and expiry; remove exemptions the resource no longer needs.",
      validateResource: validate,
    },
    { kind: "report", ruleId: name, title: "Exemptions in use", remediation: "Review exemptions.", types: kinds.map((k) => k.type) },
  );
}

/**
 * Every policy of the pack, in a stable order: rule policies (catalog order), the exemptions
 * report, then the stack policies.
 */
export function createPolicies(options: PackOptions = {}): Policies {
  const opts = { profile: DEFAULT_PROFILE, unknownValues: "report" as UnknownMode, ...options };
  const cache = new ResolutionCache(opts.now ?? (() => new Date()));
  const rules = packRules(opts.rules ?? CATALOG);
  return [
    ...rules.map(({ rule, kinds }) => rulePolicy(rule, kinds, opts, cache)),
    exemptionsReport(rules, cache),
    ...stackPolicies(rules, opts),
  ];
}
