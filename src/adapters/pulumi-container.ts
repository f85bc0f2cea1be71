/**
 * Adapter: the inputs of a `@pulumi/docker` 5.2.0 `docker.Container` (resolved to plain values,
 * as the component computes them or as the policy engine hands them over) → ContainerFacts.
 *
 * Units of the provider: `memory` in MB (MiB, the provider multiplies by 1024²), `cpus` a decimal
 * string, healthcheck durations Go duration strings, `ports[].ip` defaulting to 0.0.0.0,
 * `networkMode` unset = the default bridge. The provider has no PIDs-limit field: HardenedContainer
 * applies the limit with a companion command and declares it in the PIDS_LIMIT_LABEL label,
 * which this adapter reads (the policy pack checks the companion exists).
 */
import { z } from "zod";
import {
  cpusToNano,
  normaliseCapabilities,
  parseDurationSeconds,
  parseGoInt,
  parseSecurityOptions,
} from "../facts/normalise";
import { parseImageRef } from "../facts/image-ref";
import type { ContainerFacts, HealthcheckFacts, MountFacts, PortBinding } from "../facts/types";
import { CONTAINER_FIELDS, copier } from "../fields";
import { AdapterError, describeZodIssue, issuePath } from "./errors";

/** Label by which HardenedContainer declares the PIDs limit its companion command applies. */
export const PIDS_LIMIT_LABEL = "hardened-docker.pids-limit";

const MIB = 1024 * 1024;
const str = z.string();
const num = z.number();
const opt = <T extends z.ZodType>(t: T) => t.nullish();

// Pieces of the provider's input shapes that docker.Service's container spec shares (./pulumi-resources).
// Plain z.object: the adapters read only the declared keys, so other inputs are dropped from the
// parsed value rather than copied into it (the parse runs for every resource the pack judges).
export const mountInput = z.object({
  target: str,
  source: opt(str),
  type: str,
  readOnly: opt(z.boolean()),
  bindOptions: opt(z.object({ propagation: opt(str) })),
});
export const healthcheckInput = z.object({
  tests: opt(z.array(str)),
  interval: opt(str),
  timeout: opt(str),
  startPeriod: opt(str),
  retries: opt(num),
});
export const labelListInput = opt(z.array(z.object({ label: str, value: str })));

/** Parse props against a schema; the first problem becomes an AdapterError naming `source` and the field. */
export function parseInputs<T extends z.ZodType>(schema: T, props: unknown, source: string): z.infer<T> {
  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AdapterError(source, describeZodIssue(issue, props), issuePath(issue.path));
  }
  return parsed.data;
}

export function labelsFromInput(list: z.infer<typeof labelListInput>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const { label, value } of list ?? []) {
    // Defined, not assigned, like Object.fromEntries would: a label named __proto__ is a label like any other.
    if (label === "__proto__")
      Object.defineProperty(labels, label, { value, enumerable: true, writable: true, configurable: true });
    else labels[label] = value;
  }
  return labels;
}

// Facts below are built field by field, in their usual key order, rather than with conditional
// spreads (`...(x ? { x } : {})`), which cost several times more on this per-resource path.

/** A provider mount → MountFacts; a type outside `knownTypes` is judged as a bind (the strictest reading). */
export function mountFactsFromInput(m: z.infer<typeof mountInput>, knownTypes: readonly string[]): MountFacts {
  const mount: MountFacts = {
    type: (knownTypes.includes(m.type) ? m.type : "bind") as MountFacts["type"],
    source: m.source ?? "",
    target: m.target,
    readOnly: m.readOnly ?? false,
  };
  if (m.bindOptions?.propagation) mount.propagation = m.bindOptions.propagation as MountFacts["propagation"];
  return mount;
}

/** A provider healthcheck (Go duration strings) → HealthcheckFacts; undefined when it has no test. */
export function healthcheckFactsFromInput(
  hc: z.infer<typeof healthcheckInput> | null | undefined,
): HealthcheckFacts | undefined {
  if (!hc?.tests || hc.tests.length === 0) return undefined;
  const facts: HealthcheckFacts = { test: hc.tests };
  const interval = parseDurationSeconds(hc.interval);
  if (interval !== undefined) facts.intervalSeconds = interval;
  const timeout = parseDurationSeconds(hc.timeout);
  if (timeout !== undefined) facts.timeoutSeconds = timeout;
  const startPeriod = parseDurationSeconds(hc.startPeriod);
  if (startPeriod !== undefined) facts.startPeriodSeconds = startPeriod;
  if (hc.retries !== undefined && hc.retries !== null) facts.retries = hc.retries;
  return facts;
}

/**
 * The PIDs limit declared in PIDS_LIMIT_LABEL: the value its companion command
 * `docker update --pids-limit=<label>` applies, read as the docker CLI reads it (Go's ParseInt with
 * base 0: `010` is 8, `0x40` is 64, `08` is refused, so no limit is applied). Undefined when the CLI
 * would refuse the text.
 */
export function pidsLimitFromLabels(labels: Readonly<Record<string, string>>): number | undefined {
  const text = labels[PIDS_LIMIT_LABEL];
  return text === undefined ? undefined : parseGoInt(text);
}

const containerInputs = z.object({
  image: str,
  name: opt(str),
  user: opt(str),
  privileged: opt(z.boolean()),
  capabilities: opt(z.object({ adds: opt(z.array(str)), drops: opt(z.array(str)) })),
  securityOpts: opt(z.array(str)),
  mounts: opt(z.array(mountInput)),
  volumes: opt(
    z.array(
      z.object({
        containerPath: opt(str),
        hostPath: opt(str),
        volumeName: opt(str),
        readOnly: opt(z.boolean()),
      }),
    ),
  ),
  tmpfs: opt(z.record(str, str)),
  ports: opt(z.array(z.object({ internal: num, external: opt(num), ip: opt(str), protocol: opt(str) }))),
  publishAllPorts: opt(z.boolean()),
  networkMode: opt(str),
  networksAdvanced: opt(z.array(z.object({ name: str }))),
  pidMode: opt(str),
  ipcMode: opt(str),
  usernsMode: opt(str),
  cgroupParent: opt(str),
  memory: opt(num),
  cpuShares: opt(num),
  cpus: opt(z.union([str, num])),
  cpuQuota: opt(num),
  cpuPeriod: opt(num),
  readOnly: opt(z.boolean()),
  restart: opt(str),
  maxRetryCount: opt(num),
  devices: opt(z.array(z.object({ hostPath: str, containerPath: opt(str), permissions: opt(str) }))),
  ulimits: opt(z.array(z.object({ name: str, soft: num, hard: num }))),
  healthcheck: opt(healthcheckInput),
  labels: labelListInput,
  envs: opt(z.array(str)),
});

export type ContainerInputs = z.infer<typeof containerInputs>;

/**
 * Compiled ahead of time (valid inputs take generated code; invalid ones fall back to zod's parser,
 * so errors read the same).
 */
const compiledContainerInputs = z.compile(containerInputs);

const RESTART_POLICIES = ["no", "always", "unless-stopped", "on-failure"] as const;
type RestartName = (typeof RESTART_POLICIES)[number];

/** The container facts its inputs hold as they are (the field map says which input). */
const fromInputs = copier<ContainerFacts>()(CONTAINER_FIELDS, "inputs");

/**
 * @param props the container's inputs (plain values)
 * @param logicalName the Pulumi resource name (or URN) — used as id when no container name is set and in errors
 */
export function containerFactsFromPulumiInputs(props: unknown, logicalName: string): ContainerFacts {
  const source = `docker.Container "${logicalName}"`;
  const p = parseInputs(compiledContainerInputs, props, source);
  const labels = labelsFromInput(p.labels);

  const mounts: MountFacts[] = [];
  for (const m of p.mounts ?? []) mounts.push(mountFactsFromInput(m, ["bind", "volume", "tmpfs", "npipe"]));
  for (const v of p.volumes ?? [])
    mounts.push({
      type: v.hostPath ? "bind" : "volume",
      source: v.hostPath ?? v.volumeName ?? "",
      target: v.containerPath ?? "",
      readOnly: v.readOnly ?? false,
    });
  for (const target of Object.keys(p.tmpfs ?? {})) mounts.push({ type: "tmpfs", source: "", target, readOnly: false });

  const ports: PortBinding[] = (p.ports ?? []).map((port) => ({
    containerPort: port.internal,
    protocol: (port.protocol ?? "tcp") as PortBinding["protocol"],
    hostIp: port.ip ?? "0.0.0.0", // the provider's default: every interface
    hostPort: port.external ?? 0,
  }));

  const networkMode = p.networkMode ? p.networkMode : "bridge";
  // The named mode's network, then the advanced ones, each once, in order.
  const networks: string[] = isNamedNetwork(networkMode) ? [networkMode] : [];
  for (const n of p.networksAdvanced ?? []) if (!networks.includes(n.name)) networks.push(n.name);
  if (networkMode === "bridge" || networkMode === "default") networks.unshift("bridge");

  const restartName = (RESTART_POLICIES as readonly string[]).includes(p.restart ?? "no")
    ? ((p.restart ?? "no") as RestartName)
    : undefined;
  if (!restartName)
    throw new AdapterError(source, `restart: "${p.restart}" is not one of ${RESTART_POLICIES.join(", ")}`);

  const pidsLimit = pidsLimitFromLabels(labels);
  const healthcheck = healthcheckFactsFromInput(p.healthcheck);
  const facts = {
    kind: "container",
    origin: "declared",
    id: logicalName,
    name: p.name ?? logicalName,
    state: "declared",
    image: parseImageRef(p.image),
  } as ContainerFacts;
  if (p.user) facts.user = p.user;
  facts.privileged = fromInputs(p, "privileged");
  facts.capAdd = normaliseCapabilities(p.capabilities?.adds);
  facts.capDrop = normaliseCapabilities(p.capabilities?.drops);
  facts.securityOptions = parseSecurityOptions(p.securityOpts);
  facts.mounts = mounts;
  facts.ports = ports;
  if (p.publishAllPorts) facts.publishAllPorts = true;
  facts.networkMode = networkMode;
  facts.networks = networks;
  facts.pidMode = fromInputs(p, "pidMode");
  facts.ipcMode = fromInputs(p, "ipcMode");
  facts.utsMode = ""; // the provider cannot set UTS mode
  facts.usernsMode = fromInputs(p, "usernsMode");
  facts.cgroupParent = fromInputs(p, "cgroupParent");
  facts.memoryBytes = (p.memory ?? 0) * MIB;
  facts.cpuShares = fromInputs(p, "cpuShares");
  facts.nanoCpus = cpusToNano(p.cpus) ?? 0;
  facts.cpuQuota = fromInputs(p, "cpuQuota");
  facts.cpuPeriod = fromInputs(p, "cpuPeriod");
  if (pidsLimit !== undefined) facts.pidsLimit = pidsLimit;
  facts.readOnlyRootfs = fromInputs(p, "readOnlyRootfs");
  facts.restartPolicy = { name: restartName, maximumRetryCount: p.maxRetryCount ?? 0 };
  facts.devices = (p.devices ?? []).map((d) => ({
    pathOnHost: d.hostPath,
    pathInContainer: d.containerPath ?? d.hostPath,
    permissions: d.permissions ?? "rwm",
  }));
  facts.ulimits = (p.ulimits ?? []).map((u) => ({ name: u.name, soft: u.soft, hard: u.hard }));
  if (healthcheck) facts.healthcheck = healthcheck;
  facts.labels = labels;
  // Names only: values may be secrets and facts end up in reports.
  facts.envNames = (p.envs ?? []).map(envName);
  return facts;
}

const envName = (entry: string): string => {
  const eq = entry.indexOf("=");
  return eq < 0 ? entry : entry.slice(0, eq);
};

function isNamedNetwork(mode: string): boolean {
  return !["bridge", "default", "host", "none", ""].includes(mode) && !mode.startsWith("container:");
}
