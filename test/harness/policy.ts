/**
 * Calling the pack's policies the way the Pulumi engine does, for tests:
 * - `invoke`: one policy, one resource, args built exactly like @pulumi/policy's analyzer
 *   (props deserialised and wrapped in the SDK's unknown-checking proxy, `notApplicable`
 *   throwing, `getConfig` returning the engine-reconciled config: schema defaults applied).
 * - `sdkAnalyze`: the SDK's own analyzer RPC (`makeAnalyzeRpcFun` of @pulumi/policy's server)
 *   fed a protobuf request, as the engine sends it.
 * Unknown values are the engine's sentinels (UNKNOWN), as during `pulumi preview`.
 */
import type {
  Policies,
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { createPolicies, UNKNOWN_STRING, unknownCheckingProxy, type PackOptions } from "../../src/policy";
import { reconcileConfig, type PackConfig } from "../../src/check";
import { UnknownValueError } from "../../src/policy/unknowns";
import { NOW } from "./fixtures";
export { compliantContainer } from "./container-inputs";

export const UNKNOWN = UNKNOWN_STRING;
export const CONTAINER = "docker:index/container:Container";
export const NETWORK = "docker:index/network:Network";
export const SERVICE = "docker:index/service:Service";
export const PROVIDER = "pulumi:providers:docker";
export const COMMAND = "command:local:Command";
export const HARDENED = "hardened-docker:index:HardenedContainer";

export function pack(options: PackOptions = {}): Policies {
  return createPolicies({ now: () => NOW, ...options });
}

export function byName(policies: Policies, name: string): Policy {
  const p = policies.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
}

export class TestNotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "not applicable");
  }
}

export interface Invocation {
  violations: string[];
  /** Set when the policy called notApplicable (which throws). */
  notApplicable?: string;
  /** Set when the policy hit an unknown value: the engine reports "can't run … during preview". */
  unknown?: Error & { props: (string | number | symbol)[] };
}

export interface ResourceInput {
  type: string;
  props: Record<string, unknown>;
  name?: string;
  urn?: string;
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

const urnOf = (r: ResourceInput) => r.urn ?? `urn:pulumi:test::proj::${r.type}::${r.name ?? "res"}`;

/**
 * One policy on one resource, with args built like the analyzer's. Config: the pack's reconciled config plus `config`.
 */
export async function invoke(
  policies: Policies,
  policyName: string,
  resource: ResourceInput,
  config?: PackConfig,
): Promise<Invocation> {
  const policy = byName(policies, policyName) as ResourceValidationPolicy;
  const reconciled = reconcileConfig(policies, "advisory", undefined, config);
  const out: Invocation = { violations: [] };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validate of validations) {
    // The engine deserialises a fresh copy per validation.
    const props = unknownCheckingProxy(structuredClone(resource.props));
    const args: ResourceValidationArgs = {
      type: resource.type,
      props,
      urn: urnOf(resource),
      name: resource.name ?? "res",
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      stackTags: new Map(),
      isType: () => false,
      asType: (() => undefined) as ResourceValidationArgs["asType"],
      getConfig: <T extends object>() => ({ ...reconciled[policyName]!.properties }) as T,
      notApplicable: (reason?: string) => {
        throw new TestNotApplicable(reason);
      },
      ...(resource.provider
        ? { provider: { ...resource.provider, props: unknownCheckingProxy(resource.provider.props) } }
        : {}),
    };
    const report: ReportViolation = (message: string) => void out.violations.push(message);
    try {
      await validate(args, report);
    } catch (e) {
      if (e instanceof TestNotApplicable) out.notApplicable = e.reason ?? "";
      else if (e instanceof UnknownValueError) out.unknown = e;
      else throw e;
    }
  }
  return out;
}

export interface StackResourceInput extends ResourceInput {
  parent?: string;
  dependencies?: string[];
}

/** One stack policy over resources (outputs), with PolicyResource objects linked like the analyzer's. */
export async function invokeStack(
  policies: Policies,
  policyName: string,
  resources: StackResourceInput[],
  config?: PackConfig,
): Promise<Invocation & { urns: (string | undefined)[] }> {
  const policy = byName(policies, policyName) as StackValidationPolicy;
  const reconciled = reconcileConfig(policies, "advisory", undefined, config);
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const props = unknownCheckingProxy(structuredClone(r.props));
    const pr = {
      type: r.type,
      props,
      urn: urnOf(r),
      name: r.name ?? "res",
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
      },
      dependencies: [] as PolicyResource[],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as PolicyResource;
    byUrn.set(pr.urn, pr);
    return { pr, r };
  });
  for (const { pr, r } of built) {
    if (r.parent) pr.parent = byUrn.get(r.parent);
    pr.dependencies = (r.dependencies ?? []).map((d) => byUrn.get(d)!).filter(Boolean);
  }
  const out: Invocation & { urns: (string | undefined)[] } = { violations: [], urns: [] };
  try {
    await policy.validateStack(
      {
        resources: built.map((b) => b.pr),
        stackTags: new Map(),
        getConfig: <T extends object>() => ({ ...reconciled[policyName]!.properties }) as T,
        notApplicable: (reason?: string) => {
          throw new TestNotApplicable(reason);
        },
      },
      (message: string, urn?: string) => {
        out.violations.push(message);
        out.urns.push(urn);
      },
    );
  } catch (e) {
    if (e instanceof TestNotApplicable) out.notApplicable = e.reason ?? "";
    else if (e instanceof UnknownValueError) out.unknown = e;
    else throw e;
  }
  return out;
}

// ───────────────────────────── the SDK's own analyzer ─────────────────────────────

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const sdkServer = require("@pulumi/policy/server") as {
  makeAnalyzeRpcFun(
    name: string,
    version: string,
    level: string,
    policies: Policies,
  ): (call: unknown, cb: (err: unknown, resp?: unknown) => void) => Promise<void>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface SdkDiagnostic {
  policyName: string;
  message: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

/**
 * Run the policies through @pulumi/policy's Analyze RPC implementation with a protobuf request
 * like the engine's. (Its config comes from a `configure` RPC the SDK does not export, so
 * policies see an empty config here, as with an engine that sends none.)
 */
export async function sdkAnalyze(
  policies: Policies,
  resource: ResourceInput,
  packName = "hardened-docker",
  version = "0.0.0",
): Promise<{ diagnostics: SdkDiagnostic[]; notApplicable: string[] }> {
  const req = new analyzerproto.AnalyzeRequest();
  req.setType(resource.type);
  req.setProperties(structproto.Struct.fromJavaScript(resource.props));
  req.setUrn(urnOf(resource));
  req.setName(resource.name ?? "res");
  req.setOptions(new analyzerproto.AnalyzerResourceOptions());
  const analyze = sdkServer.makeAnalyzeRpcFun(packName, version, "advisory", policies);
  const resp = await new Promise<{ getDiagnosticsList(): unknown[]; getNotApplicableList?(): unknown[] }>(
    (resolve, reject) => analyze({ request: req }, (err, r) => (err ? reject(err) : resolve(r as never))),
  );
  const diagnostics = (
    resp.getDiagnosticsList() as { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number }[]
  ).map((d) => ({
    policyName: d.getPolicyname(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()]!,
  }));
  const na = (resp.getNotApplicableList?.() ?? []) as { getPolicyName(): string }[];
  return { diagnostics, notApplicable: na.map((n) => n.getPolicyName()) };
}

export const exemptionLabel = (rule: string, value: unknown) => ({
  label: `hardened-docker.exemption.${rule}`,
  value: typeof value === "string" ? value : JSON.stringify(value),
});
