/**
 * Fact builders for unit tests: each returns a fully compliant baseline; tests override the
 * one field they exercise, so a failing case differs from a passing one by exactly that field.
 */
import type {
  ContainerFacts,
  DaemonFacts,
  EngineFacts,
  HostFacts,
  ImageFacts,
  InventoryFacts,
  NetworkFacts,
  SwarmFacts,
} from "../../src/facts/types";
import { DEFAULT_SETTINGS, type RuleContext } from "../../src/rules/types";

export const NOW = new Date("2026-11-28T12:00:00Z");

export function ctx(overrides: Partial<RuleContext> = {}): RuleContext {
  return { settings: { ...DEFAULT_SETTINGS }, now: NOW, ...overrides };
}

const DIGEST = "sha256:" + "a".repeat(64);

export function container(overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  return {
    kind: "container",
    origin: "live",
    id: "c0ffee",
    name: "app",
    state: "running",
    image: {
      raw: `registry.example.com/team/app:1.0@${DIGEST}`,
      registry: "registry.example.com",
      repository: "team/app",
      tag: "1.0",
      digest: DIGEST,
      isImageId: false,
    },
    user: "10001:10001",
    privileged: false,
    capAdd: [],
    capDrop: ["ALL"],
    securityOptions: {
      noNewPrivileges: true,
      selinuxLabels: [],
      selinuxLabelDisabled: false,
      raw: ["no-new-privileges:true"],
    },
    appliedAppArmorProfile: "docker-default",
    mounts: [{ type: "tmpfs", source: "", target: "/tmp", readOnly: false }],
    ports: [{ containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8080 }],
    networkMode: "app-net",
    networks: ["app-net"],
    pidMode: "",
    ipcMode: "private",
    utsMode: "",
    usernsMode: "",
    cgroupParent: "",
    memoryBytes: 256 * 1024 * 1024,
    cpuShares: 512,
    nanoCpus: 500_000_000,
    cpuQuota: 0,
    cpuPeriod: 0,
    pidsLimit: 100,
    readOnlyRootfs: true,
    restartPolicy: { name: "on-failure", maximumRetryCount: 5 },
    devices: [],
    ulimits: [],
    healthcheck: { test: ["CMD", "/bin/true"], intervalSeconds: 30 },
    healthStatus: "healthy",
    labels: {},
    envNames: [],
    processes: ["/app/server"],
    ...overrides,
  };
}

export function daemon(overrides: Partial<DaemonFacts> = {}): DaemonFacts {
  return {
    kind: "daemon",
    origin: "declared",
    source: { configFile: "/etc/docker/daemon.json" },
    rootless: false,
    icc: false,
    logLevel: "info",
    iptables: true,
    insecureRegistries: [],
    storageDriver: "overlay2",
    hosts: ["unix:///var/run/docker.sock"],
    tls: false,
    tlsVerify: false,
    defaultUlimits: [{ name: "nofile", soft: 1024, hard: 4096 }],
    usernsRemap: "default",
    storageOpts: [],
    authorizationPlugins: ["authz-broker"],
    logDriver: "syslog",
    logOpts: {},
    noNewPrivileges: true,
    liveRestore: true,
    userlandProxy: false,
    experimental: false,
    selinuxEnabled: true,
    dataRoot: "/var/lib/docker",
    labels: {},
    extra: {},
    ...overrides,
  };
}

export function swarm(overrides: Partial<SwarmFacts> = {}): SwarmFacts {
  return { kind: "swarm", state: "inactive", active: false, isManager: false, managers: 0, nodes: 0, ...overrides };
}

export function engine(overrides: Partial<EngineFacts> = {}): EngineFacts {
  return {
    kind: "engine",
    serverVersion: "26.1.5",
    apiVersion: "1.45",
    dataRoot: "/var/lib/docker",
    storageDriver: "overlay2",
    imageStore: "graphdriver",
    loggingDriver: "syslog",
    liveRestoreEnabled: true,
    experimental: false,
    security: {
      apparmor: true,
      selinux: false,
      seccompProfile: "default",
      userns: true,
      rootless: false,
      cgroupns: true,
    },
    insecureRegistryCidrs: ["127.0.0.0/8"],
    insecureRegistries: [],
    containers: { total: 1, running: 1, paused: 0, stopped: 0 },
    images: 1,
    swarm: swarm(),
    ...overrides,
  };
}

export function network(overrides: Partial<NetworkFacts> = {}): NetworkFacts {
  return {
    kind: "network",
    origin: "live",
    id: "n1",
    name: "app-net",
    driver: "bridge",
    scope: "local",
    internal: true,
    attachable: false,
    ipv6: false,
    isDefaultBridge: false,
    encrypted: false,
    options: {},
    labels: {},
    containers: [],
    ...overrides,
  };
}

export function image(overrides: Partial<ImageFacts> = {}): ImageFacts {
  return {
    kind: "image",
    id: "sha256:" + "b".repeat(64),
    repoTags: ["registry.example.com/team/app:1.0"],
    repoDigests: [`registry.example.com/team/app@${DIGEST}`],
    user: "10001",
    healthcheck: { test: ["CMD", "/bin/true"] },
    containersUsing: 1,
    ...overrides,
  };
}

export function inventory(overrides: Partial<InventoryFacts> = {}): InventoryFacts {
  return { kind: "inventory", images: 3, imagesInUse: 3, containers: 2, runningContainers: 2, ...overrides };
}

export function host(overrides: Partial<HostFacts> = {}): HostFacts {
  const root = (path: string, mode: number, group = "root", type: "file" | "directory" | "socket" = "file") => ({
    path,
    type,
    owner: "root",
    group,
    mode,
  });
  const files = [
    root("/lib/systemd/system/docker.service", 0o644),
    root("/lib/systemd/system/docker.socket", 0o644),
    root("/etc/docker", 0o755, "root", "directory"),
    root("/etc/docker/daemon.json", 0o644),
    root("/etc/docker/certs.d/registry.example.com/ca.crt", 0o444),
    root("/etc/docker/tls/ca.pem", 0o444),
    root("/etc/docker/tls/server-cert.pem", 0o444),
    root("/etc/docker/tls/server-key.pem", 0o400),
    root("/var/run/docker.sock", 0o660, "docker", "socket"),
    root("/run/containerd/containerd.sock", 0o660, "root", "socket"),
    root("/etc/default/docker", 0o644),
  ];
  return {
    kind: "host",
    hostname: "docker-host-1",
    mounts: [
      { mountPoint: "/", device: "253:0", root: "/", fsType: "ext4", source: "/dev/vda1" },
      { mountPoint: "/var/lib/docker", device: "253:16", root: "/", fsType: "ext4", source: "/dev/vdb1" },
    ],
    locations: {
      dataRoot: "/var/lib/docker",
      dockerdBinary: "/usr/bin/dockerd",
      containerdRunDir: "/run/containerd",
      etcDocker: "/etc/docker",
      dockerServiceUnit: "/lib/systemd/system/docker.service",
      dockerSocketUnit: "/lib/systemd/system/docker.socket",
      containerdSocket: "/run/containerd/containerd.sock",
      etcDefaultDocker: "/etc/default/docker",
      daemonConfig: "/etc/docker/daemon.json",
      containerdConfig: undefined,
      etcSysconfigDocker: undefined,
      containerdBinary: "/usr/bin/containerd",
      containerdShimBinary: undefined,
      containerdShimRuncV1Binary: undefined,
      containerdShimRuncV2Binary: "/usr/bin/containerd-shim-runc-v2",
      runcBinary: "/usr/bin/runc",
      dockerSocket: "/var/run/docker.sock",
      registryCertFiles: ["/etc/docker/certs.d/registry.example.com/ca.crt"],
      tlsCaCert: "/etc/docker/tls/ca.pem",
      tlsCert: "/etc/docker/tls/server-cert.pem",
      tlsKey: "/etc/docker/tls/server-key.pem",
    },
    auditWatches: [
      "/usr/bin/dockerd",
      "/run/containerd",
      "/var/lib/docker",
      "/etc/docker",
      "/lib/systemd/system/docker.service",
      "/run/containerd/containerd.sock",
      "/lib/systemd/system/docker.socket",
      "/etc/default/docker",
      "/etc/docker/daemon.json",
      "/usr/bin/containerd",
      "/usr/bin/containerd-shim-runc-v2",
      "/usr/bin/runc",
    ],
    files: Object.fromEntries(files.map((f) => [f.path, f])),
    dockerGroupMembers: [],
    engineVersion: "26.1.5",
    apparmorEnabled: true,
    selinuxEnabled: false,
    os: { id: "debian", version: "12" },
    ...overrides,
  };
}

/**
 * The daemon.json SecureDaemon renders by default (with an authorization plugin): compliant with
 * section 2. test/unit/components/secure-daemon.test.ts asserts the component renders exactly this.
 */
export const COMPLIANT_DAEMON_JSON: Readonly<Record<string, unknown>> = {
  icc: false,
  "userns-remap": "default",
  "selinux-enabled": true,
  "no-new-privileges": true,
  "live-restore": true,
  "userland-proxy": false,
  iptables: true,
  "log-level": "info",
  "log-driver": "journald",
  "default-ulimits": { nofile: { Name: "nofile", Soft: 1024, Hard: 4096 } },
  "insecure-registries": [],
  experimental: false,
  "authorization-plugins": ["authz-broker"],
};
