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
import { cpusToNano, normaliseCapabilities, parseDurationSeconds, parseSecurityOptions } from "../facts/normalise";
import { parseImageRef } from "../facts/image-ref";
import type { ContainerFacts, HealthcheckFacts, MountFacts, PortBinding } from "../facts/types";
import { AdapterError, describeZodIssue, issuePath } from "./errors";

/** Label by which HardenedContainer declares the PIDs limit its companion command applies. */
export const PIDS_LIMIT_LABEL = "hardened-docker.pids-limit";

const MIB = 1024 * 1024;
const str = z.string();
const num = z.number();
const opt = <T extends z.ZodType>(t: T) => t.nullish();

// Pieces of the provider's input shapes that docker.Service's container spec shares (./pulumi-resources).
export const mountInput = z.looseObject({
  target: str,
  source: opt(str),
  type: str,
  readOnly: opt(z.boolean()),
  bindOptions: opt(z.looseObject({ propagation: opt(str) })),
});
export const healthcheckInput = z.looseObject({ tests: opt(z.array(str)), interval: opt(str), timeout: opt(str), startPeriod: opt(str), retries: opt(num) });
export const labelListInput = opt(z.array(z.looseObject({ label: str, value: str })));

/** Parse props against a schema; the first problem becomes an AdapterError naming `source` and the field. */
export function parseInputs<T extends z.ZodType>(schema: T, props: unknown, source: string): z.infer<T> {
  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AdapterError(source, describeZodIssue(issue, props), issuePath(issue.path));
  }
  return parsed.data;
}

export const labelsFromInput = (list: z.infer<typeof labelListInput>): Record<string, string> =>
  Object.fromEntries((list ?? []).map((l) => [l.label, l.value]));

/** A provider mount → MountFacts; a type outside `knownTypes` is judged as a bind (the strictest reading). */
export function mountFactsFromInput(m: z.infer<typeof mountInput>, knownTypes: readonly string[]): MountFacts {
  return {
    type: (knownTypes.includes(m.type) ? m.type : "bind") as MountFacts["type"],
    source: m.source ?? "",
    target: m.target,
    readOnly: m.readOnly ?? false,
    ...(m.bindOptions?.propagation ? { propagation: m.bindOptions.propagation as MountFacts["propagation"] } : {}),
  };
}

/** A provider healthcheck (Go duration strings) → HealthcheckFacts; undefined when it has no test. */
export function healthcheckFactsFromInput(hc: z.infer<typeof healthcheckInput> | null | undefined): HealthcheckFacts | undefined {
  if (!hc?.tests || hc.tests.length === 0) return undefined;
  return {
    test: hc.tests,
    ...optionalNumber("intervalSeconds", parseDurationSeconds(hc.interval)),
    ...optionalNumber("timeoutSeconds", parseDurationSeconds(hc.timeout)),
    ...optionalNumber("startPeriodSeconds", parseDurationSeconds(hc.startPeriod)),
    ...optionalNumber("retries", hc.retries ?? undefined),
  };
}

/** The PIDs limit HardenedContainer declares in PIDS_LIMIT_LABEL, when it is a whole number. */
export function pidsLimitFromLabels(labels: Readonly<Record<string, string>>): number | undefined {
  const text = labels[PIDS_LIMIT_LABEL];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

const containerInputs = z.looseObject({
  image: str,
  name: opt(str),
  user: opt(str),
  privileged: opt(z.boolean()),
  capabilities: opt(z.looseObject({ adds: opt(z.array(str)), drops: opt(z.array(str)) })),
  securityOpts: opt(z.array(str)),
  mounts: opt(z.array(mountInput)),
  volumes: opt(
    z.array(
      z.looseObject({
        containerPath: opt(str),
        hostPath: opt(str),
        volumeName: opt(str),
        readOnly: opt(z.boolean()),
      }),
    ),
  ),
  tmpfs: opt(z.record(str, str)),
  ports: opt(z.array(z.looseObject({ internal: num, external: opt(num), ip: opt(str), protocol: opt(str) }))),
  networkMode: opt(str),
  networksAdvanced: opt(z.array(z.looseObject({ name: str }))),
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
  devices: opt(z.array(z.looseObject({ hostPath: str, containerPath: opt(str), permissions: opt(str) }))),
  ulimits: opt(z.array(z.looseObject({ name: str, soft: num, hard: num }))),
  healthcheck: opt(healthcheckInput),
  labels: labelListInput,
  envs: opt(z.array(str)),
});

export type ContainerInputs = z.infer<typeof containerInputs>;

const RESTART_POLICIES = ["no", "always", "unless-stopped", "on-failure"] as const;
type RestartName = (typeof RESTART_POLICIES)[number];

/**
 * @param props the container's inputs (plain values)
 * @param logicalName the Pulumi resource name (or URN) — used as id when no container name is set and in errors
 */
export function containerFactsFromPulumiInputs(props: unknown, logicalName: string): ContainerFacts {
  const source = `docker.Container "${logicalName}"`;
  const p = parseInputs(containerInputs, props, source);
  const labels = labelsFromInput(p.labels);

  const mounts: MountFacts[] = [
    ...(p.mounts ?? []).map((m) => mountFactsFromInput(m, ["bind", "volume", "tmpfs", "npipe"])),
    ...(p.volumes ?? []).map((v): MountFacts => ({
      type: v.hostPath ? "bind" : "volume",
      source: v.hostPath ?? v.volumeName ?? "",
      target: v.containerPath ?? "",
      readOnly: v.readOnly ?? false,
    })),
    ...Object.entries(p.tmpfs ?? {}).map(([target]): MountFacts => ({ type: "tmpfs", source: "", target, readOnly: false })),
  ];

  const ports: PortBinding[] = (p.ports ?? []).map((port) => ({
    containerPort: port.internal,
    protocol: (port.protocol ?? "tcp") as PortBinding["protocol"],
    hostIp: port.ip ?? "0.0.0.0", // the provider's default: every interface
    hostPort: port.external ?? 0,
  }));

  const networkMode = p.networkMode ? p.networkMode : "bridge";
  const networks = [...new Set([...(isNamedNetwork(networkMode) ? [networkMode] : []), ...(p.networksAdvanced ?? []).map((n) => n.name)])];
  if (networkMode === "bridge" || networkMode === "default") networks.unshift("bridge");

  const restartName = (RESTART_POLICIES as readonly string[]).includes(p.restart ?? "no") ? ((p.restart ?? "no") as RestartName) : undefined;
  if (!restartName) throw new AdapterError(source, `restart: "${p.restart}" is not one of ${RESTART_POLICIES.join(", ")}`);

  const pidsLimit = pidsLimitFromLabels(labels);
  const healthcheck = healthcheckFactsFromInput(p.healthcheck);
  return {
    kind: "container",
    origin: "declared",
    id: logicalName,
    name: p.name ?? logicalName,
    state: "declared",
    image: parseImageRef(p.image),
    ...(p.user ? { user: p.user } : {}),
    privileged: p.privileged ?? false,
    capAdd: normaliseCapabilities(p.capabilities?.adds),
    capDrop: normaliseCapabilities(p.capabilities?.drops),
    securityOptions: parseSecurityOptions(p.securityOpts),
    mounts,
    ports,
    networkMode,
    networks,
    pidMode: p.pidMode ?? "",
    ipcMode: p.ipcMode ?? "",
    utsMode: "", // the provider cannot set UTS mode
    usernsMode: p.usernsMode ?? "",
    cgroupParent: p.cgroupParent ?? "",
    memoryBytes: (p.memory ?? 0) * MIB,
    cpuShares: p.cpuShares ?? 0,
    nanoCpus: cpusToNano(p.cpus) ?? 0,
    cpuQuota: p.cpuQuota ?? 0,
    cpuPeriod: p.cpuPeriod ?? 0,
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    readOnlyRootfs: p.readOnly ?? false,
    restartPolicy: { name: restartName, maximumRetryCount: p.maxRetryCount ?? 0 },
    devices: (p.devices ?? []).map((d) => ({ pathOnHost: d.hostPath, pathInContainer: d.containerPath ?? d.hostPath, permissions: d.permissions ?? "rwm" })),
    ulimits: (p.ulimits ?? []).map((u) => ({ name: u.name, soft: u.soft, hard: u.hard })),
    ...(healthcheck ? { healthcheck } : {}),
    labels,
    // Names only: values may be secrets and facts end up in reports.
    envNames: (p.envs ?? []).map((e) => e.split("=", 1)[0]),
  };
}

function isNamedNetwork(mode: string): boolean {
  return !["bridge", "default", "host", "none", ""].includes(mode) && !mode.startsWith("container:");
}

function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
