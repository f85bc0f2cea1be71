/**
 * Normalised, provider-neutral facts. Adapters (src/adapters) turn a source format —
 * Pulumi inputs, Engine API inspect JSON, daemon.json + dockerd argv, host probes — into
 * these shapes; rules (src/rules) read only these. Units are normalised here once:
 * sizes in bytes, times in seconds, booleans as booleans, lists as arrays (never
 * comma-separated strings), capability names upper-case without the `CAP_` prefix,
 * file modes as numeric permission bits (0o644), so no rule parses a string.
 *
 * `undefined` on an optional field means "not known from this source" (e.g. the image's
 * user when only a Pulumi declaration is available); rules treat it explicitly.
 */

/**
 * Where a set of facts came from. `declared` = before deploy (IaC inputs, daemon.json); `live` = a running engine/host.
 */
export type FactOrigin = "declared" | "live";

// ───────────────────────────── containers ─────────────────────────────

export type ContainerState =
  "declared" | "created" | "running" | "paused" | "restarting" | "exited" | "removing" | "dead";

export interface ImageRef {
  /** The reference exactly as written, e.g. `registry.example.com:5000/team/app:1.2@sha256:…`. */
  raw: string;
  /** Registry host (with port), `docker.io` when none is written. */
  registry: string;
  /** Repository path without registry, e.g. `library/redis` or `team/app`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` when the reference is pinned by digest. */
  digest?: string;
  /** True when `raw` is an image ID (`sha256:…` or 12–64 hex chars) rather than a name. */
  isImageId: boolean;
}

export interface MountFacts {
  type: "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";
  /** Host path for binds, volume name for volumes, empty for tmpfs. */
  source: string;
  /** Path inside the container. */
  target: string;
  readOnly: boolean;
  /** Bind propagation; `undefined` = engine default (rprivate). */
  propagation?: "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";
}

export interface PortBinding {
  /** Port inside the container. */
  containerPort: number;
  protocol: "tcp" | "udp" | "sctp";
  /** Host address the port is published on, exactly as configured/reported. Empty string = all interfaces. */
  hostIp: string;
  /** Host port; 0 means "engine picks an ephemeral port". */
  hostPort: number;
}

export interface DeviceMapping {
  pathOnHost: string;
  pathInContainer: string;
  permissions: string;
}

export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

export interface HealthcheckFacts {
  /** Test command, e.g. ["CMD-SHELL", "wget -q …"]. `["NONE"]` disables an inherited check. */
  test: string[];
  intervalSeconds?: number;
  timeoutSeconds?: number;
  retries?: number;
  startPeriodSeconds?: number;
}

/** Security options (`--security-opt`) parsed into their meanings. */
export interface SecurityOptions {
  noNewPrivileges: boolean;
  /**
   * `no-new-privileges=false` written explicitly. The engine applies it after the daemon-wide
   * default, so it switches a daemon's `no-new-privileges: true` off for this container.
   * undefined = not written / not known.
   */
  noNewPrivilegesOptOut?: boolean;
  /** `unconfined`, a profile path/JSON marker, or undefined (engine default profile). */
  seccompProfile?: string;
  /** AppArmor profile named in security options (`apparmor=…`), undefined = engine default. */
  apparmorProfile?: string;
  /** `label=user:…`, `label=role:…`, `label=type:…`, `label=level:…` entries (without `label=`). */
  selinuxLabels: string[];
  /** `label=disable` (or `label:disable`) present. */
  selinuxLabelDisabled: boolean;
  /** Every option as written, for reports. */
  raw: string[];
}

/** One `docker exec` seen in an audit source. */
export interface ExecAuditEvent {
  /** `--privileged` was given. */
  privileged: boolean;
  /**
   * `--user` as given; undefined = not given (the container's user applies). The engine's exec
   * instances record the user the exec runs as: the container's when none was given.
   */
  user?: string;
  /** When it happened (ISO 8601), for reports. */
  at?: string;
  /** The command it runs, for reports. */
  command?: string;
  /** How the run named this container when not by its name or ID (a Compose service), for reports. */
  via?: string;
}

/**
 * What a list of exec events covers: every `docker exec` of the period (a host audit log), or
 * only the exec sessions the engine holds at collection time (`engine-sessions`: the engine
 * forgets an exec once it ends, so an empty list proves nothing about earlier ones).
 */
export type ExecAuditCoverage = "audit-log" | "engine-sessions";

export interface ContainerFacts {
  kind: "container";
  origin: FactOrigin;
  /** Engine ID (live) or a logical name/URN (declared). */
  id: string;
  name: string;
  state: ContainerState;
  image: ImageRef;
  /** Facts of the image when known (live inspect, or a lookup); undefined otherwise. */
  imageConfig?: { user?: string; healthcheck?: HealthcheckFacts };
  /** `--user` as given; undefined when not set on the container. */
  user?: string;
  privileged: boolean;
  /** Normalised: upper-case, no `CAP_` prefix; `ALL` kept as `ALL`. */
  capAdd: string[];
  capDrop: string[];
  securityOptions: SecurityOptions;
  /** AppArmor profile the engine applied (live only; empty string = none applied). */
  appliedAppArmorProfile?: string;
  mounts: MountFacts[];
  /** Published ports only. */
  ports: PortBinding[];
  /**
   * `-P` / `publishAllPorts`: the engine publishes every port the image EXPOSEs (now, or after a
   * rebuild) on every interface. Not known before deploy which ports those are, so a rule judges
   * the flag itself.
   */
  publishAllPorts?: boolean;
  /** `bridge` (default bridge), `host`, `none`, `container:<id>`, or a network name. */
  networkMode: string;
  /** Names of the networks the container is attached to (live) or declared on. */
  networks: string[];
  pidMode: string;
  ipcMode: string;
  utsMode: string;
  usernsMode: string;
  cgroupParent: string;
  /** Memory limit in bytes; 0 = unlimited. */
  memoryBytes: number;
  /** CPU shares; 0 = engine default (1024). */
  cpuShares: number;
  /** CPU limit in units of 1e-9 CPUs (Engine `NanoCpus`); 0 = unlimited. */
  nanoCpus: number;
  cpuQuota: number;
  cpuPeriod: number;
  /** PIDs limit; undefined or <= 0 = unlimited. */
  pidsLimit?: number;
  readOnlyRootfs: boolean;
  restartPolicy: { name: "no" | "always" | "unless-stopped" | "on-failure"; maximumRetryCount: number };
  devices: DeviceMapping[];
  ulimits: Ulimit[];
  /** Healthcheck on the container spec itself (undefined = none declared on the container). */
  healthcheck?: HealthcheckFacts;
  /** Live health status when the engine tracks one. */
  healthStatus?: "starting" | "healthy" | "unhealthy" | "none";
  labels: Record<string, string>;
  /** Environment variable names (never values: values may be secrets). */
  envNames: string[];
  /** Process command lines (live, running containers, from the engine's `top`); undefined = not collected. */
  processes?: string[];
  /**
   * `docker exec` runs into this container, from the host's audit log (auditd) or the engine's
   * event stream (CIS 5.23/5.24); undefined = not collected.
   */
  execAuditEvents?: ExecAuditEvent[];
  /** What execAuditEvents covers (undefined with events = a full audit log). */
  execAuditCoverage?: ExecAuditCoverage;
  /** With `audit-log` coverage: the time of the log's first record (ISO 8601); nothing before it is known. */
  execAuditSince?: string;
}

// ───────────────────────────── daemon ─────────────────────────────

/**
 * The effective dockerd configuration: daemon.json merged with dockerd flags (flags win),
 * with dockerd's defaults applied for anything neither sets.
 */
export interface DaemonFacts {
  kind: "daemon";
  origin: FactOrigin;
  /** Where the configuration came from. */
  source: { configFile?: string; argv?: string[] };
  /** Rootless mode (dockerd-rootless / `rootless` security option). */
  rootless: boolean;
  icc: boolean;
  logLevel: string;
  iptables: boolean;
  insecureRegistries: string[];
  storageDriver?: string;
  /**
   * Listeners as URLs: `unix:///var/run/docker.sock`, `tcp://0.0.0.0:2376`, `fd://`.
   * Empty = dockerd default unix socket.
   */
  hosts: string[];
  tls: boolean;
  tlsVerify: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
  defaultUlimits: Ulimit[];
  usernsRemap?: string;
  cgroupParent?: string;
  /** Storage options as `key=value` split into entries. */
  storageOpts: { key: string; value: string }[];
  authorizationPlugins: string[];
  logDriver: string;
  logOpts: Record<string, string>;
  noNewPrivileges: boolean;
  liveRestore: boolean;
  userlandProxy: boolean;
  /** `--seccomp-profile`: a path, `unconfined`, `builtin`, or undefined (default profile). */
  seccompProfile?: string;
  experimental: boolean;
  selinuxEnabled: boolean;
  dataRoot: string;
  /** Engine labels (`labels` in daemon.json / `--label`), as key → value; carries exemptions. */
  labels: Record<string, string>;
  /** Keys of daemon.json this project does not model, kept verbatim. */
  extra: Record<string, unknown>;
}

// ───────────────────────────── engine (`docker info`) ─────────────────────────────

export interface EngineFacts {
  kind: "engine";
  serverVersion: string;
  apiVersion?: string;
  /** The oldest API version the engine accepts (`MinAPIVersion` of `GET /version`). */
  minApiVersion?: string;
  operatingSystem?: string;
  kernelVersion?: string;
  dataRoot: string;
  storageDriver: string;
  /**
   * Where images live: `containerd` when the engine stores them in containerd (a snapshotter:
   * Engine 29's default, except with userns-remap), under containerd's root, not the data root.
   */
  imageStore: "containerd" | "graphdriver";
  loggingDriver: string;
  cgroupDriver?: string;
  liveRestoreEnabled: boolean;
  experimental: boolean;
  /** Parsed `SecurityOptions` of `docker info`. */
  security: {
    apparmor: boolean;
    selinux: boolean;
    seccompProfile?: string;
    userns: boolean;
    rootless: boolean;
    cgroupns: boolean;
  };
  insecureRegistryCidrs: string[];
  /** Registries (from IndexConfigs) marked insecure. */
  insecureRegistries: string[];
  containers: { total: number; running: number; paused: number; stopped: number };
  images: number;
  swarm: SwarmFacts;
}

// ───────────────────────────── swarm ─────────────────────────────

export interface SwarmFacts {
  kind: "swarm";
  /** `inactive`, `pending`, `active`, `error`, `locked`. */
  state: string;
  active: boolean;
  isManager: boolean;
  managers: number;
  nodes: number;
  /** Address the node listens on for cluster management, e.g. `0.0.0.0:2377`. */
  listenAddr?: string;
  /**
   * This manager's advertised management address (`docker info` RemoteManagers), e.g. `10.0.0.5:2377`:
   * its port is the one it listens on.
   */
  managementAddr?: string;
  autolockEnabled?: boolean;
}

// ───────────────────────────── networks ─────────────────────────────

export interface NetworkFacts {
  kind: "network";
  origin: FactOrigin;
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  ipv6: boolean;
  /** True for the engine's default `bridge` network (docker0). */
  isDefaultBridge: boolean;
  /** `com.docker.network.bridge.enable_icc`; undefined = driver default (true). */
  enableIcc?: boolean;
  /** Overlay `encrypted` option present. */
  encrypted: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** IDs of attached containers (live). */
  containers: string[];
}

// ───────────────────────────── images ─────────────────────────────

export interface ImageFacts {
  kind: "image";
  id: string;
  repoTags: string[];
  repoDigests: string[];
  user?: string;
  healthcheck?: HealthcheckFacts;
  /** Number of containers (any state) that use this image; undefined = unknown. */
  containersUsing?: number;
  /**
   * `Config.Env` as `NAME=value`, the values of credential-named variables replaced by `***`
   * (an empty one stays empty: facts/redact.ts names the credential words). Undefined = not read
   * (the image list carries no config; the pack has no image).
   */
  env?: string[];
  /** `Config.ExposedPorts` keys (`8080/tcp`); undefined = not read. */
  exposedPorts?: string[];
  /**
   * The image's history (`GET /images/{id}/history`, what `docker history` prints), newest layer
   * first as the engine lists it; undefined = not read (the pack before deploy, an image gone
   * during the audit).
   */
  history?: ImageHistoryEntry[];
}

/** One line of an image's history. */
export interface ImageHistoryEntry {
  /**
   * The instruction as the builder recorded it (`/bin/sh -c #(nop) ADD file:… in /x `,
   * `|1 A=b /bin/sh -c …`, BuildKit's `RUN /bin/sh -c … # buildkit`), secret values replaced by
   * `***` (facts/redact.ts); "" for an imported or committed layer.
   */
  createdBy: string;
  /** The engine's comment (`Imported from -`), when there is one. */
  comment?: string;
}

/** Counts for section 6 (sprawl). */
export interface InventoryFacts {
  kind: "inventory";
  images: number;
  imagesInUse: number;
  containers: number;
  runningContainers: number;
}

// ───────────────────────────── host ─────────────────────────────

/** One line of /proc/self/mountinfo, parsed. */
export interface MountInfoEntry {
  mountPoint: string;
  /** `major:minor` of the backing device. */
  device: string;
  /** Root of the mount within its filesystem (bind mounts have a non-`/` root). */
  root: string;
  fsType: string;
  source: string;
}

export interface FileStat {
  path: string;
  type: "file" | "directory" | "socket" | "symlink" | "other";
  owner: string;
  group: string;
  /** Permission bits, e.g. 0o644 (never the decimal number 644). */
  mode: number;
}

/** Paths on the host that CIS items refer to, as resolved by the probe (undefined = absent on this host). */
export interface HostLocations {
  dataRoot: string;
  /** containerd's root (config.toml `root`, default /var/lib/containerd), when the engine keeps its images there. */
  containerdRoot?: string;
  dockerdBinary?: string;
  containerdRunDir?: string;
  etcDocker?: string;
  dockerServiceUnit?: string;
  dockerSocketUnit?: string;
  containerdSocket?: string;
  etcDefaultDocker?: string;
  /** The daemon config file in use (honours `--config-file`). */
  daemonConfig?: string;
  containerdConfig?: string;
  etcSysconfigDocker?: string;
  containerdBinary?: string;
  containerdShimBinary?: string;
  containerdShimRuncV1Binary?: string;
  containerdShimRuncV2Binary?: string;
  runcBinary?: string;
  /** The Docker socket in use. */
  dockerSocket?: string;
  /** /etc/docker/certs.d registry certificate files found. */
  registryCertFiles: string[];
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export interface HostFacts {
  kind: "host";
  hostname: string;
  /** /proc/self/mountinfo of the host's mount namespace. */
  mounts: MountInfoEntry[];
  locations: HostLocations;
  /**
   * Paths watched by loaded or persistent audit rules (`-w PATH` or `-F path=`/`-F dir=`).
   * Undefined = auditd state unknown.
   */
  auditWatches?: string[];
  /**
   * The subset of `auditWatches` set only by `-F path=` rules (see `nonRecursiveAuditPaths` in
   * ../adapters/host-parsers): such a rule matches that one inode, so it does not cover files below a
   * directory. Undefined = none (every watch may be a recursive `-w`/`-F dir=` watch).
   */
  auditNonRecursiveWatches?: string[];
  /** stat of every location above that exists, keyed by path. */
  files: Record<string, FileStat>;
  /** Members of the `docker` group (explicit and primary-group members). */
  dockerGroupMembers: string[];
  engineVersion?: string;
  /**
   * The oldest Engine API version the engine accepts from clients (`MinAPIVersion` of
   * `GET /version`): its line's default unless DOCKER_MIN_API_VERSION lowered it.
   */
  engineMinApiVersion?: string;
  /**
   * Hard resource limits that bound containers' ulimits (those of the dockerd process, from
   * /proc/<dockerd pid>/limits), keyed by Docker ulimit name (`nofile`, `nproc`, …). A name that
   * is missing = unknown or unlimited; undefined = not collected. Used by CIS 2.8: a
   * `default-ulimits` hard limit above it makes containers fail to start under user namespaces.
   */
  ulimitHardLimits?: Record<string, number>;
  /** Host supports/enforces these LSMs; undefined = unknown. */
  apparmorEnabled?: boolean;
  selinuxEnabled?: boolean;
  os?: { id: string; version: string; prettyName?: string };
}

export type Facts =
  ContainerFacts | DaemonFacts | EngineFacts | SwarmFacts | NetworkFacts | ImageFacts | InventoryFacts | HostFacts;

export type SubjectKind = Facts["kind"];
export type FactsOf<K extends SubjectKind> = Extract<Facts, { kind: K }>;
