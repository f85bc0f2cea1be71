/**
 * `check`: run a Pulumi program offline, then the policy pack over what it registers, through
 * the engine emulation (resource analysis on the inputs, stack analysis on the outputs), and
 * turn the result into report findings. The verdict (which violations are mandatory) is the
 * engine's; the observer adds what the engine does not report (passes, exemptions).
 */
import { existsSync, readFileSync } from "fs";
import type { Policies } from "@pulumi/policy";
import {
  isMandatoryViolation,
  reportUri,
  type FixReport,
  type ReportFinding,
  type ReportRule,
} from "../report/findings";
import { reportRuleOf } from "../report/rule-metadata";
import { inputEdits, regionOf } from "../report/source-edits";
import {
  analyzeResource,
  analyzeStack,
  configuredLevel,
  effectiveLevel,
  reconcileConfig,
  type Diagnostic,
  type EngineResource,
  type PackConfig,
  type ReconciledConfig,
} from "./engine";
import type { AnyRule, RuleSettings } from "../rules/types";
import { DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";
import {
  DEFAULT_PROFILE,
  isCisRule,
  policyName,
  ruleEnforcement,
  ruleSeverity,
  ruleTags,
  type Profile,
  type UnknownMode,
} from "./metadata";
import { catalogFor, ruleById } from "../rules/catalog";
import { policyMeta, type Observation } from "./outcomes";
import { createPolicies, ruleSettings, type RulePolicyConfig } from "./policies";
import { canFix, fixAll, type AppliedFix } from "./remediation";
import { dockerfileFindings } from "./dockerfiles";
import { engineResources, resolveProgram, runProgramOffline, type ProgramRun } from "./program";

export interface CheckOptions {
  profile?: Profile;
  /** The CIS Docker Benchmark version judged and reported (default cis-1.6.0). */
  benchmark?: Benchmark;
  unknownValues?: UnknownMode;
  /** Pack configuration, as for `pulumi preview --policy-pack-config`. */
  config?: PackConfig;
  /** Clock for exemption expiry. */
  now?: Date;
  stack?: string;
  timeoutMs?: number;
  /** Run the Pulumi SDK as it is, with its per-promise leak tracking (slow; see RunOptions.sdkDefaults). */
  sdkDefaults?: boolean;
  /** Root for relative file locations (default: the current directory). */
  root?: string;
  /**
   * Apply every enabled policy's safe fix to each resource first, as if each were at `remediate`,
   * and judge the fixed resources: the findings are those that remain after the fixes. (Policies at
   * `remediate` — profile remediate-safe, or the config — fix first either way, as the engine does.)
   */
  fix?: boolean;
}

/** The fixes one resource received (`check --fix`). */
export interface ResourceFixes {
  urn: string;
  type: string;
  name: string;
  fixes: AppliedFix[];
}

export interface CheckResult {
  run: ProgramRun;
  findings: ReportFinding[];
  diagnostics: Diagnostic[];
  mandatoryViolations: number;
  /** The resources fixes changed, in program order (with `fix`, or policies at `remediate`). */
  fixes: ResourceFixes[];
  profile: Profile;
  benchmark: Benchmark;
}

/**
 * The drift policy judges refreshed state, which a program run offline does not have (its
 * outputs echo its inputs); exemptions in use are reported by the rule findings themselves
 * (status `exempted`, with reason and expiry).
 */
const CHECK_INITIAL_CONFIG: PackConfig = { "hd-drift-refreshed-state": "disabled", "hd-exemptions-in-use": "disabled" };

/** What reports say of a policy: a rule policy's from its rule record, a stack policy's from its own metadata. */
function reportRule(policies: Policies, policyName: string, benchmark: Benchmark): ReportRule {
  const policy = policies.find((p) => p.name === policyName);
  const meta = policy ? policyMeta(policy) : undefined;
  const rule = meta?.rule;
  if (meta?.kind === "rule" && rule) return reportRuleOf(rule, benchmark);
  return {
    id: policyName,
    title: meta?.title ?? policy?.description ?? policyName,
    ...(meta?.ruleId ? { catalogId: meta.ruleId } : {}),
    // The id and version of the benchmark the pack was built for (its compliance metadata).
    ...(rule && isCisRule(rule) && policy?.framework?.reference
      ? {
          cis: {
            id: policy.framework.reference,
            version: policy.framework.version ?? "",
            level: rule.level,
            automated: rule.automated,
          },
        }
      : {}),
    severity: policy?.severity ?? (rule ? ruleSeverity(rule) : "medium"),
    ...(policy?.remediationSteps ? { remediation: policy.remediationSteps } : {}),
    tags: rule ? ruleTags(rule) : (policy?.tags ?? []),
  };
}

/** A program resource's place in its source, relative to `root` (as reports give it). */
function locator(run: ProgramRun, root: string): (urn: string | undefined) => ReportFinding["location"] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r] as const));
  return (urn) => {
    const loc = urn ? byUrn.get(urn)?.location : undefined;
    return loc ? { uri: reportUri(root, loc.file), line: loc.line, column: loc.column } : undefined;
  };
}

/**
 * The fixes a check applied, as reports show them: with the edit that makes each in the program's
 * source, where the resource is constructed there as `new X(name, { … })`.
 */
export function fixReports(result: Pick<CheckResult, "run" | "fixes">, root: string): FixReport[] {
  const locate = locator(result.run, root);
  const sources = new Map<string, string | undefined>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) sources.set(file, existsSync(file) ? readFileSync(file, "utf8") : undefined);
    return sources.get(file);
  };
  const byUrn = new Map(result.run.resources.map((r) => [r.urn, r] as const));
  return result.fixes.flatMap((r) => {
    const location = locate(r.urn);
    const at = byUrn.get(r.urn)?.location;
    const source = at ? sourceOf(at.file) : undefined;
    return r.fixes.map((f) => {
      const values = Object.fromEntries(f.changes.map((c) => [c.input, c.after]));
      const edits = source && at ? inputEdits(source, at, values) : undefined;
      return {
        subject: { id: r.urn, name: r.name, type: r.type },
        ...(location ? { location } : {}),
        policy: policyName(ruleById(f.ruleId)!),
        ruleId: f.ruleId,
        summary: f.summary,
        changes: f.changes,
        ...(edits && source ? { edits: edits.map((e) => ({ region: regionOf(source, e), text: e.text })) } : {}),
      };
    });
  });
}

/** The violation text without the policy description the engine puts first. */
const diagnosticText = (d: Diagnostic): string =>
  d.message.startsWith(d.description + "\n") ? d.message.slice(d.description.length + 1) : d.message;

/** Findings from an analysed program: every observation, plus engine diagnostics no observation explains. */
export function toFindings(
  run: ProgramRun,
  policies: Policies,
  observations: readonly Observation[],
  diagnostics: readonly Diagnostic[],
  level: (policyName: string) => ReportFinding["enforcement"],
  root: string,
  benchmark: Benchmark = DEFAULT_BENCHMARK,
): ReportFinding[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r] as const));
  const locate = locator(run, root);
  const subject = (urn: string | undefined, type?: string, name?: string) => {
    const r = urn ? byUrn.get(urn) : undefined;
    return {
      id: urn ?? `stack:${run.project}/${run.stack}`,
      name: name ?? r?.name ?? run.stack,
      type: type ?? r?.type ?? "pulumi:pulumi:Stack",
    };
  };
  const rules = new Map<string, ReportRule>();
  const ruleOf = (name: string) => rules.get(name) ?? rules.set(name, reportRule(policies, name, benchmark)).get(name)!;
  const findings: ReportFinding[] = [];
  const seen = new Set<string>();
  for (const o of observations) {
    seen.add(`${o.policyName}\u0000${o.urn}`);
    const location = locate(o.urn);
    findings.push({
      rule: ruleOf(o.policyName),
      subject: subject(o.urn, o.type, o.name),
      status: o.status,
      enforcement: level(o.policyName),
      message: o.message,
      ...(location ? { location } : {}),
      ...(o.exemption
        ? {
            exemption: { reason: o.exemption.reason, ...(o.exemption.expires ? { expires: o.exemption.expires } : {}) },
          }
        : {}),
      source: o.source,
    });
  }
  for (const d of diagnostics) {
    if (seen.has(`${d.policyName}\u0000${d.urn}`)) continue;
    const location = locate(d.urn);
    const text = diagnosticText(d);
    findings.push({
      rule: ruleOf(d.policyName),
      subject: subject(d.urn),
      status: text.startsWith("can't run policy") ? "unknown" : "fail",
      enforcement: d.enforcementLevel === "remediate" ? "mandatory" : d.enforcementLevel,
      message: text,
      ...(location ? { location } : {}),
      source: "inputs",
    });
  }
  return findings;
}

/** Run the program offline and the pack over it. */
export async function checkProgram(target: string, options: CheckOptions = {}): Promise<CheckResult> {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const benchmark = options.benchmark ?? DEFAULT_BENCHMARK;
  const now = options.now;
  const observations: Observation[] = [];
  const policies = createPolicies({
    profile,
    benchmark,
    unknownValues: options.unknownValues ?? "report",
    observer: (o) => observations.push(o),
    ...(now ? { now: () => now } : {}),
  });
  const config = reconcileConfig(policies, "advisory", CHECK_INITIAL_CONFIG, options.config);
  // A stack named explicitly must have its stack file, as for `pulumi`; the default one needs none.
  const run = await runProgramOffline(target, {
    ...(options.stack ? { stack: options.stack, requireStackFile: true } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.sdkDefaults ? { sdkDefaults: true } : {}),
  });
  const diagnostics: Diagnostic[] = [];
  const fixes: ResourceFixes[] = [];
  const withFixes = fixers(policies, config, options.fix === true);
  const fixedAt = now ?? new Date();
  for (const declared of engineResources(run, "inputs")) {
    const resource = fixed(declared, withFixes, fixedAt, fixes);
    diagnostics.push(...(await analyzeResource(policies, resource, config)).diagnostics);
  }
  diagnostics.push(...(await analyzeStack(policies, engineResources(run, "outputs"), config)).diagnostics);
  const level = (name: string) => effectiveLevel(name, policies, config) as ReportFinding["enforcement"];
  // A resource that raised an error (a component that refused its arguments) is reported by that
  // error alone: what it left half-registered (a component without its children) will never be
  // deployed, and judging it would only add misleading findings.
  const failed = new Set(run.failures.flatMap((f) => (f.resource?.urn ? [f.resource.urn] : [])));
  const root = options.root ?? process.cwd();
  const findings = toFindings(run, policies, observations, diagnostics, level, root, benchmark).filter(
    (f) => !failed.has(f.subject.id),
  );
  // The Dockerfiles the program's docker.Images build, judged by the same rules (no image: none).
  const locate = locator(run, root);
  const built = dockerfileFindings(run, {
    projectDir: resolveProgram(target).projectDir,
    root,
    benchmark,
    enforcement: (rule) => {
      if (!catalogFor(benchmark).includes(rule)) return undefined;
      const name = policyName(rule);
      // The image rules (4.7, 4.9, 4.10) have no policy in the pack, which sees no image before
      // deploy: their level is the one the profile gives them.
      const l: string = policies.some((p) => p.name === name)
        ? effectiveLevel(name, policies, config)
        : ruleEnforcement(rule, profile);
      // A policy at `remediate` has no fix for a Dockerfile: its failures count as mandatory ones.
      return (l === "remediate" ? "mandatory" : l) as ReportFinding["enforcement"];
    },
    locate: (urn) => locate(urn),
  }).filter((f) => !failed.has(f.subject.id));
  findings.push(...built);
  return {
    run,
    findings,
    diagnostics,
    mandatoryViolations:
      diagnostics.filter((d) => d.enforcementLevel === "mandatory" && !failed.has(d.urn ?? "")).length +
      built.filter(isMandatoryViolation).length,
    fixes,
    profile,
    benchmark,
  };
}

/**
 * The fixes check applies, each with its policy's settings: those of the policies at `remediate`
 * (with `every`, of every enabled policy), in the pack's order. Read once per check.
 */
function fixers(
  policies: Policies,
  config: ReconciledConfig,
  every: boolean,
): { rule: AnyRule; settings: RuleSettings }[] {
  return policies.flatMap((p) => {
    const rule = policyMeta(p)?.rule;
    if (!rule?.fix) return [];
    const level = configuredLevel(p.name, p.enforcementLevel, config);
    if (level !== "remediate" && !(every && level !== "disabled")) return [];
    return [{ rule, settings: ruleSettings(rule, (config[p.name]?.properties ?? {}) as RulePolicyConfig) }];
  });
}

/** The resource as the engine would deploy it: the fixes for its type applied in turn, noted in `fixes`. */
function fixed(
  resource: EngineResource,
  withFixes: readonly { rule: AnyRule; settings: RuleSettings }[],
  now: Date,
  fixes: ResourceFixes[],
): EngineResource {
  const applicable = withFixes.filter((f) => canFix(f.rule, resource.type));
  if (applicable.length === 0) return resource;
  const settings = new Map(applicable.map((f) => [f.rule, f.settings] as const));
  const result = fixAll(
    applicable.map((f) => f.rule),
    { type: resource.type, name: resource.name, inputs: resource.props },
    (rule) => ({ settings: settings.get(rule)!, now }),
  );
  if (result.fixes.length === 0) return resource;
  fixes.push({ urn: resource.urn, type: resource.type, name: resource.name, fixes: result.fixes });
  return { ...resource, props: result.inputs };
}
