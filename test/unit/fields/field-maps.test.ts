/**
 * The field maps (src/fields): every fact field a rule reads has its sources; every component
 * argument that feeds a fact appears in its kind's map, and only real arguments do; the refusals
 * the components derive from the maps name the right argument; the `*_INPUT_FIELDS` the policy
 * pack and the drift check use are the maps' inputs.
 */
import { argsSchema as containerArgsSchema } from "../../../src/components/hardened-container/args";
import { planHardenedContainer, type HardenedContainerArgs } from "../../../src/components/hardened-container";
import { argsSchema as networkArgsSchema } from "../../../src/components/hardened-network/args";
import { argsSchema as daemonArgsSchema } from "../../../src/components/secure-daemon/args";
import { planSecureDaemon, type SecureDaemonArgs } from "../../../src/components/secure-daemon";
import {
  argumentFor,
  copier,
  CONTAINER_FIELDS,
  CONTAINER_INPUT_FIELDS,
  DAEMON_FIELDS,
  entryOf,
  NETWORK_FIELDS,
  NETWORK_INPUT_FIELDS,
  PROVIDER_INPUT_FIELDS,
  PROVIDER_KNOWN_FIELDS,
  SECURE_DAEMON_INPUT_FIELDS,
  SERVICE_FIELDS,
  SERVICE_INPUT_FIELDS,
  type FieldMap,
  type FieldSources,
} from "../../../src/fields";
import { DAEMON_JSON_KEYS } from "../../../src/adapters/daemon-config";
import type { ContainerFacts } from "../../../src/facts/types";
import { CATALOG } from "../../../src/rules/catalog";
import { refusalOf } from "../../harness/pulumi-mocks";

const NOW = new Date("2026-11-28T12:00:00Z");
const MAPS: Record<string, FieldMap> = { container: CONTAINER_FIELDS, daemon: DAEMON_FIELDS, network: NETWORK_FIELDS };

/** The arguments a map names (their top-level names). */
const namedArguments = (map: FieldMap) =>
  new Set(Object.values(map).flatMap((s) => (s.arguments ?? []).map((a) => a.split(/[.[]/)[0]!)));

describe("field maps", () => {
  it.each(Object.keys(MAPS))("has every %s fact field a catalog rule reads", (kind) => {
    const reads = CATALOG.filter((r) => r.subject === kind).flatMap((r) => r.reads ?? []);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((field) => entryOf(MAPS[kind]!, field) === undefined)).toEqual([]);
  });

  it("names every daemon.json key the daemon adapter reads, and only those", () => {
    const named = Object.values(DAEMON_FIELDS).flatMap((s: FieldSources) => s.daemonJson ?? []);
    expect([...new Set(named)].sort()).toEqual([...DAEMON_JSON_KEYS].sort());
  });

  it("gives a service's task container every field the container map has", () => {
    expect(Object.keys(SERVICE_FIELDS).sort()).toEqual(
      Object.keys(CONTAINER_FIELDS)
        .filter((k) => !k.includes("."))
        .sort(),
    );
  });

  // Arguments that set no fact field: what the container runs, and where the PIDs-limit command runs.
  const CONTAINER_NO_FACT = ["command", "entrypoint", "workingDir", "dockerHost", "hostConnection"];
  // How the component reaches the host and hands out its provider, the host's layout, the apply's
  // timing, the host's limits (the rule context, not the facts), and the flags, which set any field
  // (a refusal names them when they do).
  const DAEMON_NO_FACT = ["connection", "hostHardLimits", "paths", "restartTimeoutSeconds", "provider", "dockerdFlags"];
  // Addressing only.
  const NETWORK_NO_FACT = ["subnet"];

  it.each([
    ["HardenedContainer", containerArgsSchema.shape, CONTAINER_FIELDS, CONTAINER_NO_FACT],
    ["SecureDaemon", daemonArgsSchema.shape, DAEMON_FIELDS, DAEMON_NO_FACT],
    ["HardenedNetwork", networkArgsSchema.shape, NETWORK_FIELDS, NETWORK_NO_FACT],
  ] as const)("names every argument of %s that feeds a fact, and only its arguments", (_, shape, map, noFact) => {
    const args = Object.keys(shape);
    const named = namedArguments(map);
    expect(args.filter((a) => !named.has(a) && !noFact.includes(a))).toEqual([]);
    expect([...named].filter((a) => !args.includes(a))).toEqual([]);
    expect(noFact.filter((a) => named.has(a) || !args.includes(a))).toEqual([]);
  });

  it("looks a verdict's field up by its longest mapped prefix, indices dropped", () => {
    expect(argumentFor(CONTAINER_FIELDS, "securityOptions.seccompProfile")).toBe("seccompProfile");
    expect(argumentFor(CONTAINER_FIELDS, "securityOptions.selinuxLabelDisabled")).toBe("securityOptions");
    expect(argumentFor(CONTAINER_FIELDS, "ports[1].hostPort")).toBe("ports[1].external");
    expect(argumentFor(CONTAINER_FIELDS, "mounts[1].source", { mounts: ["binds[0]", 'tmpfs["/tmp"]'] })).toBe(
      'tmpfs["/tmp"]',
    );
    expect(argumentFor(CONTAINER_FIELDS, "restartPolicy.name")).toBe("restart");
    expect(argumentFor(DAEMON_FIELDS, "storageOpts[0]")).toBe('extraConfig["storage-opts"]');
  });

  it("lets the adapters copy the fields the map marks: the value at the first path, or the default", () => {
    const fromInspect = copier<ContainerFacts>()(CONTAINER_FIELDS, "engine");
    expect(fromInspect({ HostConfig: { PidMode: "host" } }, "pidMode")).toBe("host");
    expect(fromInspect({ HostConfig: { PidMode: null } }, "pidMode")).toBe("");
    expect(fromInspect({}, "memoryBytes")).toBe(0);
    const fromInputs = copier<ContainerFacts>()(CONTAINER_FIELDS, "inputs");
    expect(fromInputs({ readOnly: true }, "readOnlyRootfs")).toBe(true);
    // @ts-expect-error the provider's memory is in MiB: converted by the adapter, not copied
    expect(() => fromInputs({ memory: 256 }, "memoryBytes")).toThrow();
  });

  it("derives the input → fact maps the policy pack and the drift check use", () => {
    expect(CONTAINER_INPUT_FIELDS).toEqual({
      image: ["image"],
      name: ["name"],
      user: ["user"],
      privileged: ["privileged"],
      capabilities: ["capAdd", "capDrop"],
      securityOpts: ["securityOptions"],
      mounts: ["mounts"],
      volumes: ["mounts"],
      tmpfs: ["mounts"],
      ports: ["ports"],
      publishAllPorts: ["publishAllPorts"],
      networkMode: ["networkMode", "networks"],
      networksAdvanced: ["networks"],
      pidMode: ["pidMode"],
      ipcMode: ["ipcMode"],
      usernsMode: ["usernsMode"],
      cgroupParent: ["cgroupParent"],
      memory: ["memoryBytes"],
      cpuShares: ["cpuShares"],
      cpus: ["nanoCpus"],
      cpuQuota: ["cpuQuota"],
      cpuPeriod: ["cpuPeriod"],
      readOnly: ["readOnlyRootfs"],
      restart: ["restartPolicy"],
      maxRetryCount: ["restartPolicy"],
      devices: ["devices"],
      ulimits: ["ulimits"],
      healthcheck: ["healthcheck"],
      labels: ["labels", "pidsLimit"],
      envs: ["envNames"],
    });
    expect(NETWORK_INPUT_FIELDS).toEqual({
      name: ["name"],
      driver: ["driver", "scope"],
      internal: ["internal"],
      attachable: ["attachable"],
      ipv6: ["ipv6"],
      options: ["options", "enableIcc", "encrypted"],
      labels: ["labels"],
    });
    expect(SERVICE_INPUT_FIELDS).toMatchObject({
      "taskSpec.containerSpec.labels": ["labels", "pidsLimit"],
      "taskSpec.resources": ["memoryBytes", "nanoCpus"],
      "taskSpec.networksAdvanceds": ["networkMode", "networks"],
      "endpointSpec.ports": ["ports"],
    });
    expect(PROVIDER_INPUT_FIELDS).toEqual({
      host: ["hosts"],
      caMaterial: ["tls", "tlsVerify", "tlsCaCert"],
      certMaterial: ["tls", "tlsVerify", "tlsCert"],
      keyMaterial: ["tls", "tlsVerify", "tlsKey"],
      certPath: ["tls", "tlsVerify", "tlsCaCert", "tlsCert", "tlsKey"],
    });
    expect(PROVIDER_KNOWN_FIELDS).toEqual(["hosts", "tls", "tlsVerify", "tlsCaCert", "tlsCert", "tlsKey"]);
    expect(SECURE_DAEMON_INPUT_FIELDS.configFile).toEqual(["source"]);
    expect(SECURE_DAEMON_INPUT_FIELDS.dockerdFlags).toEqual(SECURE_DAEMON_INPUT_FIELDS.daemonJson);
    expect(SECURE_DAEMON_INPUT_FIELDS.daemonJson).toHaveLength(28);
  });
});

describe("refusals name the argument the field map gives", () => {
  const container: HardenedContainerArgs = {
    image: "registry.example.com/team/api@sha256:" + "d".repeat(64),
    memory: "256Mi",
    networks: ["backend"],
    healthcheck: { test: ["CMD", "/bin/true"] },
  };
  const refusedContainer = (over: Partial<HardenedContainerArgs>) =>
    refusalOf(() => planHardenedContainer("api", { ...container, ...over }, { now: NOW }));

  it.each<[Partial<HardenedContainerArgs>, RegExp]>([
    [{ readOnlyRootfs: false }, /- readOnlyRootfs: false breaks CIS 5\.13/],
    [{ ports: [{ internal: 80, external: 80, hostIp: "127.0.0.1" }] }, /- ports\[0\]\.external: 80 breaks CIS 5\.8/],
    [
      { ports: [{ internal: 80, external: 8080, hostIp: "0.0.0.0" }] },
      /- ports\[0\]\.hostIp: "0\.0\.0\.0" breaks CIS 5\.14/,
    ],
    [{ seccompProfile: "unconfined" }, /- seccompProfile: "unconfined" breaks CIS 5\.22/],
    [{ noNewPrivileges: false }, /- noNewPrivileges: false breaks CIS 5\.26/],
    [{ restart: { policy: "on-failure", maxRetries: 9 } }, /- restart: .* breaks CIS 5\.15/],
    [{ user: "root" }, /- user: "root" breaks CIS 4\.1/],
    [
      {
        binds: [
          { hostPath: "/srv/data", containerPath: "/data" },
          { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" },
        ],
      },
      /- binds\[1\]: .* breaks CIS 5\.32/,
    ],
  ])("HardenedContainer %j", (over, message) => {
    expect(refusedContainer(over)).toMatch(message);
  });

  const daemon: SecureDaemonArgs = {
    connection: {
      host: "10.0.0.5",
      privateKey:
        "-----BEGIN OPENSSH PRIVATE KEY-----\nUFJJVkFURS1TU0gtS0VZLVRFWFQ=\n-----END OPENSSH PRIVATE KEY-----\n",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2 root@docker-1",
    },
    authorizationPlugins: ["authz-broker"],
  };
  const refusedDaemon = (over: Partial<SecureDaemonArgs>) =>
    refusalOf(() => planSecureDaemon("docker-1", { ...daemon, ...over }, { now: NOW }));

  it.each<[Partial<SecureDaemonArgs>, RegExp]>([
    [{ icc: true }, /- icc: true breaks CIS 2\.2/],
    [{ logDriver: "json-file" }, /- logDriver: "json-file" breaks CIS 2\.13/],
    [{ extraConfig: { "cgroup-parent": "/docker-limits" } }, /- extraConfig\["cgroup-parent"\]: .* breaks CIS 2\.10/],
    [{ dockerdFlags: ["--icc=true"] }, /- dockerdFlags: true breaks CIS 2\.2/],
  ])("SecureDaemon %j", (over, message) => {
    expect(refusedDaemon(over)).toMatch(message);
  });
});
