/**
 * A small, documented translation of `@pulumi/docker` 5.2.0 inputs (resolved to plain values) to
 * the Engine API requests the provider makes with them, so integration tests can create on a real
 * engine exactly what a component computes — without the Pulumi CLI or the provider plugin.
 *
 * The mappings follow the provider's create path (pulumi-docker 5.x bridges kreuzwerker's
 * terraform-provider-docker v3: `resourceDockerContainerCreate`, `resourceDockerNetworkCreate`).
 * One line per input below says where it goes and in which unit.
 *
 * Safety: every input key (top level and nested) must be one this file handles. Anything else
 * throws UntranslatedInputError, so a setting can never be dropped silently — a test would then
 * prove something about a container that is weaker than the declared one. Keys whose value is
 * `undefined` are unset (Pulumi drops them too). Outputs and promises throw: resolve them first.
 *
 * What the provider adds on its own and this file copies: `HostConfig.Init = false`, a
 * RestartPolicy always (Name "no" when unset), ExposedPorts for each published port, the default
 * `ip` 0.0.0.0 and `protocol` tcp of a port, IPAM driver "default" of a network. What it adds
 * and this file leaves to the engine's identical defaults: `Tty`/`OpenStdin` false,
 * `PublishAllPorts`/`AutoRemove` false, the log driver. Networks: the provider creates the
 * container with `NetworkMode` and then connects it to each `networksAdvanced` entry
 * (`NetworkConnect`); Engine API < 1.44 accepts one endpoint at create, so the first entry goes
 * into `NetworkingConfig` and the rest are returned by `engineNetworkConnects` for the caller to
 * connect before starting (connecting a created container to its own network again is a no-op
 * for the engine, so the two routes are equivalent).
 */
import type Docker from "dockerode";

/** An input the translation does not handle (so it would otherwise be dropped). */
export class UntranslatedInputError extends Error {
  constructor(path: string, why = "is not handled by the test translation (test/harness/pulumi-to-engine.ts)") {
    super(`${path} ${why}: add a documented mapping there instead of dropping the setting`);
    this.name = "UntranslatedInputError";
  }
}

type Plain = Record<string, unknown>;

const MIB = 1024 * 1024;

/** Go duration units in nanoseconds (time.ParseDuration). */
const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A Go duration string ("1m30s", "1.5s", "0s") → nanoseconds, as the provider's time.ParseDuration does. */
export function goDurationToNanos(text: string, path = "duration"): number {
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched = re.lastIndex;
  }
  // The provider ignores parse errors (the duration becomes 0); a test harness must not.
  if (text === "" || matched !== text.length)
    throw new UntranslatedInputError(path, `= ${JSON.stringify(text)} is not a Go duration`);
  return Math.round(total);
}

/** `cpus` ("1", "0.5") → NanoCpus, exactly like docker/cli's opts.ParseCPUs (decimal × 1e9, must be whole). */
export function cpusToNanoCpus(cpus: string | number, path = "cpus"): number {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(String(cpus).trim());
  const fraction = (m?.[2] ?? "").replace(/0+$/, "");
  if (!m || fraction.length > 9)
    throw new UntranslatedInputError(
      path,
      `= ${JSON.stringify(cpus)} is not a decimal with at most 9 fractional digits`,
    );
  return Number(m[1]) * 1e9 + Number(fraction.padEnd(9, "0"));
}

/** The provider's integer inputs: a fraction would be refused (or truncated) there, so it is refused here. */
function wholeNumber(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v))
    throw new UntranslatedInputError(path, `= ${JSON.stringify(v)} is not a whole number`);
  return v;
}

function isDeferred(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    ("__pulumiOutput" in v || typeof (v as { then?: unknown }).then === "function")
  );
}

/** Throw on Outputs/promises anywhere, and on keys (with a value) outside `handled`. */
function checkKeys(obj: unknown, path: string, handled: readonly string[]): Plain {
  if (isDeferred(obj))
    throw new UntranslatedInputError(path, "is an Output or a promise (resolve it to a plain value first)");
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw new UntranslatedInputError(path, `must be an object, got ${JSON.stringify(obj)}`);
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (!handled.includes(key)) throw new UntranslatedInputError(`${path}.${key}`);
    assertPlain(value, `${path}.${key}`);
  }
  return obj as Plain;
}

function assertPlain(v: unknown, path: string): void {
  if (isDeferred(v))
    throw new UntranslatedInputError(path, "is an Output or a promise (resolve it to a plain value first)");
  if (Array.isArray(v)) v.forEach((e, i) => assertPlain(e, `${path}[${i}]`));
  else if (typeof v === "object" && v !== null) for (const [k, e] of Object.entries(v)) assertPlain(e, `${path}.${k}`);
}

function list<T = unknown>(v: unknown, path: string): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UntranslatedInputError(path, `must be a list, got ${JSON.stringify(v)}`);
  return v as T[];
}

const labelMap = (labels: unknown, path: string): Record<string, string> =>
  Object.fromEntries(
    list(labels, path).map((l, i) => {
      const o = checkKeys(l, `${path}[${i}]`, ["label", "value"]);
      return [String(o.label), String(o.value)];
    }),
  );

/** The docker.Container input keys this translation handles (anything else throws). */
export const HANDLED_CONTAINER_INPUTS = [
  "image",
  "name",
  "user",
  "command",
  "entrypoints",
  "envs",
  "workingDir",
  "labels",
  "healthcheck",
  "capabilities",
  "securityOpts",
  "readOnly",
  "privileged",
  "memory",
  "cpus",
  "cpuShares",
  "restart",
  "maxRetryCount",
  "ipcMode",
  "pidMode",
  "usernsMode",
  "cgroupParent",
  "networkMode",
  "networksAdvanced",
  "ports",
  "publishAllPorts",
  "tmpfs",
  "mounts",
  "volumes",
  "devices",
  "ulimits",
] as const;

/**
 * docker.Container inputs (plain values) → the body of `POST /containers/create` (dockerode's shape:
 * `name` goes to the query).
 */
export function engineCreateBody(containerArgs: object): Docker.ContainerCreateOptions {
  const a = checkKeys(containerArgs, "docker.Container", HANDLED_CONTAINER_INPUTS);
  const body: Docker.ContainerCreateOptions = {};
  // provider: hostConfig.Init = &init (default false)
  const host: Docker.HostConfig = { Init: false };

  // ── Config ──
  if (typeof a.image !== "string")
    throw new UntranslatedInputError("docker.Container.image", "is required and must be a string");
  // image → Image (as given: tag, digest or image ID)
  body.Image = a.image;
  // name → ?name= query parameter
  if (a.name !== undefined) body.name = String(a.name);
  // user → User ("uid:gid" or a name)
  if (a.user !== undefined) body.User = String(a.user);
  // command → Cmd
  if (a.command !== undefined) body.Cmd = list<string>(a.command, "command");
  // entrypoints → Entrypoint
  if (a.entrypoints !== undefined) body.Entrypoint = list<string>(a.entrypoints, "entrypoints");
  // envs ["K=V"] → Env
  if (list(a.envs, "envs").length) body.Env = list<string>(a.envs, "envs");
  // workingDir → WorkingDir
  if (a.workingDir !== undefined) body.WorkingDir = String(a.workingDir);
  // labels [{label, value}] → Labels map
  if (a.labels !== undefined) body.Labels = labelMap(a.labels, "labels");
  if (a.healthcheck !== undefined) {
    // healthcheck {tests, interval, timeout, startPeriod (Go durations), retries} → Healthcheck {Test, …ns, Retries}
    const h = checkKeys(a.healthcheck, "docker.Container.healthcheck", [
      "tests",
      "interval",
      "timeout",
      "startPeriod",
      "retries",
    ]);
    body.Healthcheck = {
      ...(h.tests !== undefined ? { Test: list<string>(h.tests, "healthcheck.tests") } : {}),
      ...(h.interval !== undefined ? { Interval: goDurationToNanos(String(h.interval), "healthcheck.interval") } : {}),
      ...(h.timeout !== undefined ? { Timeout: goDurationToNanos(String(h.timeout), "healthcheck.timeout") } : {}),
      ...(h.startPeriod !== undefined
        ? { StartPeriod: goDurationToNanos(String(h.startPeriod), "healthcheck.startPeriod") }
        : {}),
      ...(h.retries !== undefined ? { Retries: Number(h.retries) } : {}),
    };
  }

  // ── HostConfig ──
  if (a.capabilities !== undefined) {
    const c = checkKeys(a.capabilities, "docker.Container.capabilities", ["adds", "drops"]);
    // capabilities.adds → CapAdd
    host.CapAdd = list<string>(c.adds, "capabilities.adds");
    // capabilities.drops → CapDrop
    host.CapDrop = list<string>(c.drops, "capabilities.drops");
  }
  // securityOpts → SecurityOpt (as written)
  if (a.securityOpts !== undefined) host.SecurityOpt = list<string>(a.securityOpts, "securityOpts");
  // readOnly → ReadonlyRootfs
  if (a.readOnly !== undefined) host.ReadonlyRootfs = Boolean(a.readOnly);
  // privileged → Privileged
  if (a.privileged !== undefined) host.Privileged = Boolean(a.privileged);
  // memory (MB) → Memory bytes (×1024×1024, as the provider)
  if (a.memory !== undefined) host.Memory = wholeNumber(a.memory, "memory") * MIB;
  // cpus "1.5" → NanoCpus 1.5e9 (opts.ParseCPUs)
  if (a.cpus !== undefined) host.NanoCpus = cpusToNanoCpus(a.cpus as string, "cpus");
  // cpuShares → CpuShares (relative weight)
  if (a.cpuShares !== undefined) host.CpuShares = Number(a.cpuShares);
  // restart, maxRetryCount → RestartPolicy
  host.RestartPolicy = {
    Name: a.restart === undefined ? "no" : String(a.restart),
    MaximumRetryCount: Number(a.maxRetryCount ?? 0),
  };
  // ipcMode → IpcMode
  if (a.ipcMode !== undefined) host.IpcMode = String(a.ipcMode);
  // pidMode → PidMode
  if (a.pidMode !== undefined) host.PidMode = String(a.pidMode);
  // usernsMode → UsernsMode
  if (a.usernsMode !== undefined) host.UsernsMode = String(a.usernsMode);
  // cgroupParent → CgroupParent
  if (a.cgroupParent !== undefined) host.CgroupParent = String(a.cgroupParent);
  // networkMode → NetworkMode (a network name, host, none…)
  if (a.networkMode !== undefined) host.NetworkMode = String(a.networkMode);
  // tmpfs {path: opts} → Tmpfs (as written)
  if (a.tmpfs !== undefined)
    host.Tmpfs = {
      ...(checkKeys(a.tmpfs, "docker.Container.tmpfs", Object.keys(a.tmpfs as object)) as Record<string, string>),
    };

  // ports [{internal, external, ip = 0.0.0.0, protocol = tcp}]
  //   → ExposedPorts + PortBindings {"internal/proto": [{HostIp, HostPort}]}
  const ports = list(a.ports, "ports");
  if (ports.length) {
    body.ExposedPorts = {};
    host.PortBindings = {};
    ports.forEach((raw, i) => {
      const p = checkKeys(raw, `docker.Container.ports[${i}]`, ["internal", "external", "ip", "protocol"]);
      const key = `${Number(p.internal)}/${p.protocol === undefined ? "tcp" : String(p.protocol)}`;
      body.ExposedPorts![key] = {};
      (host.PortBindings[key] ??= []).push({
        HostIp: p.ip === undefined ? "0.0.0.0" : String(p.ip),
        HostPort: p.external === undefined ? "" : String(p.external),
      });
    });
  }

  // publishAllPorts → PublishAllPorts (-P)
  if (a.publishAllPorts !== undefined) host.PublishAllPorts = a.publishAllPorts === true;

  // mounts [{type, source, target, readOnly, bindOptions.propagation}]
  //   → Mounts [{Type, Source, Target, ReadOnly, BindOptions.Propagation}]
  const mounts = list(a.mounts, "mounts");
  if (mounts.length) {
    host.Mounts = mounts.map((raw, i) => {
      const path = `docker.Container.mounts[${i}]`;
      const m = checkKeys(raw, path, ["type", "source", "target", "readOnly", "bindOptions"]);
      if (!["bind", "volume", "tmpfs"].includes(String(m.type)))
        throw new UntranslatedInputError(`${path}.type`, `= ${JSON.stringify(m.type)} is not bind, volume or tmpfs`);
      const out: Docker.MountSettings = {
        Type: m.type as Docker.MountType,
        Source: m.source === undefined ? "" : String(m.source),
        Target: String(m.target),
        ReadOnly: Boolean(m.readOnly ?? false),
      };
      if (m.bindOptions !== undefined) {
        if (m.type !== "bind")
          throw new UntranslatedInputError(
            `${path}.bindOptions`,
            "is set on a non-bind mount (the provider ignores it there)",
          );
        const b = checkKeys(m.bindOptions, `${path}.bindOptions`, ["propagation"]);
        // An empty bindOptions leaves the engine's default (rprivate), as the provider's empty BindOptions does.
        if (b.propagation !== undefined)
          out.BindOptions = { Propagation: String(b.propagation) as Docker.MountPropagation };
      }
      return out;
    });
  }

  // volumes [{volumeName | hostPath, containerPath, readOnly}] → Binds "source:path[:ro]";
  //   containerPath alone → Config.Volumes (anonymous)
  list(a.volumes, "volumes").forEach((raw, i) => {
    const path = `docker.Container.volumes[${i}]`;
    const v = checkKeys(raw, path, ["volumeName", "hostPath", "containerPath", "readOnly"]);
    if (v.containerPath === undefined)
      throw new UntranslatedInputError(`${path}.containerPath`, "is required by this translation");
    const source = v.volumeName ?? v.hostPath;
    if (source === undefined || source === "") (body.Volumes ??= {})[String(v.containerPath)] = {};
    else (host.Binds ??= []).push(`${String(source)}:${String(v.containerPath)}${v.readOnly ? ":ro" : ""}`);
  });

  // devices [{hostPath, containerPath = hostPath, permissions = rwm}]
  //   → Devices [{PathOnHost, PathInContainer, CgroupPermissions}]
  const devices = list(a.devices, "devices");
  if (devices.length) {
    host.Devices = devices.map((raw, i) => {
      const d = checkKeys(raw, `docker.Container.devices[${i}]`, ["hostPath", "containerPath", "permissions"]);
      return {
        PathOnHost: String(d.hostPath),
        PathInContainer: String(d.containerPath ?? d.hostPath),
        CgroupPermissions: String(d.permissions ?? "rwm"),
      };
    });
  }

  // ulimits [{name, soft, hard}] → Ulimits [{Name, Soft, Hard}]
  const ulimits = list(a.ulimits, "ulimits");
  if (ulimits.length) {
    host.Ulimits = ulimits.map((raw, i) => {
      const u = checkKeys(raw, `docker.Container.ulimits[${i}]`, ["name", "soft", "hard"]);
      return { Name: String(u.name), Soft: Number(u.soft), Hard: Number(u.hard) };
    });
  }

  // networksAdvanced [{name}] → NetworkingConfig.EndpointsConfig {first name: {}} (the rest: engineNetworkConnects)
  const networks = networkNames(a.networksAdvanced);
  if (networks.length) body.NetworkingConfig = { EndpointsConfig: { [networks[0]]: {} } };

  body.HostConfig = host;
  return body;
}

function networkNames(networksAdvanced: unknown): string[] {
  return list(networksAdvanced, "networksAdvanced").map((raw, i) =>
    String(checkKeys(raw, `docker.Container.networksAdvanced[${i}]`, ["name"]).name),
  );
}

/**
 * Networks beyond the first of `networksAdvanced`: connect the created container to each
 * (`POST /networks/{name}/connect`) before starting it.
 */
export function engineNetworkConnects(containerArgs: object): string[] {
  const a = checkKeys(containerArgs, "docker.Container", HANDLED_CONTAINER_INPUTS);
  return networkNames(a.networksAdvanced).slice(1);
}

/** The docker.Network input keys this translation handles (anything else throws). */
export const HANDLED_NETWORK_INPUTS = [
  "name",
  "driver",
  "internal",
  "attachable",
  "ingress",
  "ipv6",
  "options",
  "labels",
  "ipamDriver",
  "ipamOptions",
  "ipamConfigs",
] as const;

/** docker.Network inputs (plain values) → the body of `POST /networks/create`. */
export function engineNetworkBody(networkArgs: object): Docker.NetworkCreateOptions {
  const a = checkKeys(networkArgs, "docker.Network", HANDLED_NETWORK_INPUTS);
  if (typeof a.name !== "string" || a.name === "")
    throw new UntranslatedInputError(
      "docker.Network.name",
      "is required by this translation (the provider would generate one)",
    );
  return {
    // name → Name
    Name: a.name,
    // the provider asks the engine to refuse a duplicate name
    CheckDuplicate: true,
    // driver → Driver (default bridge)
    Driver: a.driver === undefined ? "bridge" : String(a.driver),
    // internal → Internal (no gateway, no route out)
    Internal: Boolean(a.internal ?? false),
    // attachable → Attachable
    Attachable: Boolean(a.attachable ?? false),
    // ingress → Ingress
    Ingress: Boolean(a.ingress ?? false),
    // ipv6 → EnableIPv6
    EnableIPv6: Boolean(a.ipv6 ?? false),
    // options → Options (driver options, as written)
    Options:
      a.options === undefined
        ? {}
        : {
            ...(checkKeys(a.options, "docker.Network.options", Object.keys(a.options as object)) as Record<
              string,
              string
            >),
          },
    // labels [{label, value}] → Labels map
    Labels: labelMap(a.labels, "docker.Network.labels"),
    IPAM: {
      // ipamDriver → IPAM.Driver (default "default")
      Driver: a.ipamDriver === undefined ? "default" : String(a.ipamDriver),
      // ipamOptions → IPAM.Options
      ...(a.ipamOptions !== undefined ? { Options: { ...(a.ipamOptions as Record<string, string>) } } : {}),
      // ipamConfigs [{subnet, ipRange, gateway, auxAddress}]
      //   → IPAM.Config [{Subnet, IPRange, Gateway, AuxiliaryAddresses}]
      Config: list(a.ipamConfigs, "ipamConfigs").map((raw, i) => {
        const c = checkKeys(raw, `docker.Network.ipamConfigs[${i}]`, ["subnet", "ipRange", "gateway", "auxAddress"]);
        return {
          ...(c.subnet !== undefined ? { Subnet: String(c.subnet) } : {}),
          ...(c.ipRange !== undefined ? { IPRange: String(c.ipRange) } : {}),
          ...(c.gateway !== undefined ? { Gateway: String(c.gateway) } : {}),
          ...(c.auxAddress !== undefined
            ? { AuxiliaryAddresses: { ...(c.auxAddress as Record<string, string>) } }
            : {}),
        };
      }),
    },
  };
}
