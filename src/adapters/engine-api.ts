/**
 * Adapter: Docker Engine API JSON (container/network/image inspect, `docker info`, container
 * `top`) → facts. Checked against a real dockerd 20.10 (API 1.41); the unit fixtures are captures
 * from it.
 *
 * The input is untrusted (a remote engine, a file someone saved): it is validated with zod —
 * only the fields used here, everything else passes through — and anything truncated or
 * wrongly typed becomes an AdapterError naming the source, the field path and what was seen,
 * never a TypeError deep inside. A JSON *string* is accepted too (and parsed), as is the
 * one-element array `docker inspect` prints. Optional fields an engine may omit or send as
 * `null` get the engine's defaults.
 *
 * Published ports (the one real choice here): for a running or paused container the adapter
 * reads `NetworkSettings.Ports`, the bindings the engine actually made — they include ports
 * published by `-P` (absent from `HostConfig.PortBindings`) and the IPv6 twin (`::`) the engine
 * adds to a binding declared without an address. For every other state (created, exited, …)
 * `NetworkSettings.Ports` is empty, so the declaration `HostConfig.PortBindings` is used (its
 * `HostIp: ""` means every interface, IPv4 and IPv6), plus — when `PublishAllPorts` is set —
 * each exposed port as `hostIp: ""`, `hostPort: 0`.
 */
import { z } from "zod";
import { normaliseCapabilities, parseGoBool, parseSecurityOptions } from "../facts/normalise";
import { parseImageRef } from "../facts/image-ref";
import { isSecretName, REDACTED, redactCommandLine } from "../facts/redact";
import type {
  ContainerFacts,
  ContainerState,
  EngineFacts,
  ExecAuditEvent,
  HealthcheckFacts,
  ImageFacts,
  ImageHistoryEntry,
  MountFacts,
  NetworkFacts,
  PortBinding,
  SwarmFacts,
} from "../facts/types";
import { CONTAINER_FIELDS, copier, ENABLE_ICC_OPTION as ENABLE_ICC, NETWORK_FIELDS } from "../fields";
import { AdapterError, describeZodIssue, issuePath, typeName } from "./errors";

export { AdapterError } from "./errors";

// ───────────────────────────── input handling ─────────────────────────────

const str = z.string();
const num = z.number();
const bool = z.boolean();
/** Engines send `null` for empty lists/maps and omit fields older API versions lack. */
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const strRecord = z.record(str, str);

/**
 * Accept a parsed value, a JSON string, or `docker inspect`'s one-element array; anything else
 * goes to the schema (which reports it).
 */
function unwrap(json: unknown, source: string): unknown {
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new AdapterError(
        source,
        `not valid JSON (truncated or not an Engine API response?): ${(err as Error).message}`,
      );
    }
  }
  if (Array.isArray(value)) {
    if (value.length !== 1)
      throw new AdapterError(
        source,
        `expected one object (or a one-element array as docker inspect prints), got an array of ${value.length}`,
      );
    value = value[0];
  }
  return value;
}

/** Validate, turning the first zod issue into one clear AdapterError line. */
function validate<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const issue = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new AdapterError(source, describeIssue(issue, value) + more, issuePath(issue.path));
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "invalid_value") {
    const observed = valueAt(input, issue.path);
    const expected = issue.values.map((v) => JSON.stringify(v)).join(", ");
    const got = JSON.stringify(observed) ?? typeName(observed);
    return `${issuePath(issue.path)}: expected one of ${expected}, got ${got}`;
  }
  return describeZodIssue(issue, input);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** `Name` (or `Id`) of an unvalidated object, for the error source; undefined when absent. */
function nameHint(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const name =
    typeof o.Name === "string" && o.Name !== "" ? o.Name : typeof o.Id === "string" ? o.Id.slice(0, 12) : undefined;
  return name?.replace(/^\//, "");
}

const sourceOf = (what: string, value: unknown): string => {
  const name = nameHint(value);
  return name === undefined ? what : `${what} "${name}"`;
};

const NS_PER_SECOND = 1e9;
/** Engine durations are nanoseconds; 0/absent = engine default → undefined. */
const seconds = (ns: number | null | undefined): number | undefined => (ns ? ns / NS_PER_SECOND : undefined);

// ───────────────────────────── healthcheck (containers and images) ─────────────────────────────

const healthcheckSchema = z.looseObject({
  Test: opt(z.array(str)),
  Interval: opt(num),
  Timeout: opt(num),
  StartPeriod: opt(num),
  Retries: opt(num),
});

function healthcheckFacts(hc: z.infer<typeof healthcheckSchema> | null | undefined): HealthcheckFacts | undefined {
  if (!hc) return undefined;
  const out: HealthcheckFacts = { test: hc.Test ?? [] };
  const interval = seconds(hc.Interval);
  const timeout = seconds(hc.Timeout);
  const startPeriod = seconds(hc.StartPeriod);
  if (interval !== undefined) out.intervalSeconds = interval;
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  if (startPeriod !== undefined) out.startPeriodSeconds = startPeriod;
  if (hc.Retries) out.retries = hc.Retries;
  return out;
}

// ───────────────────────────── containers ─────────────────────────────

const CONTAINER_STATES = ["created", "running", "paused", "restarting", "removing", "exited", "dead"] as const;
const MOUNT_TYPES = ["bind", "volume", "tmpfs", "npipe", "cluster", "image"] as const;
const PROPAGATIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave"] as const;
const HEALTH_STATES = ["starting", "healthy", "unhealthy", "none"] as const;
/** `""` is what the API stores when a client sent no restart policy: the engine treats it as `no`. */
const RESTART_POLICIES = ["", "no", "always", "unless-stopped", "on-failure"] as const;

const portBindingList = opt(z.array(z.looseObject({ HostIp: opt(str), HostPort: opt(str) })));

const containerInspectSchema = z.looseObject({
  Id: str.min(1),
  Name: opt(str),
  Image: opt(str),
  AppArmorProfile: opt(str),
  State: z.looseObject({
    Status: z.enum(CONTAINER_STATES),
    Health: opt(z.looseObject({ Status: z.enum(HEALTH_STATES) })),
  }),
  Config: z.looseObject({
    Image: opt(str),
    User: opt(str),
    Env: opt(z.array(str)),
    Labels: opt(strRecord),
    ExposedPorts: opt(z.record(str, z.unknown())),
    Healthcheck: opt(healthcheckSchema),
  }),
  HostConfig: z.looseObject({
    Privileged: opt(bool),
    CapAdd: opt(z.array(str)),
    CapDrop: opt(z.array(str)),
    SecurityOpt: opt(z.array(str)),
    PortBindings: opt(z.record(str, portBindingList)),
    PublishAllPorts: opt(bool),
    NetworkMode: opt(str),
    PidMode: opt(str),
    IpcMode: opt(str),
    UTSMode: opt(str),
    UsernsMode: opt(str),
    CgroupParent: opt(str),
    Memory: opt(num),
    CpuShares: opt(num),
    NanoCpus: opt(num),
    CpuQuota: opt(num),
    CpuPeriod: opt(num),
    PidsLimit: opt(num),
    ReadonlyRootfs: opt(bool),
    RestartPolicy: opt(z.looseObject({ Name: opt(z.enum(RESTART_POLICIES)), MaximumRetryCount: opt(num) })),
    Devices: opt(z.array(z.looseObject({ PathOnHost: str, PathInContainer: opt(str), CgroupPermissions: opt(str) }))),
    Ulimits: opt(z.array(z.looseObject({ Name: str, Soft: num, Hard: num }))),
    Tmpfs: opt(strRecord),
  }),
  Mounts: opt(
    z.array(
      z.looseObject({
        Type: z.enum(MOUNT_TYPES),
        Name: opt(str),
        Source: opt(str),
        Destination: str,
        RW: opt(bool),
        Propagation: opt(z.union([z.literal(""), z.enum(PROPAGATIONS)])),
      }),
    ),
  ),
  NetworkSettings: opt(
    z.looseObject({
      Ports: opt(z.record(str, portBindingList)),
      Networks: opt(z.record(str, z.unknown())),
    }),
  ),
});

type ContainerInspect = z.infer<typeof containerInspectSchema>;

export interface ContainerInspectOptions {
  /** Command lines of the container's processes (see processesFromTop); running containers only. */
  processes?: string[];
  /** The image's user and healthcheck (e.g. from imageFactsFromInspect), when looked up. */
  imageConfig?: { user?: string; healthcheck?: HealthcheckFacts };
  /** The exec instances the engine holds for it (see execEventFromInspect), when looked up. */
  execSessions?: ExecAuditEvent[];
}

/** `GET /containers/{id}/json` → ContainerFacts. */
/** The container facts the inspect holds as they are (the field map says where). */
const fromInspect = copier<ContainerFacts>()(CONTAINER_FIELDS, "engine");

export function containerFactsFromInspect(json: unknown, opts: ContainerInspectOptions = {}): ContainerFacts {
  let source = "container inspect";
  const value = unwrap(json, source);
  source = sourceOf("container inspect", value);
  const c = validate(containerInspectSchema, value, source);
  const hc = c.HostConfig;
  const state: ContainerState = c.State.Status;
  const restart = hc.RestartPolicy?.Name || "no";
  const healthcheck = healthcheckFacts(c.Config.Healthcheck);

  return {
    kind: "container",
    origin: "live",
    id: c.Id,
    name: (c.Name ?? "").replace(/^\//, "") || c.Id.slice(0, 12),
    state,
    // Config.Image is the reference as the user wrote it; the top-level Image is the resolved ID.
    image: parseImageRef(c.Config.Image || c.Image || ""),
    ...(opts.imageConfig ? { imageConfig: pickImageConfig(opts.imageConfig) } : {}),
    // The engine copies the image's USER into Config.User at create, so this is the effective user.
    ...(c.Config.User ? { user: c.Config.User } : {}),
    privileged: fromInspect(c, "privileged"),
    capAdd: normaliseCapabilities(hc.CapAdd),
    capDrop: normaliseCapabilities(hc.CapDrop),
    securityOptions: parseSecurityOptions(hc.SecurityOpt),
    // The engine picks the profile when it starts a container: a never-started one has none yet.
    ...(state === "created" ? {} : { appliedAppArmorProfile: c.AppArmorProfile ?? "" }),
    mounts: mountsOf(c),
    ports: portsOf(c, source),
    ...(hc.PublishAllPorts ? { publishAllPorts: true } : {}),
    networkMode: fromInspect(c, "networkMode"),
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    pidMode: fromInspect(c, "pidMode"),
    ipcMode: fromInspect(c, "ipcMode"),
    utsMode: fromInspect(c, "utsMode"),
    usernsMode: fromInspect(c, "usernsMode"),
    cgroupParent: fromInspect(c, "cgroupParent"),
    memoryBytes: fromInspect(c, "memoryBytes"),
    cpuShares: fromInspect(c, "cpuShares"),
    nanoCpus: fromInspect(c, "nanoCpus"),
    cpuQuota: fromInspect(c, "cpuQuota"),
    cpuPeriod: fromInspect(c, "cpuPeriod"),
    // null, 0 and -1 all mean "unlimited" to the engine.
    ...(hc.PidsLimit && hc.PidsLimit > 0 ? { pidsLimit: hc.PidsLimit } : {}),
    readOnlyRootfs: fromInspect(c, "readOnlyRootfs"),
    restartPolicy: { name: restart, maximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
    devices: (hc.Devices ?? []).map((d) => ({
      pathOnHost: d.PathOnHost,
      pathInContainer: d.PathInContainer || d.PathOnHost,
      permissions: d.CgroupPermissions || "rwm",
    })),
    ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    ...(healthcheck ? { healthcheck } : {}),
    ...(c.State.Health ? { healthStatus: c.State.Health.Status } : {}),
    labels: c.Config.Labels ?? {},
    // Names only, never values: values may be secrets and facts end up in reports.
    envNames: (c.Config.Env ?? []).map((e) => e.split("=", 1)[0]).filter((n) => n !== ""),
    ...(opts.processes ? { processes: [...opts.processes] } : {}),
    // An exec records no user when the container has none (Config.User holds the image's USER
    // too): it then runs as root, and says so.
    ...(opts.execSessions
      ? {
          execAuditEvents: opts.execSessions.map((e) => (e.user || c.Config.User ? e : { ...e, user: "root" })),
          execAuditCoverage: "engine-sessions" as const,
        }
      : {}),
  };
}

function pickImageConfig(
  ic: NonNullable<ContainerInspectOptions["imageConfig"]>,
): NonNullable<ContainerFacts["imageConfig"]> {
  return {
    ...(ic.user !== undefined ? { user: ic.user } : {}),
    ...(ic.healthcheck ? { healthcheck: ic.healthcheck } : {}),
  };
}

/**
 * `Mounts` (binds, volumes and `--mount type=tmpfs`, with the engine's resolved propagation),
 * plus `HostConfig.Tmpfs` (`--tmpfs`), which the engine does not list in `Mounts`.
 */
function mountsOf(c: ContainerInspect): MountFacts[] {
  const mounts: MountFacts[] = (c.Mounts ?? []).map((m) => ({
    type: m.Type,
    // Volumes are named by volume name; Source would be the volume's directory under the data root.
    source: m.Type === "volume" ? m.Name || m.Source || "" : m.Type === "tmpfs" ? "" : (m.Source ?? ""),
    target: m.Destination,
    readOnly: m.RW === false,
    ...(m.Propagation ? { propagation: m.Propagation } : {}),
  }));
  const targets = new Set(mounts.map((m) => m.target));
  for (const target of Object.keys(c.HostConfig.Tmpfs ?? {})) {
    if (!targets.has(target)) mounts.push({ type: "tmpfs", source: "", target, readOnly: false });
  }
  return mounts;
}

const LIVE_PORT_STATES: ReadonlySet<ContainerState> = new Set(["running", "paused"]);

/** See the module comment: actual bindings for running/paused containers, the declaration otherwise. */
function portsOf(c: ContainerInspect, source: string): PortBinding[] {
  const actual = c.NetworkSettings?.Ports;
  if (LIVE_PORT_STATES.has(c.State.Status) && actual) return bindingsOf(actual, "NetworkSettings.Ports", source);

  const declared = bindingsOf(c.HostConfig.PortBindings ?? {}, "HostConfig.PortBindings", source);
  if (c.HostConfig.PublishAllPorts) {
    for (const key of Object.keys(c.Config.ExposedPorts ?? {})) {
      const { containerPort, protocol } = parsePortKey(key, `Config.ExposedPorts["${key}"]`, source);
      if (!declared.some((p) => p.containerPort === containerPort && p.protocol === protocol)) {
        declared.push({ containerPort, protocol, hostIp: "", hostPort: 0 });
      }
    }
  }
  return declared;
}

function bindingsOf(
  map: Record<string, z.infer<typeof portBindingList>>,
  field: string,
  source: string,
): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(map)) {
    const { containerPort, protocol } = parsePortKey(key, `${field}["${key}"]`, source);
    // null = exposed but not published
    (list ?? []).forEach((b, i) => {
      out.push({
        containerPort,
        protocol,
        hostIp: b.HostIp ?? "",
        hostPort: parseHostPort(b.HostPort ?? "", `${field}["${key}"][${i}].HostPort`, source),
      });
    });
  }
  return out;
}

/** `8080/tcp` → 8080, tcp (a key without protocol is tcp, as the engine reads it). */
function parsePortKey(
  key: string,
  field: string,
  source: string,
): { containerPort: number; protocol: PortBinding["protocol"] } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new AdapterError(source, `${field}: expected "<port>/<tcp|udp|sctp>", got ${JSON.stringify(key)}`, field);
  return { containerPort: port, protocol: (m[2] ?? "tcp").toLowerCase() as PortBinding["protocol"] };
}

/**
 * Host port text → number. `""` = the engine picks an ephemeral port (0). A range
 * (`8000-8010`, the engine picks one) gives its lowest port: the one that matters for CIS 5.8.
 */
function parseHostPort(text: string, field: string, source: string): number {
  const t = text.trim();
  if (t === "") return 0;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port > 65535 || (m[2] !== undefined && Number(m[2]) < port)) {
    throw new AdapterError(source, `${field}: expected a port number or range, got ${JSON.stringify(text)}`, field);
  }
  return port;
}

// ───────────────────────────── top ─────────────────────────────

const topSchema = z.looseObject({ Titles: z.array(str), Processes: opt(z.array(z.array(str))) });

/**
 * `GET /containers/{id}/top` → the command line of each process. The engine runs `ps` on the
 * host (so nothing needs to exist in the image); the command column is `CMD` with the default
 * `-ef`, `COMMAND` or `ARGS` with custom ps_args. Secrets named on it are hidden (facts/redact.ts).
 */
export function processesFromTop(json: unknown, containerName?: string): string[] {
  const source = containerName ? `container top "${containerName}"` : "container top";
  const top = validate(topSchema, unwrap(json, source), source);
  const column = top.Titles.findIndex((t) => ["CMD", "COMMAND", "ARGS"].includes(t.trim().toUpperCase()));
  if (column < 0)
    throw new AdapterError(source, `Titles: no CMD/COMMAND/ARGS column in ${JSON.stringify(top.Titles)}`, "Titles");
  return (top.Processes ?? []).map((row, i) => {
    const cmd = row[column];
    if (cmd === undefined)
      throw new AdapterError(
        source,
        `Processes[${i}]: row has ${row.length} columns, the command is column ${column + 1}`,
        `Processes[${i}]`,
      );
    return redactCommandLine(cmd);
  });
}

// ───────────────────────────── exec instances ─────────────────────────────

const execInspectSchema = z.looseObject({
  ID: str.min(1),
  Running: opt(bool),
  ProcessConfig: z.looseObject({
    privileged: opt(bool),
    user: opt(str),
    entrypoint: opt(str),
    arguments: opt(z.array(str)),
  }),
});

/** What identifies the engine's own health probes among a container's exec instances. */
export interface ExecContext {
  /** The container's `Config.Healthcheck.Test`. */
  healthcheckTest?: readonly string[] | null;
  /** The container's `Config.Shell` (CMD-SHELL probes run through it; default /bin/sh -c). */
  shell?: readonly string[] | null;
}

/**
 * The argv the engine runs for a healthcheck test (moby daemon/health.go): CMD as given, CMD-SHELL
 * through the shell.
 */
function probeArgv(ctx: ExecContext): readonly string[] | undefined {
  const [kind, ...rest] = ctx.healthcheckTest ?? [];
  if (kind === "CMD") return rest;
  if (kind === "CMD-SHELL") return [...(ctx.shell?.length ? ctx.shell : ["/bin/sh", "-c"]), rest.join(" ")];
  return undefined;
}

/**
 * `GET /exec/{id}/json` → the exec's `--privileged` and `--user` (CIS 5.23/5.24); undefined for
 * the engine's own health probe, which it runs as an exec instance too. The engine holds an exec
 * instance from its creation until its process ends: a container's `ExecIDs`. Without `--user`
 * the engine records the container's user, and nothing when the container has none (root: see
 * containerFactsFromInspect).
 */
export function execEventFromInspect(
  json: unknown,
  containerName?: string,
  ctx: ExecContext = {},
): ExecAuditEvent | undefined {
  const source = containerName ? `exec inspect in "${containerName}"` : "exec inspect";
  const e = validate(execInspectSchema, unwrap(json, source), source);
  const pc = e.ProcessConfig;
  const argv = [...(pc.entrypoint ? [pc.entrypoint] : []), ...(pc.arguments ?? [])];
  const probe = probeArgv(ctx);
  if (probe && !pc.privileged && probe.length === argv.length && probe.every((a, i) => a === argv[i])) return undefined;
  const command = redactCommandLine(argv.join(" ").trim());
  return {
    privileged: pc.privileged === true,
    ...(pc.user ? { user: pc.user } : {}),
    command: `${command || "(no command)"}${e.Running ? "" : " (created, not started)"}`,
  };
}

// ───────────────────────────── networks ─────────────────────────────

const networkInspectSchema = z.looseObject({
  Id: str.min(1),
  Name: str,
  Driver: opt(str),
  Scope: opt(str),
  Internal: opt(bool),
  Attachable: opt(bool),
  EnableIPv6: opt(bool),
  Options: opt(strRecord),
  Labels: opt(strRecord),
  Containers: opt(z.record(str, z.unknown())),
});

const DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge";

/** `GET /networks/{id}` → NetworkFacts. */
/** The network facts the inspect holds as they are (the field map says where). */
const fromNetworkInspect = copier<NetworkFacts>()(NETWORK_FIELDS, "engine");

export function networkFactsFromInspect(json: unknown): NetworkFacts {
  let source = "network inspect";
  const value = unwrap(json, source);
  source = sourceOf("network inspect", value);
  const n = validate(networkInspectSchema, value, source);
  const options = n.Options ?? {};
  const driver = n.Driver ?? "";

  let enableIcc: boolean | undefined;
  if (options[ENABLE_ICC] !== undefined) {
    enableIcc = parseGoBool(options[ENABLE_ICC]);
    if (enableIcc === undefined) {
      const field = `Options["${ENABLE_ICC}"]`;
      throw new AdapterError(
        source,
        `${field}: expected "true" or "false", got ${JSON.stringify(options[ENABLE_ICC])}`,
        field,
      );
    }
  }

  return {
    kind: "network",
    origin: "live",
    id: n.Id,
    name: n.Name,
    driver,
    scope: fromNetworkInspect(n, "scope"),
    internal: fromNetworkInspect(n, "internal"),
    attachable: fromNetworkInspect(n, "attachable"),
    ipv6: fromNetworkInspect(n, "ipv6"),
    // The engine marks docker0 with default_bridge=true; older engines only by name.
    isDefaultBridge:
      parseGoBool(options[DEFAULT_BRIDGE] ?? "") === true || (n.Name === "bridge" && driver === "bridge"),
    ...(enableIcc !== undefined ? { enableIcc } : {}),
    // The overlay driver encrypts when the option is present, whatever its value.
    encrypted: Object.prototype.hasOwnProperty.call(options, "encrypted"),
    options,
    labels: n.Labels ?? {},
    containers: Object.keys(n.Containers ?? {}),
  };
}

// ───────────────────────────── docker info ─────────────────────────────

const infoSchema = z.looseObject({
  ServerVersion: str,
  DockerRootDir: str,
  Driver: str,
  DriverStatus: opt(z.array(z.array(str))),
  LoggingDriver: opt(str),
  CgroupDriver: opt(str),
  OperatingSystem: opt(str),
  KernelVersion: opt(str),
  LiveRestoreEnabled: opt(bool),
  ExperimentalBuild: opt(bool),
  SecurityOptions: opt(z.array(str)),
  Containers: opt(num),
  ContainersRunning: opt(num),
  ContainersPaused: opt(num),
  ContainersStopped: opt(num),
  Images: opt(num),
  RegistryConfig: opt(
    z.looseObject({
      InsecureRegistryCIDRs: opt(z.array(str)),
      IndexConfigs: opt(z.record(str, z.looseObject({ Name: opt(str), Secure: opt(bool) }))),
    }),
  ),
  Swarm: opt(
    z.looseObject({
      LocalNodeState: opt(str),
      ControlAvailable: opt(bool),
      Managers: opt(num),
      Nodes: opt(num),
      NodeID: opt(str),
      RemoteManagers: opt(z.array(z.looseObject({ NodeID: opt(str), Addr: opt(str) }))),
      Cluster: opt(
        z.looseObject({
          Spec: opt(z.looseObject({ EncryptionConfig: opt(z.looseObject({ AutoLockManagers: opt(bool) })) })),
        }),
      ),
    }),
  ),
});

/**
 * `SecurityOptions` of `docker info`: `name=seccomp,profile=default`, `name=apparmor`,
 * `name=userns`, `name=rootless`, `name=selinux`, `name=cgroupns` (API ≥ 1.26; older engines
 * sent bare names like `seccomp`, also accepted).
 */
function parseInfoSecurityOptions(entries: readonly string[]): EngineFacts["security"] {
  const security: EngineFacts["security"] = {
    apparmor: false,
    selinux: false,
    userns: false,
    rootless: false,
    cgroupns: false,
  };
  for (const entry of entries) {
    const fields = new Map(
      entry.split(",").map((kv) => {
        const eq = kv.indexOf("=");
        return eq < 0 ? (["name", kv.trim()] as const) : ([kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()] as const);
      }),
    );
    switch (fields.get("name")) {
      case "apparmor":
        security.apparmor = true;
        break;
      case "selinux":
        security.selinux = true;
        break;
      case "userns":
        security.userns = true;
        break;
      case "rootless":
        security.rootless = true;
        break;
      case "cgroupns":
        security.cgroupns = true;
        break;
      case "seccomp":
        security.seccompProfile = fields.get("profile") ?? "default";
        break;
    }
  }
  return security;
}

export interface InfoOptions {
  /** API version (from `GET /version`), which `docker info` does not report. */
  apiVersion?: string;
  /** The oldest API version the engine accepts (`MinAPIVersion` of `GET /version`). */
  minApiVersion?: string;
}

/**
 * `GET /info` → EngineFacts. `insecureRegistryCidrs` is reported as the engine has it, including
 * its built-in `127.0.0.0/8`. Swarm: `info` carries no listen address (`NodeAddr` is the
 * advertised one), so `listenAddr` stays undefined (the audit reads it from the host's sockets);
 * a manager's own RemoteManagers entry gives `managementAddr`; autolock is known on managers only.
 */
export function engineFactsFromInfo(json: unknown, opts: InfoOptions = {}): EngineFacts {
  const source = "docker info";
  const info = validate(infoSchema, unwrap(json, source), source);
  const registry = info.RegistryConfig;
  const total = info.Containers ?? 0;
  const running = info.ContainersRunning ?? 0;
  const paused = info.ContainersPaused ?? 0;
  return {
    kind: "engine",
    serverVersion: info.ServerVersion,
    ...(opts.apiVersion ? { apiVersion: opts.apiVersion } : {}),
    ...(opts.minApiVersion ? { minApiVersion: opts.minApiVersion } : {}),
    ...(info.OperatingSystem ? { operatingSystem: info.OperatingSystem } : {}),
    ...(info.KernelVersion ? { kernelVersion: info.KernelVersion } : {}),
    dataRoot: info.DockerRootDir,
    storageDriver: info.Driver,
    // The containerd image store reports its snapshotter as the driver, and says so here.
    imageStore: (info.DriverStatus ?? []).some(([k, v]) => k === "driver-type" && v === "io.containerd.snapshotter.v1")
      ? "containerd"
      : "graphdriver",
    loggingDriver: info.LoggingDriver ?? "json-file",
    ...(info.CgroupDriver ? { cgroupDriver: info.CgroupDriver } : {}),
    liveRestoreEnabled: info.LiveRestoreEnabled ?? false,
    experimental: info.ExperimentalBuild ?? false,
    security: parseInfoSecurityOptions(info.SecurityOptions ?? []),
    insecureRegistryCidrs: registry?.InsecureRegistryCIDRs ?? [],
    insecureRegistries: Object.entries(registry?.IndexConfigs ?? {})
      .filter(([, cfg]) => cfg.Secure === false)
      .map(([key, cfg]) => cfg.Name || key),
    containers: { total, running, paused, stopped: info.ContainersStopped ?? Math.max(0, total - running - paused) },
    images: info.Images ?? 0,
    swarm: swarmFactsFromInfo(info.Swarm),
  };
}

function swarmFactsFromInfo(s: z.infer<typeof infoSchema>["Swarm"]): SwarmFacts {
  const state = s?.LocalNodeState || "inactive";
  const autolock = s?.Cluster?.Spec?.EncryptionConfig?.AutoLockManagers;
  const own = s?.NodeID ? s.RemoteManagers?.find((m) => m.NodeID === s.NodeID)?.Addr : undefined;
  return {
    kind: "swarm",
    state,
    active: state === "active",
    isManager: s?.ControlAvailable ?? false,
    managers: s?.Managers ?? 0,
    nodes: s?.Nodes ?? 0,
    ...(s?.Cluster ? { autolockEnabled: autolock ?? false } : {}),
    ...(own ? { managementAddr: own } : {}),
  };
}

// ───────────────────────────── images ─────────────────────────────

const imageInspectSchema = z.looseObject({
  Id: str.min(1),
  RepoTags: opt(z.array(str)),
  RepoDigests: opt(z.array(str)),
  Config: opt(
    z.looseObject({
      User: opt(str),
      Healthcheck: opt(healthcheckSchema),
      Env: opt(z.array(str)),
      ExposedPorts: opt(z.record(str, z.unknown())),
    }),
  ),
});

/**
 * `NAME=value` with the value of a credential-named variable replaced by `***` (4.10 needs to know
 * that it is set, a report must never show it); an empty value stays empty.
 */
const redactEnvEntry = (entry: string): string => {
  const eq = entry.indexOf("=");
  if (eq < 0) return entry;
  const name = entry.slice(0, eq);
  return isSecretName(name) && eq < entry.length - 1 ? `${name}=${REDACTED}` : entry;
};

/** `GET /images/{name}/json` → ImageFacts (`containersUsing` is not in inspect: left undefined). */
export function imageFactsFromInspect(json: unknown): ImageFacts {
  let source = "image inspect";
  const value = unwrap(json, source);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const tag =
      Array.isArray(o.RepoTags) && typeof o.RepoTags[0] === "string"
        ? o.RepoTags[0]
        : typeof o.Id === "string"
          ? o.Id.slice(0, 19)
          : undefined;
    if (tag) source = `image inspect "${tag}"`;
  }
  const img = validate(imageInspectSchema, value, source);
  const healthcheck = healthcheckFacts(img.Config?.Healthcheck);
  return {
    kind: "image",
    id: img.Id,
    repoTags: img.RepoTags ?? [],
    repoDigests: img.RepoDigests ?? [],
    ...(img.Config?.User ? { user: img.Config.User } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    // Absent from the image list's entries (and null in an image without ENV/EXPOSE): then left out.
    ...(img.Config?.Env ? { env: img.Config.Env.map(redactEnvEntry) } : {}),
    ...(img.Config?.ExposedPorts ? { exposedPorts: Object.keys(img.Config.ExposedPorts) } : {}),
  };
}

const historySchema = z.array(
  z.looseObject({
    // Empty for an imported (`docker import`) or committed layer without a command.
    CreatedBy: str,
    Comment: opt(str),
  }),
);

/**
 * `GET /images/{id}/history` (dockerode `getImage(id).history()`) → the image's history lines,
 * newest first as the engine lists them. Secret values on the lines (`|1 DB_PASSWORD=x`,
 * `ENV API_TOKEN=x`, `--password x`) are replaced by `***` here, so no report can carry them;
 * the instruction and the variable's name stay readable. `image` names it in errors.
 */
export function imageHistoryFromEngine(json: unknown, image = "image"): ImageHistoryEntry[] {
  const source = `history of ${image}`;
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new AdapterError(source, `not valid JSON: ${(err as Error).message}`);
    }
  }
  // An image has at least one layer, so at least one line: an empty list is not a history.
  if (Array.isArray(value) && value.length === 0) throw new AdapterError(source, "expected history lines, got none");
  return validate(historySchema, value, source).map((h) => ({
    createdBy: redactCommandLine(h.CreatedBy),
    ...(h.Comment ? { comment: h.Comment } : {}),
  }));
}
