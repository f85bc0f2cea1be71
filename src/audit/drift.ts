/**
 * Drift: what a Pulumi stack declared (a `pulumi stack export`) against what the engines run.
 *
 * - Declared objects: every `docker.Container` (facts from its `inputs` — falling back to
 *   `outputs` when a resource has no inputs — through the same adapter the policy pack uses),
 *   every `docker.Network`, and every `SecureDaemon` (its `config` output: the daemon.json it
 *   applies, through the daemon.json adapter).
 * - Matching: containers and networks by name on each audited engine; a daemon by the host of
 *   its provider (`ssh://…`/`tcp://…`), or — when one daemon is declared and one host audited —
 *   by being the only pair.
 * - Per matched object: the fields whose live value differs from the declared one ("drifted"),
 *   compared on normalised facts with the engine's own additions tolerated (anonymous volumes,
 *   the IPv6 twin of a wildcard port binding, labels and environment the image adds, a port the
 *   engine picked when the declaration left it to the engine). Rules failing on the live object
 *   are split: those whose fields drifted (`driftViolations`) and the rest (`nonCompliant`:
 *   never met, whatever the declaration said).
 * - Live containers that no stack declares are "unmanaged".
 *
 * Secrets in the export: a secret exported with `--show-secrets` (`plaintext`) is used; one
 * that is still encrypted (`ciphertext`) is unknown, and the fields it feeds are not compared.
 */
import { z } from "zod";
import { daemonFactsFromConfig } from "../adapters/daemon-config";
import { containerFactsFromPulumiInputs } from "../adapters/pulumi-container";
import { networkFactsFromPulumiInputs } from "../adapters/pulumi-resources";
import { CONTAINER_INPUT_FIELDS, NETWORK_INPUT_FIELDS } from "../fields";
import {
  DOCKER_CONTAINER,
  DOCKER_NETWORK,
  DOCKER_PROVIDER,
  SECRET_SIG,
  SECURE_DAEMON_TYPE,
  SIG_KEY,
} from "../adapters/pulumi-tokens";
import type { ContainerFacts, DaemonFacts, Facts, MountFacts, NetworkFacts, PortBinding } from "../facts/types";
import { CATALOG } from "../rules/catalog";
import { evaluate } from "../rules/evaluate";
import type { AnyRule, RuleContext } from "../rules/types";

/** A stack export that cannot be used: a usage error (exit code 2). */
export class StackExportError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = "StackExportError";
  }
}

// ───────────────────────────── reading a stack export ─────────────────────────────

const resourceSchema = z.looseObject({
  urn: z.string().min(1),
  type: z.string().min(1),
  id: z.string().nullish(),
  parent: z.string().nullish(),
  inputs: z.record(z.string(), z.unknown()).nullish(),
  outputs: z.record(z.string(), z.unknown()).nullish(),
});

const exportSchema = z.looseObject({
  version: z.number().int(),
  deployment: z.looseObject({ resources: z.array(resourceSchema).nullish() }),
});

type StackResource = z.infer<typeof resourceSchema>;

export interface DeclaredContainer {
  urn: string;
  name: string;
  facts: ContainerFacts;
  /** Fact fields fed by inputs that are unknown here (encrypted secrets): never compared. */
  unknownFields: string[];
}

export interface DeclaredNetwork {
  urn: string;
  name: string;
  facts: NetworkFacts;
  unknownFields: string[];
}

export interface DeclaredDaemon {
  urn: string;
  name: string;
  facts: DaemonFacts;
  /** Host name of the provider or connection the component uses, when the export shows it. */
  host?: string;
}

export interface DeclaredState {
  /** The file (or label) the export came from. */
  source: string;
  containers: DeclaredContainer[];
  networks: DeclaredNetwork[];
  daemons: DeclaredDaemon[];
  notes: string[];
}

const UNKNOWN = Symbol("unknown secret");

/** Replace secret envelopes by their plaintext, or by UNKNOWN when only ciphertext is there. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) {
    if (typeof o.plaintext !== "string") return UNKNOWN;
    try {
      return unwrapSecrets(JSON.parse(o.plaintext));
    } catch {
      return o.plaintext;
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

const containsUnknown = (v: unknown): boolean =>
  v === UNKNOWN ||
  (Array.isArray(v)
    ? v.some(containsUnknown)
    : v !== null && typeof v === "object"
      ? Object.values(v).some(containsUnknown)
      : false);

/** Top-level properties holding an unknown secret are removed; returns them. */
function splitUnknown(props: Record<string, unknown>): { known: Record<string, unknown>; unknownKeys: string[] } {
  const known: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    if (containsUnknown(v)) unknownKeys.push(k);
    else known[k] = v;
  }
  return { known, unknownKeys };
}

/** The resource's own name: the last `::` segment of its URN. */
export const urnName = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

const propsOf = (r: StackResource): Record<string, unknown> => {
  const inputs = unwrapSecrets(r.inputs ?? {}) as Record<string, unknown>;
  return Object.keys(inputs).length > 0 ? inputs : (unwrapSecrets(r.outputs ?? {}) as Record<string, unknown>);
};

/** Host name in a provider host or connection (`ssh://user@h:22`, `tcp://h:2376`, or a bare host). */
function hostNameOf(address: unknown): string | undefined {
  if (typeof address !== "string" || address === "") return undefined;
  try {
    return (
      new URL(/:\/\//.test(address) ? address : `ssh://${address}`).hostname.replace(/^\[(.*)\]$/, "$1") || undefined
    );
  } catch {
    return undefined;
  }
}

/** `pulumi stack export` JSON (text or parsed) → the declared containers, networks and daemons. */
export function parseStackExport(json: unknown, source: string): DeclaredState {
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new StackExportError(
        source,
        `not JSON (expected the output of \`pulumi stack export\`): ${(err as Error).message}`,
      );
    }
  }
  const parsed = exportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StackExportError(
      source,
      `not a \`pulumi stack export\` document: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const resources = parsed.data.deployment.resources ?? [];
  const out: DeclaredState = { source, containers: [], networks: [], daemons: [], notes: [] };
  const children = (urn: string) => resources.filter((r) => r.parent === urn);

  for (const r of resources) {
    const logical = urnName(r.urn);
    try {
      if (r.type === DOCKER_CONTAINER) {
        const { known, unknownKeys } = splitUnknown(propsOf(r));
        const outputs = unwrapSecrets(r.outputs ?? {}) as Record<string, unknown>;
        if (known.name === undefined && typeof outputs.name === "string") known.name = outputs.name;
        const facts = containerFactsFromPulumiInputs(known, logical);
        out.containers.push({
          urn: r.urn,
          name: facts.name,
          facts,
          unknownFields: unknownKeys.flatMap((k) => [...(CONTAINER_INPUT_FIELDS[k] ?? [])]),
        });
      } else if (r.type === DOCKER_NETWORK) {
        const { known, unknownKeys } = splitUnknown(propsOf(r));
        const facts = networkFactsFromPulumiInputs(known, logical);
        out.networks.push({
          urn: r.urn,
          name: facts.name,
          facts,
          unknownFields: unknownKeys.flatMap((k) => [...(NETWORK_INPUT_FIELDS[k] ?? [])]),
        });
      } else if (r.type === SECURE_DAEMON_TYPE) {
        const outputs = unwrapSecrets(r.outputs ?? {}) as Record<string, unknown>;
        const config = outputs.config;
        if (config === undefined || containsUnknown(config) || config === null || typeof config !== "object") {
          const what = config === undefined ? "absent" : "an encrypted secret (export with --show-secrets)";
          out.notes.push(`SecureDaemon "${logical}": its config output is ${what}; not compared`);
          continue;
        }
        const facts = daemonFactsFromConfig({
          configText: JSON.stringify(config),
          configFile: `${logical} (declared config)`,
        });
        // The host: the provider it hands out, else a command's connection.
        const kids = children(r.urn);
        const provider = kids.find((k) => k.type === DOCKER_PROVIDER);
        const connection = kids
          .map((k) => (unwrapSecrets(k.inputs ?? {}) as { connection?: { host?: unknown } }).connection?.host)
          .find((h) => typeof h === "string");
        const host =
          hostNameOf((unwrapSecrets(provider?.inputs ?? {}) as { host?: unknown }).host) ?? hostNameOf(connection);
        out.daemons.push({ urn: r.urn, name: logical, facts, ...(host ? { host } : {}) });
      }
    } catch (err) {
      throw new StackExportError(source, (err as Error).message);
    }
  }
  return out;
}

// ───────────────────────────── comparing ─────────────────────────────

export interface FieldDrift {
  /** Fact field, e.g. `memoryBytes`, `labels["team"]`, `ports`. */
  field: string;
  declared: unknown;
  live: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/** Field-by-field comparer: `check(field, declared, live)` records a drift when they differ. */
class Diff {
  readonly drifts: FieldDrift[] = [];
  constructor(private readonly skip: ReadonlySet<string>) {}
  check(field: string, declared: unknown, live: unknown): void {
    if (this.skip.has(field.split(/[.[]/)[0]!)) return;
    if (!same(declared, live)) this.drifts.push({ field, declared, live });
  }
  /** `check` each field that has the same name and meaning on both sides, in the order given. */
  fields<T extends object>(names: readonly (keyof T & string)[], declared: T, live: T): void {
    for (const name of names) this.check(name, declared[name], live[name]);
  }
  /** Entries of a declared map must be present live with the same value (the engine and image add their own). */
  subset(field: string, declared: Readonly<Record<string, string>>, live: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(declared)) this.check(`${field}[${JSON.stringify(k)}]`, v, live[k] ?? null);
  }
}

/** Wildcard host addresses (every interface) are one thing to compare: the engine adds `::` beside `0.0.0.0`. */
const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"]);

function portKeys(ports: readonly PortBinding[], ephemeral: ReadonlySet<string>): string[] {
  return sorted(
    ports.map((p) => {
      const ip = WILDCARDS.has(p.hostIp) ? "*" : p.hostIp.replace(/^\[(.*)\]$/, "$1");
      const slot = `${ip}->${p.containerPort}/${p.protocol}`;
      return `${ephemeral.has(slot) ? "(any)" : p.hostPort}@${slot}`;
    }),
  );
}

/** Anonymous volumes (an image's VOLUME) are named by a 64-hex id: the engine adds them. */
const isAnonymousVolume = (m: MountFacts): boolean => m.type === "volume" && /^[0-9a-f]{64}$/.test(m.source);

const mountKey = (m: MountFacts): string =>
  `${m.type}:${m.source}:${m.target}:${m.readOnly ? "ro" : "rw"}` +
  (m.type === "bind" ? `:${m.propagation ?? "rprivate"}` : "");

const secondsOrUndefined = (n: number | undefined) => (n ? n : undefined);

/** The fields of a live container that differ from its declaration. */
export function diffContainer(
  declared: ContainerFacts,
  live: ContainerFacts,
  unknownFields: readonly string[] = [],
): FieldDrift[] {
  const d = new Diff(new Set(unknownFields));
  // A reference and an image id cannot be compared without resolving the reference.
  if (declared.image.isImageId === live.image.isImageId && !declared.image.raw.startsWith("placeholder.invalid/"))
    d.check("image", declared.image.raw, live.image.raw);
  if (declared.user !== undefined) d.check("user", declared.user, live.user ?? "");
  d.check("privileged", declared.privileged, live.privileged);
  d.check("capAdd", sorted(declared.capAdd), sorted(live.capAdd));
  d.check("capDrop", sorted(declared.capDrop), sorted(live.capDrop));
  const so = (c: ContainerFacts) => c.securityOptions;
  d.check("securityOptions.noNewPrivileges", so(declared).noNewPrivileges, so(live).noNewPrivileges);
  d.check("securityOptions.seccompProfile", so(declared).seccompProfile ?? null, so(live).seccompProfile ?? null);
  d.check("securityOptions.apparmorProfile", so(declared).apparmorProfile ?? null, so(live).apparmorProfile ?? null);
  d.check("securityOptions.selinuxLabels", sorted(so(declared).selinuxLabels), sorted(so(live).selinuxLabels));
  d.check("securityOptions.selinuxLabelDisabled", so(declared).selinuxLabelDisabled, so(live).selinuxLabelDisabled);
  d.check(
    "mounts",
    sorted(declared.mounts.map(mountKey)),
    sorted(
      live.mounts
        .filter((m) => !isAnonymousVolume(m) || declared.mounts.some((x) => x.source === m.source))
        .map(mountKey),
    ),
  );
  // A declared host port 0 leaves the choice to the engine: any live port in that slot matches.
  const ephemeral = new Set(
    portKeys(
      declared.ports.filter((p) => p.hostPort === 0),
      new Set(),
    ).map((k) => k.slice(k.indexOf("@") + 1)),
  );
  d.check("ports", portKeys(declared.ports, ephemeral), portKeys(live.ports, ephemeral));
  const mode = (m: string) => (m === "default" ? "bridge" : m);
  d.check("networkMode", mode(declared.networkMode), mode(live.networkMode));
  d.check("networks", sorted(declared.networks), sorted(live.networks));
  d.check("pidMode", declared.pidMode, live.pidMode);
  // An undeclared IPC mode is the engine's default (private or shareable, per daemon setting).
  if (declared.ipcMode !== "") d.check("ipcMode", declared.ipcMode, live.ipcMode);
  d.fields(
    ["utsMode", "usernsMode", "cgroupParent", "memoryBytes", "cpuShares", "nanoCpus", "cpuQuota", "cpuPeriod"],
    declared,
    live,
  );
  if (declared.pidsLimit !== undefined) d.check("pidsLimit", declared.pidsLimit, live.pidsLimit ?? null);
  d.fields(["readOnlyRootfs", "restartPolicy"], declared, live);
  d.check(
    "devices",
    sorted(declared.devices.map((x) => `${x.pathOnHost}:${x.pathInContainer}:${x.permissions}`)),
    sorted(live.devices.map((x) => `${x.pathOnHost}:${x.pathInContainer}:${x.permissions}`)),
  );
  d.check(
    "ulimits",
    sorted(declared.ulimits.map((u) => `${u.name}=${u.soft}:${u.hard}`)),
    sorted(live.ulimits.map((u) => `${u.name}=${u.soft}:${u.hard}`)),
  );
  if (declared.healthcheck) {
    const hc = (h: ContainerFacts["healthcheck"]) =>
      h
        ? {
            test: h.test,
            interval: secondsOrUndefined(h.intervalSeconds),
            timeout: secondsOrUndefined(h.timeoutSeconds),
            startPeriod: secondsOrUndefined(h.startPeriodSeconds),
            retries: h.retries ?? undefined,
          }
        : null;
    d.check("healthcheck", hc(declared.healthcheck), hc(live.healthcheck));
  }
  d.subset("labels", declared.labels, live.labels);
  const missingEnv = declared.envNames.filter((n) => !live.envNames.includes(n));
  if (missingEnv.length)
    d.check("envNames", sorted(declared.envNames), sorted(live.envNames.filter((n) => declared.envNames.includes(n))));
  return d.drifts;
}

/** The fields of a live network that differ from its declaration. */
export function diffNetwork(
  declared: NetworkFacts,
  live: NetworkFacts,
  unknownFields: readonly string[] = [],
): FieldDrift[] {
  const d = new Diff(new Set(unknownFields));
  d.fields(["driver", "internal", "attachable", "ipv6", "encrypted"], declared, live);
  d.subset("options", declared.options, live.options);
  d.subset("labels", declared.labels, live.labels);
  return d.drifts;
}

const LOCAL_LISTENER = /^(unix|fd|npipe):\/\//;

/** The fields of a live daemon configuration that differ from the declared daemon.json. */
export function diffDaemon(declared: DaemonFacts, live: DaemonFacts): FieldDrift[] {
  const d = new Diff(new Set());
  for (const k of [
    "rootless",
    "icc",
    "logLevel",
    "iptables",
    "tls",
    "tlsVerify",
    "usernsRemap",
    "cgroupParent",
    "logDriver",
    "noNewPrivileges",
    "liveRestore",
    "userlandProxy",
    "seccompProfile",
    "experimental",
    "selinuxEnabled",
    "dataRoot",
  ] as const) {
    d.check(k, declared[k] ?? null, live[k] ?? null);
  }
  for (const k of ["storageDriver", "tlsCaCert", "tlsCert", "tlsKey"] as const)
    if (declared[k] !== undefined) d.check(k, declared[k], live[k] ?? null);
  d.check("insecureRegistries", sorted(declared.insecureRegistries), sorted(live.insecureRegistries));
  d.check("authorizationPlugins", sorted(declared.authorizationPlugins), sorted(live.authorizationPlugins));
  d.check(
    "defaultUlimits",
    sorted(declared.defaultUlimits.map((u) => `${u.name}=${u.soft}:${u.hard}`)),
    sorted(live.defaultUlimits.map((u) => `${u.name}=${u.soft}:${u.hard}`)),
  );
  d.check(
    "storageOpts",
    sorted(declared.storageOpts.map((o) => `${o.key}=${o.value}`)),
    sorted(live.storageOpts.map((o) => `${o.key}=${o.value}`)),
  );
  // No listener declared = only the local socket; the service unit's `-H fd://` (or a unix socket) is that too.
  if (declared.hosts.length > 0 || live.hosts.some((h) => !LOCAL_LISTENER.test(h)))
    d.check("hosts", sorted(declared.hosts), sorted(live.hosts));
  d.subset("logOpts", declared.logOpts, live.logOpts);
  d.subset("labels", declared.labels, live.labels);
  return d.drifts;
}

// ───────────────────────────── the drift report ─────────────────────────────

export interface RuleBreach {
  ruleId: string;
  title: string;
  field: string;
  observed: unknown;
  expected: string;
}

export interface DriftEntry {
  kind: "container" | "network" | "daemon";
  urn: string;
  name: string;
  /** The stack export it was declared in. */
  stack: string;
  /** The audited host where the live object was found. */
  host?: string;
  liveId?: string;
  /** `missing`: declared, found on no audited host; `unknown`: the live side could not be read. */
  status: "in-sync" | "drifted" | "missing" | "unknown";
  drifted: FieldDrift[];
  /** Rules the live object fails because a field drifted from a declaration that met them. */
  driftViolations: RuleBreach[];
  /** Rules the live object fails for other reasons: never met, whatever was declared. */
  nonCompliant: RuleBreach[];
}

export interface UnmanagedContainer {
  host: string;
  id: string;
  name: string;
  state: string;
}

export interface DriftReport {
  stacks: string[];
  entries: DriftEntry[];
  unmanaged: UnmanagedContainer[];
  notes: string[];
}

/** What one audited host offers the comparison. */
export interface LiveHost {
  label: string;
  /** Host name of the target (for matching a declared daemon's provider host). */
  hostName?: string;
  containers: ContainerFacts[];
  networks: NetworkFacts[];
  daemon?: DaemonFacts;
  ctx: RuleContext;
}

const fieldRoot = (f: string): string => f.split(/[.[]/)[0]!;

/** Live failures split by whether a drifted field explains them (the rule reads it, or names it in its verdict). */
function breaches(
  live: Facts,
  drifted: readonly FieldDrift[],
  ctx: RuleContext,
  rules: readonly AnyRule[],
): { driftViolations: RuleBreach[]; nonCompliant: RuleBreach[] } {
  const roots = new Set(drifted.map((x) => fieldRoot(x.field)));
  const out = { driftViolations: [] as RuleBreach[], nonCompliant: [] as RuleBreach[] };
  for (const f of evaluate([live], ctx, rules)) {
    if (f.status !== "fail" || f.verdict.status !== "fail") continue;
    const b: RuleBreach = {
      ruleId: f.ruleId,
      title: f.title,
      field: f.verdict.field,
      observed: f.verdict.observed,
      expected: f.verdict.expected,
    };
    const reads = rules.find((r) => r.id === f.ruleId)?.reads ?? [];
    const explained = reads.some((r) => roots.has(fieldRoot(r))) || roots.has(fieldRoot(f.verdict.field));
    (explained ? out.driftViolations : out.nonCompliant).push(b);
  }
  return out;
}

function entry(
  kind: DriftEntry["kind"],
  decl: { urn: string; name: string },
  stack: string,
  status: DriftEntry["status"],
  rest: Partial<DriftEntry> = {},
): DriftEntry {
  return {
    kind,
    urn: decl.urn,
    name: decl.name,
    stack,
    status,
    drifted: [],
    driftViolations: [],
    nonCompliant: [],
    ...rest,
  };
}

/** Compare declared state (one or more stack exports) with the audited hosts. */
export function computeDrift(
  stacks: readonly DeclaredState[],
  hosts: readonly LiveHost[],
  rules: readonly AnyRule[] = CATALOG,
): DriftReport {
  const entries: DriftEntry[] = [];
  const notes = stacks.flatMap((s) => s.notes);

  for (const stack of stacks) {
    for (const decl of stack.containers) {
      const found = hosts.flatMap((h) => h.containers.filter((c) => c.name === decl.name).map((c) => ({ h, c })));
      if (found.length === 0) entries.push(entry("container", decl, stack.source, "missing"));
      for (const { h, c } of found) {
        const drifted = diffContainer(decl.facts, c, decl.unknownFields);
        entries.push(
          entry("container", decl, stack.source, drifted.length ? "drifted" : "in-sync", {
            host: h.label,
            liveId: c.id,
            drifted,
            ...breaches(c, drifted, h.ctx, rules),
          }),
        );
      }
    }
    for (const decl of stack.networks) {
      const found = hosts.flatMap((h) => h.networks.filter((n) => n.name === decl.name).map((n) => ({ h, n })));
      if (found.length === 0) entries.push(entry("network", decl, stack.source, "missing"));
      for (const { h, n } of found) {
        const drifted = diffNetwork(decl.facts, n, decl.unknownFields);
        entries.push(
          entry("network", decl, stack.source, drifted.length ? "drifted" : "in-sync", {
            host: h.label,
            liveId: n.id,
            drifted,
            ...breaches(n, drifted, h.ctx, rules),
          }),
        );
      }
    }
  }

  const daemons = stacks.flatMap((s) => s.daemons.map((d) => ({ d, source: s.source })));
  for (const { d, source } of daemons) {
    const byHost = hosts.filter((h) => d.host !== undefined && h.hostName === d.host);
    const match = byHost.length > 0 ? byHost : daemons.length === 1 && hosts.length === 1 ? hosts : [];
    if (match.length === 0) entries.push(entry("daemon", d, source, "missing"));
    for (const h of match) {
      if (!h.daemon) {
        entries.push(entry("daemon", d, source, "unknown", { host: h.label }));
        notes.push(
          `daemon "${d.name}" on ${h.label}: the live daemon configuration was not read ` +
            "(audit on the host itself or over ssh://)",
        );
        continue;
      }
      const drifted = diffDaemon(d.facts, h.daemon);
      entries.push(
        entry("daemon", d, source, drifted.length ? "drifted" : "in-sync", {
          host: h.label,
          drifted,
          ...breaches(h.daemon, drifted, h.ctx, rules),
        }),
      );
    }
  }

  const declaredNames = new Set(stacks.flatMap((s) => s.containers.map((c) => c.name)));
  const unmanaged = hosts.flatMap((h) =>
    h.containers
      .filter((c) => !declaredNames.has(c.name))
      .map((c) => ({ host: h.label, id: c.id, name: c.name, state: c.state })),
  );
  return { stacks: stacks.map((s) => s.source), entries, unmanaged, notes };
}
