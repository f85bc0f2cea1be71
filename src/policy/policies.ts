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
  ResourceRemediation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { BENCHMARK_NAMES, benchmarkId, DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";
import { CATALOG, catalogFor } from "../rules/catalog";
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
import {
  judgeRule,
  kindCanDecide,
  RESOURCE_KINDS,
  type ResolvedResource,
  type ResourceKind,
  type RuleOutcome,
} from "./resources";
import { canFix, engineProps, fixResource } from "./remediation";
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
  /**
   * The benchmark version (default `cis-1.6.0`, or HARDENED_DOCKER_BENCHMARK in the pack's entry):
   * its rules become policies, named by their stable keys; descriptions and compliance metadata
   * give each rule's id in that version.
   */
  benchmark?: Benchmark;
  /** Rules to build policies from (default: the benchmark's rules). */
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
      'A value unknown at preview that this rule reads: "report" (the engine reports the policy could not ' +
      'run, advisory) or "fail" (a violation at this policy\'s enforcement level: fail closed).',
  };
}

function ruleConfigSchema(rule: AnyRule, unknownDefault: UnknownMode): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = { unknownValues: unknownSchema(unknownDefault) };
  if (!rule.automated)
    properties.reportManual = {
      type: "boolean",
      default: false,
      description:
        "Report the rule's manual-review guidance (and the data it found) as a violation at this policy's " +
        "level. Off by default: a manual item is a question for a person, not a failure.",
    };
  for (const key of RULE_SETTINGS[rule.id] ?? []) properties[key] = SETTING_SCHEMAS[key];
  if (rule.id === "4.5")
    properties.contentTrust = {
      type: "boolean",
      default: false,
      description: "Images are pulled with Docker Content Trust (DOCKER_CONTENT_TRUST=1), so a tag alone is verified.",
    };
  return { properties };
}

/**
 * What a rule is judged with besides the resource: the pack's default settings overridden by its
 * policy's config, and content trust (4.5). One object per distinct config, so the same object
 * means the same context.
 */
interface Judging {
  settings: RuleSettings;
  contentTrust: boolean;
}

const DEFAULT_JUDGING: Judging = { settings: PACK_DEFAULT_SETTINGS, contentTrust: false };

/** A rule policy's place in the pack, and the Judging its policy used last (read by judgeAll). */
interface Slot {
  index: number;
  rule: AnyRule;
  kinds: ResourceKind[];
  judging: Judging;
}

/**
 * How a policy call's config becomes its Judging; undefined for rules without settings (judged
 * with DEFAULT_JUDGING, no config to read). The Judging is kept while the config's values are the
 * same objects (the engine hands each call a shallow copy of one config).
 */
function judgingFactory(slot: Slot): ((config: RulePolicyConfig) => Judging) | undefined {
  const keys = RULE_SETTINGS[slot.rule.id] ?? [];
  if (keys.length === 0 && slot.rule.id !== "4.5") return undefined;
  let values: unknown[] | undefined;
  return (config) => {
    const contentTrust = config.contentTrust === true;
    if (!values || slot.judging.contentTrust !== contentTrust || !sameValues(keys, config, values)) {
      values = keys.map((k) => config[k]);
      slot.judging = { settings: ruleSettings(slot.rule, config), contentTrust };
    }
    return slot.judging;
  };
}

/** The settings a rule is judged with under its policy's config: the pack's defaults, overridden by the config. */
export function ruleSettings(rule: AnyRule, config: RulePolicyConfig): RuleSettings {
  const settings = { ...PACK_DEFAULT_SETTINGS };
  for (const key of RULE_SETTINGS[rule.id] ?? [])
    if (config[key] !== undefined) (settings as Record<string, unknown>)[key] = config[key];
  return settings;
}

/** The config holds the same value objects as last time (compared without allocating: this runs per call). */
function sameValues(
  keys: readonly (keyof RuleSettings)[],
  config: RulePolicyConfig,
  values: readonly unknown[],
): boolean {
  for (let i = 0; i < keys.length; i++) if (config[keys[i]!] !== values[i]) return false;
  return true;
}

function contextOf(res: ResolvedResource, judging: Judging): RuleContext {
  if (judging === DEFAULT_JUDGING) return (res.baseCtx ??= { settings: PACK_DEFAULT_SETTINGS, now: res.now });
  return judging.contentTrust
    ? { settings: judging.settings, now: res.now, contentTrust: true }
    : { settings: judging.settings, now: res.now };
}

type Judged = NonNullable<ResolvedResource["judged"]>;

/**
 * Judge every rule of the pack on a resource at once, when its first policy reads it: rules run
 * back to back on facts still in the CPU's caches cost less than half of one rule per policy
 * call amid the engine's own work (measured with bench/policy-pack.ts). Each outcome is kept
 * with the Judging it used — the one its policy used last — and a policy takes it only when its
 * own Judging is that very object: a policy whose config differs judges again. A rule that
 * throws is left out here; its own policy judges it again, and throws there. `slots` are those
 * of the resource's kind, `count` all of the pack's.
 */
function judgeAll(res: ResolvedResource, slots: readonly Slot[], count: number): Judged {
  const judged: Judged = { with: new Array(count), outcomes: new Array(count) };
  for (const slot of slots) {
    const judging = slot.judging;
    try {
      judged.outcomes[slot.index] = judgeRule(res, slot.rule, contextOf(res, judging));
      judged.with[slot.index] = judging;
    } catch {
      // judged again by the rule's policy
    }
  }
  return (res.judged = judged);
}

/**
 * `args.notApplicable` for a resource type the policy does not judge. It throws an error only to
 * signal; its stack trace is never read, and capturing one through the engine's async frames
 * costs more than judging the resource (a policy for two types is called for every other
 * resource, e.g. 2.7 for each container), so none is captured.
 */
function notApplicableQuietly(args: ResourceValidationArgs, reason: string): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return args.notApplicable(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Act on an outcome as the engine expects: a violation, `notApplicable` (throws), or the SDK's
 * UnknownValueError (throws).
 */
export function enact(
  outcome: RuleOutcome,
  message: string,
  args: ResourceValidationArgs,
  report: ReportViolation,
): void {
  switch (outcome.status) {
    case "fail":
    case "error":
      return report(message);
    case "manual":
      if (args.getConfig<RulePolicyConfig>().reportManual === true) report(message);
      return;
    case "unknown": {
      if (args.getConfig<RulePolicyConfig>().unknownValues === "fail")
        return report(`${message} Failing closed (unknownValues: "fail").`);
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

function rulePolicy(
  slot: Slot,
  judgeEvery: (res: ResolvedResource) => Judged,
  options: Required<Pick<PackOptions, "profile" | "unknownValues" | "benchmark">> & PackOptions,
  cache: ResolutionCache,
): ResourceValidationPolicy {
  const { rule, kinds, index } = slot;
  const name = policyName(rule);
  const types = kinds.map((k) => k.type);
  const observer = options.observer;
  const judgingOf = judgingFactory(slot);
  const notForType = `Policy only applies to ${kinds.map((k) => k.label).join(" and ")} resources`;
  const validate: ResourceValidation = (args, report) => {
    if (!types.includes(args.type)) return notApplicableQuietly(args, notForType);
    const res = cache.get(args)!;
    // Read once, for the settings and for reportManual.
    const config = judgingOf ? args.getConfig<RulePolicyConfig>() : undefined;
    const judging = judgingOf && config ? judgingOf(config) : DEFAULT_JUDGING;
    const judged = res.judged ?? judgeEvery(res);
    const outcome =
      judged.with[index] === judging ? judged.outcomes[index]! : judgeRule(res, rule, contextOf(res, judging));
    // Kept for the exemptions report, which needs them only where exemptions exist.
    if (res.exemptions.valid.size) (res.outcomes ??= new Map()).set(rule.id, outcome);
    // Cheap path for the common case: nothing to say and nobody listening.
    if (
      !observer &&
      (outcome.status === "pass" ||
        outcome.status === "exempted" ||
        (outcome.status === "manual" && (config ?? args.getConfig<RulePolicyConfig>()).reportManual !== true))
    )
      return;
    const message = outcomeMessage(outcome, rule, res);
    if (observer) {
      // Failing closed turns an undecided rule into a violation: report it as one.
      const status =
        outcome.status === "unknown" && args.getConfig<RulePolicyConfig>().unknownValues === "fail"
          ? "fail"
          : outcome.status;
      observer({
        policyName: name,
        ruleId: rule.id,
        urn: args.urn,
        type: args.type,
        name: args.name,
        status,
        message,
        ...(outcome.status === "exempted" ? { exemption: outcome.exemption } : {}),
        source: "inputs",
      });
    }
    enact(outcome, message, args, report);
  };
  // Like validateResourceOfType: lets the engine skip other types without calling the policy.
  if (types.length === 1) (validate as ResourceValidation & { __pulumiType?: string }).__pulumiType = types[0];
  const remediate = remediation(slot, judgingOf, options.now ?? (() => new Date()));
  const cis = isCisRule(rule);
  return registerMeta(
    {
      name,
      displayName: cis ? `CIS ${rule.id}: ${rule.title}` : rule.title,
      description: cis
        ? `${rule.title} (CIS Docker Benchmark ${BENCHMARK_NAMES[options.benchmark].version} ` +
          `${benchmarkId(rule, options.benchmark)}, Level ${rule.level}, ${rule.automated ? "automated" : "manual"}).`
        : `${rule.title} (hardened-docker rule ${rule.id}).`,
      enforcementLevel: ruleEnforcement(rule, options.profile),
      severity: ruleSeverity(rule),
      ...(ruleFramework(rule, options.benchmark) ? { framework: ruleFramework(rule, options.benchmark) } : {}),
      tags: ruleTags(rule),
      remediationSteps: rule.remediation,
      configSchema: ruleConfigSchema(rule, options.unknownValues),
      validateResource: validate,
      ...(remediate ? { remediateResource: remediate } : {}),
    },
    { kind: "rule", ruleId: rule.id, rule, title: rule.title, remediation: rule.remediation, types },
  );
}

/**
 * The policy's `remediateResource`, for a rule with a fix: at enforcement level `remediate` the
 * engine calls it before validating, and deploys the inputs it returns (src/policy/remediation.ts
 * decides when a fix applies). Undefined for rules without a fix: the engine then validates them
 * as mandatory.
 */
function remediation(
  slot: Slot,
  judgingOf: ((config: RulePolicyConfig) => Judging) | undefined,
  now: () => Date,
): ResourceRemediation | undefined {
  const { rule, kinds } = slot;
  const type = kinds.map((k) => k.type).find((t) => canFix(rule, t));
  if (!type) return undefined;
  const remediate: ResourceRemediation = (args) => {
    if (args.type !== type) return undefined;
    const judging = judgingOf ? judgingOf(args.getConfig<RulePolicyConfig>()) : DEFAULT_JUDGING;
    const ctx: RuleContext = {
      settings: judging.settings,
      now: now(),
      ...(judging.contentTrust ? { contentTrust: true } : {}),
    };
    const { plain, toEngine } = engineProps(args.props);
    const fixed = fixResource(rule, { type, name: args.name, inputs: plain }, ctx);
    return fixed ? toEngine(fixed.inputs) : undefined;
  };
  // Like remediateResourceOfType: the engine calls it for this type only.
  (remediate as ResourceRemediation & { __pulumiType?: string }).__pulumiType = type;
  return remediate;
}

/** Reports each exemption label in use (what it excuses) and the ones nothing needs. Advisory. */
function exemptionsReport(
  rules: { rule: AnyRule; kinds: ResourceKind[] }[],
  cache: ResolutionCache,
): ResourceValidationPolicy {
  const name = "hd-exemptions-in-use";
  const kinds = Object.values(RESOURCE_KINDS).filter((k) => k.labels);
  const byId = new Map(rules.map((e) => [e.rule.id, e] as const));
  const validate: ResourceValidation = (args, report) => {
    if (!kinds.some((k) => k.type === args.type))
      return notApplicableQuietly(args, "Policy only applies to resources that carry exemption labels");
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
      const outcome =
        outcomes?.get(ruleId) ?? judgeRule(res, entry.rule, { settings: PACK_DEFAULT_SETTINGS, now: res.now });
      if (outcome.status === "exempted") report(`${head} excuses: ${outcomeMessage(outcome, entry.rule, res)}`);
      else if (outcome.status === "pass" || outcome.status === "not-applicable")
        report(`${head} is not needed: the resource complies. Remove it.`);
    }
  };
  return registerMeta(
    {
      name,
      displayName: "Exemptions in use",
      description:
        "Lists the documented exemptions (hardened-docker.exemption.* labels) each resource relies on, " +
        "and those it does not need.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "low",
      tags: ["exemptions"],
      remediationSteps: "Review each exemption's reason and expiry; remove exemptions the resource no longer needs.",
      validateResource: validate,
    },
    {
      kind: "report",
      ruleId: name,
      title: "Exemptions in use",
      remediation: "Review exemptions.",
      types: kinds.map((k) => k.type),
    },
  );
}

/**
 * Every policy of the pack, in a stable order: rule policies (catalog order), the exemptions
 * report, then the stack policies.
 */
export function createPolicies(options: PackOptions = {}): Policies {
  const opts = {
    profile: DEFAULT_PROFILE,
    unknownValues: "report" as UnknownMode,
    benchmark: DEFAULT_BENCHMARK as Benchmark,
    ...options,
  };
  const cache = new ResolutionCache(opts.now ?? (() => new Date()));
  const rules = packRules(opts.rules ?? catalogFor(opts.benchmark));
  const slots: Slot[] = rules.map(({ rule, kinds }, index) => ({ index, rule, kinds, judging: DEFAULT_JUDGING }));
  const slotsByKind = new Map(
    Object.values(RESOURCE_KINDS).map((kind) => [kind, slots.filter((s) => s.kinds.includes(kind))] as const),
  );
  const judgeEvery = (res: ResolvedResource) => judgeAll(res, slotsByKind.get(res.kind)!, slots.length);
  return [
    ...slots.map((slot) => rulePolicy(slot, judgeEvery, opts, cache)),
    exemptionsReport(rules, cache),
    ...stackPolicies(rules, opts),
  ];
}
