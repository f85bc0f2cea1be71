/**
 * Runs the pack's policies the way the Pulumi engine and @pulumi/policy 1.21.0's analyzer do,
 * without a Pulumi backend: configuration reconciled like the engine (schema defaults, then the
 * pack's initial config, then the user's, `all` setting every level), enforcement levels
 * resolved per policy, props wrapped in the SDK's unknown-checking proxy, `notApplicable`
 * throwing, and the analyzer's handling of UnknownValueError (an advisory "can't run policy …
 * during preview" diagnostic). Used by `hardened-docker check`, the tests and the benchmark.
 *
 * One deliberate difference: props are deserialised once per resource and shared by its
 * policies (the engine deserialises a copy per policy); `freshPropsPerPolicy` restores that.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "./unknowns";

/** A resource as the engine describes it to an analyzer. */
export interface EngineResource {
  type: string;
  name: string;
  urn: string;
  /** Inputs (resource analysis) or outputs (stack analysis), with unknown-value sentinels where the engine has them. */
  props: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  opts?: Partial<PolicyResourceOptions>;
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

export interface Diagnostic {
  policyName: string;
  description: string;
  message: string;
  urn?: string;
  enforcementLevel: EnforcementLevel;
  severity?: Severity;
}

export interface NotApplicable {
  policyName: string;
  urn?: string;
  reason?: string;
}

export interface AnalysisResult {
  diagnostics: Diagnostic[];
  notApplicable: NotApplicable[];
}

/**
 * User-facing pack config, e.g.
 * `{ "all": "mandatory", "cis-5.4-…": { "enforcementLevel": "advisory", "capabilityAllowList": [...] } }`.
 */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface EffectiveConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export type ReconciledConfig = Record<string, EffectiveConfig>;

export interface EngineOptions {
  packName?: string;
  packVersion?: string;
  stackTags?: ReadonlyMap<string, string>;
  /** Give each policy its own copy of the props, as the engine does (slower). */
  freshPropsPerPolicy?: boolean;
}

const ENFORCEMENT_LEVELS = new Set<EnforcementLevel>(["advisory", "mandatory", "remediate", "disabled"]);

export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`policy pack configuration is invalid: ${problems.join("; ")}`);
    this.name = "PolicyConfigError";
  }
}

function normalise(
  config: PackConfig | undefined,
): Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> {
  const out: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
  for (const [name, value] of Object.entries(config ?? {})) {
    if (typeof value === "string") out[name] = { enforcementLevel: value, properties: {} };
    else {
      const { enforcementLevel, ...properties } = value;
      out[name] = { ...(enforcementLevel ? { enforcementLevel } : {}), properties };
    }
  }
  return out;
}

/**
 * The engine's ReconcilePolicyPackConfig: defaults from each policy's config schema, then the
 * pack's initial config, then the user's; `all` sets every policy's enforcement level. The
 * result is validated against the schemas (types, enums, unknown policy names).
 */
export function reconcileConfig(
  policies: Policies,
  packLevel: EnforcementLevel = "advisory",
  initial?: PackConfig,
  user?: PackConfig,
): ReconciledConfig {
  const result: ReconciledConfig = {};
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {}))
      if (schema.default !== undefined) properties[k] = structuredClone(schema.default);
    result[p.name] = { enforcementLevel: p.enforcementLevel ?? packLevel, properties };
  }
  const problems: string[] = [];
  for (const layer of [normalise(initial), normalise(user)]) {
    const all = layer.all?.enforcementLevel;
    if (all && ENFORCEMENT_LEVELS.has(all)) for (const c of Object.values(result)) c.enforcementLevel = all;
    for (const [name, given] of Object.entries(layer)) {
      if (name === "all") continue;
      const current = result[name];
      if (!current) {
        problems.push(`"${name}" is not a policy of this pack`);
        continue;
      }
      if (given.enforcementLevel) {
        if (ENFORCEMENT_LEVELS.has(given.enforcementLevel)) current.enforcementLevel = given.enforcementLevel;
        else
          problems.push(
            `${name}: enforcementLevel "${given.enforcementLevel}" is not one of ${[...ENFORCEMENT_LEVELS].join(", ")}`,
          );
      }
      Object.assign(current.properties, given.properties);
    }
  }
  for (const p of policies)
    problems.push(
      ...validateProperties(
        p.name,
        result[p.name]!.properties,
        p.configSchema?.properties ?? {},
        p.configSchema?.required ?? [],
      ),
    );
  if (problems.length) throw new PolicyConfigError(problems);
  return result;
}

type Schema = { type?: string | string[]; enum?: unknown[]; items?: unknown; minimum?: number; pattern?: string };

/** The subset of JSON Schema the pack's config schemas use. */
function validateProperties(
  policy: string,
  props: Record<string, unknown>,
  schemas: Record<string, unknown>,
  required: string[],
): string[] {
  const problems: string[] = [];
  for (const r of required) if (props[r] === undefined) problems.push(`${policy}: "${r}" is required`);
  for (const [k, v] of Object.entries(props)) {
    const schema = schemas[k] as Schema | undefined;
    if (!schema) {
      problems.push(`${policy}: unknown property "${k}"`);
      continue;
    }
    const problem = checkValue(v, schema);
    if (problem) problems.push(`${policy}.${k}: ${problem}`);
  }
  return problems;
}

function checkValue(v: unknown, schema: Schema): string | undefined {
  if (schema.enum && !schema.enum.includes(v))
    return `${JSON.stringify(v)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  switch (schema.type) {
    case "string":
      if (typeof v !== "string") return `expected a string, got ${JSON.stringify(v)}`;
      if (schema.pattern && !new RegExp(schema.pattern).test(v))
        return `${JSON.stringify(v)} does not match ${schema.pattern}`;
      return undefined;
    case "boolean":
      return typeof v === "boolean" ? undefined : `expected a boolean, got ${JSON.stringify(v)}`;
    case "integer":
      if (!Number.isInteger(v)) return `expected an integer, got ${JSON.stringify(v)}`;
      return schema.minimum !== undefined && (v as number) < schema.minimum
        ? `must be at least ${schema.minimum}`
        : undefined;
    case "number":
      return typeof v === "number" ? undefined : `expected a number, got ${JSON.stringify(v)}`;
    case "array":
      if (!Array.isArray(v)) return `expected an array, got ${JSON.stringify(v)}`;
      for (const item of v) {
        const p = schema.items ? checkValue(item, schema.items as Schema) : undefined;
        if (p) return `item ${p}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

const defaultOpts = (o?: Partial<PolicyResourceOptions>): PolicyResourceOptions => ({
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
  ...o,
});

const getPulumiType = (fn: unknown): string | undefined => {
  const t = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
};

/**
 * The level a policy validates at: configured, else declared, else the pack's;
 * `remediate` reports as mandatory when validating.
 */
function levelOf(
  name: string,
  declared: EnforcementLevel | undefined,
  config: ReconciledConfig,
  packLevel: EnforcementLevel,
): EnforcementLevel {
  const level = configuredLevel(name, declared, config, packLevel);
  return level === "remediate" ? "mandatory" : level;
}

/** The level a policy is set to: configured, else declared, else the pack's (`remediate` as it is). */
export function configuredLevel(
  name: string,
  declared: EnforcementLevel | undefined,
  config: ReconciledConfig,
  packLevel: EnforcementLevel = "advisory",
): EnforcementLevel {
  return config[name]?.enforcementLevel || declared || packLevel;
}

/** A violation as the engine reports it: the policy's description, then the message. */
function violation(
  p: { name: string; description: string; severity?: Diagnostic["severity"] },
  level: EnforcementLevel,
  message: string,
  urn: string | undefined,
): Diagnostic {
  return {
    policyName: p.name,
    description: p.description,
    message: message ? `${p.description}\n${message}` : p.description,
    ...(urn ? { urn } : {}),
    enforcementLevel: level,
    ...(p.severity ? { severity: p.severity } : {}),
  };
}

function cantRun(policyName: string, description: string, opts: EngineOptions, e: Error, urn?: string): Diagnostic {
  const pack = `'${opts.packName ?? "hardened-docker"}@v${opts.packVersion ?? "0.0.0"}'`;
  return {
    policyName,
    description,
    message: `can't run policy '${policyName}' from policy pack ${pack} during preview: ${e.message}`,
    ...(urn ? { urn } : {}),
    enforcementLevel: "advisory",
  };
}

const isolate = (props: Record<string, unknown>, fresh: boolean | undefined) =>
  unknownCheckingProxy(fresh ? structuredClone(props) : props);

/** The engine's Analyze call for one resource (its inputs, before create or update). */
export async function analyzeResource(
  policies: Policies,
  resource: EngineResource,
  config: ReconciledConfig,
  opts: EngineOptions = {},
  packLevel: EnforcementLevel = "advisory",
): Promise<AnalysisResult> {
  const diagnostics: Diagnostic[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const p of policies) {
    if (!("validateResource" in p) || !p.validateResource) continue;
    const level = levelOf(p.name, p.enforcementLevel, config, packLevel);
    if (level === "disabled") continue;
    const validations: ResourceValidation[] = Array.isArray(p.validateResource)
      ? p.validateResource
      : [p.validateResource];
    const only = !Array.isArray(p.validateResource) ? getPulumiType(p.validateResource) : undefined;
    if (only && only !== resource.type) {
      notApplicable.push({
        policyName: p.name,
        urn: resource.urn,
        reason: `Policy only applies to resources of type '${only}'`,
      });
      continue;
    }
    const report = (message: string, urn?: string) =>
      void diagnostics.push(violation(p, level, message, urn ?? resource.urn));
    for (const validation of validations) {
      const props = isolate(resource.props, opts.freshPropsPerPolicy);
      const args: ResourceValidationArgs = {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: defaultOpts(resource.opts),
        stackTags: opts.stackTags ?? new Map(),
        isType: (cls) => getPulumiType(cls) === resource.type,
        asType: ((cls: unknown) =>
          getPulumiType(cls) === resource.type ? props : undefined) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...(config[p.name]?.properties ?? {}) }) as T,
        notApplicable: throwNotApplicable,
        ...(resource.provider
          ? { provider: { ...resource.provider, props: unknownCheckingProxy(resource.provider.props) } }
          : {}),
      };
      try {
        await validation(args, report);
      } catch (e) {
        if (e instanceof UnknownValueError) diagnostics.push(cantRun(p.name, p.description, opts, e, resource.urn));
        else if (e instanceof NotApplicableError)
          notApplicable.push({ policyName: p.name, urn: resource.urn, ...(e.reason ? { reason: e.reason } : {}) });
        else throw new Error(`Error validating resource with policy '${p.name}': ${(e as Error).stack ?? e}`);
      }
    }
  }
  return { diagnostics, notApplicable };
}

/** The engine's AnalyzeStack call (the resources' outputs, after a preview or update). */
export async function analyzeStack(
  policies: Policies,
  resources: readonly EngineResource[],
  config: ReconciledConfig,
  opts: EngineOptions = {},
  packLevel: EnforcementLevel = "advisory",
): Promise<AnalysisResult> {
  const diagnostics: Diagnostic[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const p of policies) {
    if (!("validateStack" in p) || typeof p.validateStack !== "function") continue;
    const sp = p as StackValidationPolicy;
    const level = levelOf(sp.name, sp.enforcementLevel, config, packLevel);
    if (level === "disabled") continue;
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
      const props = isolate(r.props, opts.freshPropsPerPolicy);
      const pr: PolicyResource = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: defaultOpts({ ...r.opts, ...(r.parent ? { parent: r.parent } : {}) }),
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => getPulumiType(cls) === r.type,
        asType: ((cls: unknown) => (getPulumiType(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
        ...(r.provider ? { provider: { ...r.provider, props: unknownCheckingProxy(r.provider.props) } } : {}),
      };
      byUrn.set(r.urn, pr);
      return { pr, r };
    });
    for (const { pr, r } of built) {
      if (r.parent && byUrn.has(r.parent)) pr.parent = byUrn.get(r.parent);
      pr.dependencies = (r.dependencies ?? [])
        .map((d) => byUrn.get(d))
        .filter((d): d is PolicyResource => d !== undefined);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {}))
        pr.propertyDependencies[k] = urns.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
    const report = (message: string, urn?: string) => void diagnostics.push(violation(sp, level, message, urn));
    const args: StackValidationArgs = {
      resources: built.map((b) => b.pr),
      stackTags: opts.stackTags ?? new Map(),
      getConfig: <T extends object>() => ({ ...(config[sp.name]?.properties ?? {}) }) as T,
      notApplicable: throwNotApplicable,
    };
    try {
      await sp.validateStack(args, report);
    } catch (e) {
      if (e instanceof UnknownValueError) diagnostics.push(cantRun(sp.name, sp.description, opts, e));
      else if (e instanceof NotApplicableError)
        notApplicable.push({ policyName: sp.name, ...(e.reason ? { reason: e.reason } : {}) });
      else throw new Error(`Error validating stack with policy '${sp.name}': ${(e as Error).stack ?? e}`);
    }
  }
  return { diagnostics, notApplicable };
}

/** The enforcement level each policy runs at under this config. */
export function effectiveLevel(
  policyName: string,
  policies: Policies,
  config: ReconciledConfig,
  packLevel: EnforcementLevel = "advisory",
): EnforcementLevel {
  return levelOf(policyName, policies.find((x) => x.name === policyName)?.enforcementLevel, config, packLevel);
}
