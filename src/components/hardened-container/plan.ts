/**
 * HardenedContainer's plan: the docker.Container inputs for the arguments, the facts they give
 * (through the adapter the policy pack uses) and the self-check of those facts against the catalog.
 * Pure functions; the component (./component) only creates what the plan says.
 * @internal
 */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  containerFactsFromPulumiInputs,
  PIDS_LIMIT_LABEL,
  type ContainerInputs,
} from "../../adapters/pulumi-container";
import { COMPONENT_LABEL } from "../../adapters/pulumi-tokens";
import { exemptionsToLabels, type Exemption } from "../../exemptions";
import { parseImageRef } from "../../facts/image-ref";
import type { ContainerFacts } from "../../facts/types";
import { CONTAINER_FIELDS } from "../../fields/container";
import { argumentFor } from "../../fields/types";
import { resolveRuleReference } from "../../rules/catalog";
import { DEFAULT_SETTINGS, type RuleContext } from "../../rules/types";
import { checkExemptions, formatArgsIssue, HardenedArgsError, howToExempt } from "../args";
import { HardenedNetwork } from "../hardened-network";
import {
  refusalMessage,
  refusals,
  selfCheckFailures,
  warnUnneededExemptions,
  type SelfCheckFailure,
} from "../self-check";
import { parseSize, SIZE_HINT } from "../sizes";
import { checkConnection, type ResolvedConnection } from "../ssh-connection";
import { argsSchema, type HardenedContainerArgs } from "./args";

/** The container's inputs as computed, with the parts that may be Outputs kept as Inputs. @internal */
export interface HardenedContainerPlan {
  /** The docker.Container args (Inputs where the caller gave Outputs). */
  containerArgs: docker.ContainerArgs;
  /** Plain rendering used for facts (Outputs replaced by stand-ins that cannot weaken anything). */
  plainInputs: ContainerInputs;
  facts: ContainerFacts;
  pidsLimit: number;
  exemptions: Exemption[];
  /** Where the PIDs-limit command runs: on the Docker host over SSH, or locally (undefined). */
  hostConnection?: ResolvedConnection;
}

/** @internal */
export interface PlanOptions {
  /** Clock for exemption expiry. */
  now?: Date;
  /** DOCKER_CONTENT_TRUST=1 in the deploying environment (satisfies 4.5 without a digest). */
  contentTrust?: boolean;
}

/** The argument that sets a fact field, as refusals name it (from the container's field map). */
function argumentOf(field: string, mountOrigins: readonly string[]): string {
  return argumentFor(CONTAINER_FIELDS, field, { mounts: mountOrigins });
}

/** The arguments' shape, checked without stopping at the first bad argument. */
interface LenientArgs {
  /** The arguments that passed (a bad one is left out; a bad exemption too). */
  args: Partial<HardenedContainerArgs>;
  /** The shape errors, as parseArgs words them. */
  problems: string[];
  /** Top-level arguments whose value is in doubt: the self-check does not judge them. */
  doubtful: Set<string>;
  /** exemptions[i] of `args` is this one in the caller's list. */
  exemptionSources: string[];
  /** Rules named by a malformed exemption: not refused (the exemption's error says what to fix). */
  doubtfulRules: Set<string>;
  /** The exemptions could not be read at all: no refusal can be judged. */
  exemptionsUnknown: boolean;
}

function parseLeniently(name: string, rawArgs: HardenedContainerArgs): LenientArgs {
  const parsed = argsSchema.safeParse(rawArgs);
  const sources = (n: number) => Array.from({ length: n }, (_, i) => `exemptions[${i}]`);
  if (parsed.success) {
    const args = parsed.data as HardenedContainerArgs;
    return {
      args,
      problems: [],
      doubtful: new Set(),
      doubtfulRules: new Set(),
      exemptionSources: sources(args.exemptions?.length ?? 0),
      exemptionsUnknown: false,
    };
  }
  const problems = parsed.error.issues.map((i) => formatArgsIssue(i, rawArgs));
  if (rawArgs === null || typeof rawArgs !== "object" || Array.isArray(rawArgs))
    throw new HardenedArgsError(name, problems);
  const raw: Record<string, unknown> = { ...rawArgs };
  const doubtful = new Set<string>();
  const badExemptions = new Set<number>();
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
      for (const k of issue.keys) delete raw[k];
      continue;
    }
    const [key, index] = issue.path;
    if (key === "exemptions" && typeof index === "number" && Array.isArray(raw.exemptions)) badExemptions.add(index);
    else if (typeof key === "string") {
      doubtful.add(key);
      delete raw[key];
    }
  }
  let exemptionsUnknown = doubtful.has("exemptions");
  let exemptionSources: string[] = [];
  if (Array.isArray(raw.exemptions)) {
    const all = raw.exemptions as unknown[];
    exemptionSources = sources(all.length).filter((_, i) => !badExemptions.has(i));
    raw.exemptions = all.filter((_, i) => !badExemptions.has(i));
    // A malformed exemption of an unknown rule could excuse any refusal: none is judged.
    if ([...badExemptions].some((i) => typeof (all[i] as { rule?: unknown } | null)?.rule !== "string"))
      exemptionsUnknown = true;
  }
  const again = argsSchema.partial().safeParse(raw);
  if (!again.success) throw new HardenedArgsError(name, problems);
  const args = again.data as Partial<HardenedContainerArgs>;
  // A malformed exemption of a known rule is left out, and its rule not refused (its error says what to fix).
  const doubtfulRules = new Set(
    [...badExemptions]
      .map((i) => String(((rawArgs.exemptions as unknown[])[i] as { rule: string }).rule))
      .map((r) => resolveRuleReference(r) ?? r),
  );
  return { args, problems, doubtful, doubtfulRules, exemptionSources, exemptionsUnknown };
}

const HOST_NS_RULES = { network: "5.10", pid: "5.16", ipc: "5.17", userns: "5.31" } as const;

/**
 * Compute the docker.Container for these arguments and check it against the catalog.
 * Pure apart from reading Outputs' presence; throws HardenedArgsError on any refusal.
 * @internal
 */
export function planHardenedContainer(
  name: string,
  rawArgs: HardenedContainerArgs,
  options: PlanOptions = {},
): HardenedContainerPlan {
  const now = options.now ?? new Date();
  // Every argument error is reported at once: the shape errors, the malformed exemptions, the
  // values refused here, and the self-check's refusals of everything else. An argument with an
  // error is left out of what the self-check judges (its refusal would repeat or contradict it).
  const {
    args,
    problems,
    doubtful,
    doubtfulRules: malformedRules,
    exemptionSources,
    exemptionsUnknown,
  } = parseLeniently(name, rawArgs);

  // A malformed exemption is an error even if it would not be needed.
  const exemptions = args.exemptions ?? [];
  const checked = checkExemptions(exemptions, now, [], exemptionSources);
  problems.push(...checked.errors);
  const exempt = checked.exempt;
  const doubtfulRules = new Set([...checked.doubtful, ...malformedRules]);
  for (const rule of doubtfulRules) exempt.delete(rule);
  /** A refusal of this rule is due: not exempted, and no malformed exemption for it (its error says what to fix). */
  const refuse = (rule: string) => !exempt.has(rule) && !doubtfulRules.has(rule);

  const MIB = 1024 * 1024;
  const memoryBytes = args.memory === undefined ? undefined : parseSize(args.memory);
  const memoryProblem =
    args.memory === undefined
      ? undefined // a shape error already names it
      : memoryBytes === undefined
        ? `must be ${SIZE_HINT}`
        : memoryBytes % MIB !== 0 || memoryBytes < 6 * MIB
          ? "must be a whole number of MiB, at least 6Mi (Docker's minimum)"
          : undefined;
  if (memoryProblem) problems.push(`memory = ${JSON.stringify(args.memory)}: ${memoryProblem} (CIS 5.11)`);
  if (args.memory === undefined || memoryProblem) doubtful.add("memory");

  const tmpfs: Record<string, string> = {};
  for (const [path, size] of Object.entries(args.tmpfs ?? {})) {
    const bytes = parseSize(size);
    if (bytes === undefined || bytes === 0)
      problems.push(`tmpfs["${path}"] = ${JSON.stringify(size)}: must be ${SIZE_HINT}`);
    else tmpfs[path] = `rw,noexec,nosuid,nodev,size=${bytes}`;
  }

  const hostNs = args.hostNamespaces ?? {};
  const networks = args.networks ?? [];
  const networksBefore = problems.length;
  if (!hostNs.network && networks.length === 0 && !doubtful.has("networks"))
    problems.push(
      "networks: at least one network is required (a HardenedNetwork or a network name); " +
        "containers never go on the default bridge (CIS 5.30)",
    );
  if (hostNs.network && networks.length > 0)
    problems.push("networks: must be empty when hostNamespaces.network is true (the host network replaces them)");
  networks.forEach((n, i) => {
    if ((n === "bridge" || n === "default") && refuse("5.30"))
      problems.push(
        `networks[${i}] = "${n}": the default bridge shares one flat network with every container (CIS 5.30). ` +
          howToExempt("5.30"),
      );
  });
  if (problems.length > networksBefore) doubtful.add("networks");
  // dockerd publishes nothing for a container whose only networks are internal (no gateway):
  // the ports would be declared but never reachable.
  if (
    (args.ports ?? []).length > 0 &&
    networks.length > 0 &&
    networks.every((n) => n instanceof HardenedNetwork && n.internal)
  )
    problems.push(
      "ports: published ports are unreachable when every network is internal; " +
        "attach a HardenedNetwork with egress: true (or drop the ports)",
    );
  (args.devices ?? []).forEach((d, i) => {
    if (refuse("5.18"))
      problems.push(
        `devices[${i}].hostPath = "${d.hostPath}": host devices are not mapped by default (CIS 5.18). ` +
          howToExempt("5.18"),
      );
  });
  let hostConnection: ResolvedConnection | undefined;
  if (args.hostConnection) {
    if (args.dockerHost !== undefined)
      problems.push(
        "dockerHost: not with hostConnection (the command then runs on the Docker host, against its own socket)",
      );
    const checked = checkConnection(args.hostConnection, exempt, "run commands there as root", false);
    problems.push(...checked.problems.map((p) => `hostConnection.${p.replace(/^connection\./, "")}`));
    hostConnection = checked.resolved;
  }

  // ── render the docker.Container inputs ──
  const pidsLimit = args.pidsLimit ?? 256;
  const restart = args.restart ?? { policy: "on-failure" as const, maxRetries: 5 };
  const securityOpts = [
    ...(args.noNewPrivileges === false ? [] : ["no-new-privileges:true"]),
    ...(args.seccompProfile ? [`seccomp=${args.seccompProfile}`] : []),
    ...(args.apparmorProfile ? [`apparmor=${args.apparmorProfile}`] : []),
  ];
  const labels: Record<string, string> = {
    ...(args.labels ?? {}),
    [COMPONENT_LABEL]: "HardenedContainer",
    [PIDS_LIMIT_LABEL]: String(pidsLimit),
    // Only the valid ones: a malformed one is reported as such (it would also fail hd-exemptions here).
    ...exemptionsToLabels(exemptions.filter((e) => exempt.has(e.rule))),
  };
  const mountOrigins: string[] = [];
  const mounts = (args.binds ?? []).map((b, i) => {
    mountOrigins.push(`binds[${i}]`);
    return {
      type: "bind",
      source: b.hostPath,
      target: b.containerPath,
      readOnly: b.readOnly ?? true,
      bindOptions: { propagation: "rprivate" as string },
    };
  });
  (args.volumes ?? []).forEach((_, i) => mountOrigins.push(`volumes[${i}]`));
  Object.keys(tmpfs).forEach((p) => mountOrigins.push(`tmpfs["${p}"]`));

  const networkNames = networks.map((n) => (n instanceof HardenedNetwork ? n.networkName : n));
  const plainNetworkName = (n: pulumi.Input<string>, i: number) => (typeof n === "string" ? n : `network-${i}`);
  const networkMode = hostNs.network ? "host" : plainNetworkName(networkNames[0], 0);

  const common = {
    name: args.name ?? name,
    user: args.user ?? "65534:65534",
    privileged: args.privileged ?? false,
    capabilities: { drops: ["ALL"], adds: [...(args.capAdd ?? [])] },
    securityOpts,
    mounts,
    tmpfs,
    ports: (args.ports ?? []).map((p) => ({
      internal: p.internal,
      external: p.external,
      ip: p.hostIp,
      protocol: p.protocol ?? "tcp",
    })),
    networkMode,
    pidMode: hostNs.pid ? "host" : undefined,
    ipcMode: hostNs.ipc ? "host" : "private",
    usernsMode: hostNs.userns ? "host" : undefined,
    cgroupParent: args.cgroupParent,
    memory: (memoryBytes ?? 0) / MIB,
    cpus: String(args.cpus ?? 1),
    readOnly: args.readOnlyRootfs ?? true,
    restart: restart.policy,
    maxRetryCount: restart.policy === "on-failure" ? (restart.maxRetries ?? 5) : undefined,
    devices: args.devices?.map((d) => ({
      hostPath: d.hostPath,
      containerPath: d.containerPath ?? d.hostPath,
      permissions: d.permissions ?? "rwm",
    })),
    ulimits: args.ulimits,
    healthcheck: args.healthcheck
      ? {
          tests: args.healthcheck.test,
          interval: args.healthcheck.interval ?? "30s",
          timeout: args.healthcheck.timeout ?? "5s",
          startPeriod: args.healthcheck.startPeriod ?? "0s",
          retries: args.healthcheck.retries ?? 3,
        }
      : undefined,
    labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    command: args.command,
    entrypoints: args.entrypoint,
    workingDir: args.workingDir,
  };

  const plainInputs: ContainerInputs = {
    ...stripUndefined(common),
    image: typeof args.image === "string" ? args.image : PLACEHOLDER_IMAGE,
    networksAdvanced: networkNames.map((n, i) => ({ name: plainNetworkName(n, i) })),
    volumes: (args.volumes ?? []).map((v, i) => ({
      volumeName: typeof v.volumeName === "string" ? v.volumeName : `volume-${i}`,
      containerPath: v.containerPath,
      readOnly: v.readOnly ?? false,
    })),
    envs: Object.keys(args.env ?? {}).map((k) => `${k}=`),
  };
  const facts = containerFactsFromPulumiInputs(plainInputs, name);

  // ── the self-check: the catalog decides ──
  const failures = containerFailures(facts, {
    now,
    contentTrust: options.contentTrust,
    checkImage: typeof args.image === "string",
  });
  // Judged only where the exemptions are known, and never for an argument whose error is reported already.
  const refused = exemptionsUnknown
    ? []
    : refusals(failures, { argumentFor: (field) => argumentOf(field, mountOrigins), refuse, doubtful });
  // Host namespaces and privileged mode are named by their argument even when several rules object.
  for (const [ns, rule] of Object.entries(HOST_NS_RULES)) {
    if (
      !exemptionsUnknown &&
      hostNs[ns as keyof typeof HOST_NS_RULES] &&
      refuse(rule) &&
      !failures.some((f) => f.ruleId === rule)
    )
      refused.push(`hostNamespaces.${ns} = true breaks CIS ${rule}. ${howToExempt(rule)}`);
  }
  if (problems.length || refused.length) throw new HardenedArgsError(name, [...problems, ...refused]);
  // 5.18 and 5.30 are refused here, not by the catalog's automated rules: their exemptions are needed all the same.
  warnUnneededExemptions("HardenedContainer", name, exemptions, failures, (rule) => ["5.18", "5.30"].includes(rule));

  const containerArgs: docker.ContainerArgs = {
    ...stripUndefined(common),
    image: args.image!, // present: nothing reaches here with an argument error
    networkMode: hostNs.network ? "host" : networkNames[0],
    networksAdvanced: networkNames.map((n) => ({ name: n })),
    volumes: (args.volumes ?? []).map((v) => ({
      volumeName: v.volumeName,
      containerPath: v.containerPath,
      readOnly: v.readOnly ?? false,
    })),
    envs: envInputs(args.env ?? {}),
  };
  return { containerArgs, plainInputs, facts, pidsLimit, exemptions, ...(hostConnection ? { hostConnection } : {}) };
}

const PLACEHOLDER_IMAGE = "placeholder.invalid/pending@sha256:" + "0".repeat(64);

/** The automated container rules that fail on these facts (4.5 and 5.28 only when the image is known). */
function containerFailures(
  facts: ContainerFacts,
  opts: { now: Date; contentTrust?: boolean; checkImage?: boolean },
): SelfCheckFailure[] {
  const ctx: RuleContext = {
    settings: DEFAULT_SETTINGS,
    now: opts.now,
    ...(opts.contentTrust ? { contentTrust: true } : {}),
  };
  // An image given as an Output is checked when it resolves (checkResolvedImage).
  const skip = opts.checkImage ? undefined : (ruleId: string) => IMAGE_RULES.includes(ruleId);
  return selfCheckFailures({ facts, ctx, rules: "automated", ...(skip ? { skip } : {}) });
}

const IMAGE_RULES = ["4.5", "5.28"];

/**
 * The 4.5/5.28 check on an image reference resolved at deploy time; returns the refusal, if any.
 * @internal
 */
export function checkResolvedImage(
  name: string,
  plan: HardenedContainerPlan,
  ref: string,
  opts: { now: Date; contentTrust?: boolean },
): string | undefined {
  const facts = { ...plan.facts, image: parseImageRef(ref) };
  const late = containerFailures(facts, { ...opts, checkImage: true }).filter(
    (f) => IMAGE_RULES.includes(f.ruleId) && !plan.exemptions.some((e) => e.rule === f.ruleId),
  );
  return late.length
    ? `HardenedContainer "${name}": ${refusalMessage(argumentOf(late[0]!.field, []), late[0]!)}`
    : undefined;
}

function envInputs(env: Record<string, pulumi.Input<string>>): pulumi.Input<pulumi.Input<string>[]> {
  return Object.entries(env).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
