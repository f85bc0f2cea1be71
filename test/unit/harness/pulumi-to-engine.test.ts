/**
 * The test translation docker.Container / docker.Network inputs → Engine API bodies
 * (test/harness/pulumi-to-engine.ts): exact bodies for what the components compute, the units the
 * provider uses, and a loud failure on anything it does not handle.
 */
import * as pulumi from "@pulumi/pulumi";
import { planHardenedContainer, type HardenedContainerArgs } from "../../../src/components/hardened-container";
import { planHardenedNetwork } from "../../../src/components/hardened-network";
import {
  cpusToNanoCpus,
  engineCreateBody,
  engineNetworkBody,
  engineNetworkConnects,
  goDurationToNanos,
  HANDLED_CONTAINER_INPUTS,
  UntranslatedInputError,
} from "../../harness/pulumi-to-engine";

const NOW = new Date("2026-11-28T12:00:00Z");
const IMAGE_ID = "sha256:" + "a".repeat(64);
const MiB = 1024 * 1024;
const REASON = "reviewed in the security design doc";

const base: HardenedContainerArgs = {
  image: IMAGE_ID,
  memory: "64Mi",
  user: "10001:10001",
  networks: ["net-a"],
  command: ["httpd", "-f", "-p", "8080"],
  healthcheck: {
    test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
    interval: "1s",
    timeout: "2s",
  },
  ports: [{ internal: 8080, external: 21080, hostIp: "127.0.0.1" }],
  tmpfs: { "/tmp": "16Mi" },
  pidsLimit: 64,
};

describe("engineCreateBody on a planned HardenedContainer", () => {
  it("renders the exact create body: every hardening carried over, in the engine's units", () => {
    const { containerArgs } = planHardenedContainer("api", base, { now: NOW });
    expect(engineCreateBody(containerArgs)).toEqual({
      name: "api",
      Image: IMAGE_ID,
      User: "10001:10001",
      Cmd: ["httpd", "-f", "-p", "8080"],
      Labels: { "hardened-docker.component": "HardenedContainer", "hardened-docker.pids-limit": "64" },
      Healthcheck: {
        Test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
        Interval: 1e9,
        Timeout: 2e9,
        StartPeriod: 0,
        Retries: 3,
      },
      ExposedPorts: { "8080/tcp": {} },
      NetworkingConfig: { EndpointsConfig: { "net-a": {} } },
      HostConfig: {
        Init: false,
        CapAdd: [],
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges:true"],
        ReadonlyRootfs: true,
        Privileged: false,
        Memory: 64 * MiB,
        NanoCpus: 1e9,
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 5 },
        IpcMode: "private",
        NetworkMode: "net-a",
        Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=16777216" },
        PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "21080" }] },
      },
    });
  });

  it(
    "translates every argument the component can render (mounts, " +
      "volumes, devices, ulimits, namespaces, extra networks)",
    () => {
      const { containerArgs } = planHardenedContainer(
        "full",
        {
          ...base,
          networks: ["net-a", "net-b"],
          cpus: 1.5,
          capAdd: ["CHOWN", "NET_BIND_SERVICE"],
          ports: [
            { internal: 8080, external: 21080, hostIp: "127.0.0.1" },
            { internal: 8080, external: 21081, hostIp: "10.0.0.5" },
            { internal: 5353, external: 25353, hostIp: "::1", protocol: "udp" },
          ],
          binds: [{ hostPath: "/srv/data", containerPath: "/data" }],
          volumes: [
            { volumeName: "cache", containerPath: "/cache" },
            { volumeName: "conf", containerPath: "/conf", readOnly: true },
          ],
          devices: [{ hostPath: "/dev/fuse" }],
          ulimits: [{ name: "nofile", soft: 1024, hard: 2048 }],
          restart: { policy: "on-failure", maxRetries: 2 },
          healthcheck: {
            test: ["CMD", "/bin/true"],
            interval: "1m30s",
            timeout: "500ms",
            startPeriod: "1.5s",
            retries: 4,
          },
          cgroupParent: "/hardened",
          seccompProfile: "/etc/docker/seccomp.json",
          apparmorProfile: "docker-default",
          entrypoint: ["/bin/sh", "-c"],
          workingDir: "/srv",
          labels: { team: "api" },
          exemptions: [
            { rule: "5.18", reason: REASON },
            { rule: "5.25", reason: REASON },
          ],
        },
        { now: NOW },
      );
      const body = engineCreateBody(containerArgs);
      expect(body).toMatchObject({
        Entrypoint: ["/bin/sh", "-c"],
        WorkingDir: "/srv",
        Labels: { team: "api" },
        Healthcheck: { Test: ["CMD", "/bin/true"], Interval: 90e9, Timeout: 500e6, StartPeriod: 1.5e9, Retries: 4 },
        ExposedPorts: { "8080/tcp": {}, "5353/udp": {} },
        NetworkingConfig: { EndpointsConfig: { "net-a": {} } },
        HostConfig: {
          CapAdd: ["CHOWN", "NET_BIND_SERVICE"],
          SecurityOpt: ["no-new-privileges:true", "seccomp=/etc/docker/seccomp.json", "apparmor=docker-default"],
          NanoCpus: 1_500_000_000,
          RestartPolicy: { Name: "on-failure", MaximumRetryCount: 2 },
          CgroupParent: "/hardened",
          PortBindings: {
            "8080/tcp": [
              { HostIp: "127.0.0.1", HostPort: "21080" },
              { HostIp: "10.0.0.5", HostPort: "21081" },
            ],
            "5353/udp": [{ HostIp: "::1", HostPort: "25353" }],
          },
          Mounts: [
            {
              Type: "bind",
              Source: "/srv/data",
              Target: "/data",
              ReadOnly: true,
              BindOptions: { Propagation: "rprivate" },
            },
          ],
          Binds: ["cache:/cache", "conf:/conf:ro"],
          Devices: [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }],
          Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }],
        },
      });
      // The second network is connected after create, as the provider does.
      expect(engineNetworkConnects(containerArgs)).toEqual(["net-b"]);
    },
  );

  it("carries host namespaces and privileged mode when they are (exempted) weakenings", () => {
    const { containerArgs } = planHardenedContainer(
      "weak",
      {
        ...base,
        networks: [],
        ports: [],
        hostNamespaces: { network: true, pid: true, ipc: true, userns: true },
        privileged: true,
        exemptions: ["5.2", "5.3", "5.4", "5.5", "5.10", "5.16", "5.17", "5.22", "5.31"].map((rule) => ({
          rule,
          reason: REASON,
        })),
      },
      { now: NOW },
    );
    const { HostConfig, NetworkingConfig } = engineCreateBody(containerArgs);
    expect(HostConfig).toMatchObject({
      NetworkMode: "host",
      PidMode: "host",
      IpcMode: "host",
      UsernsMode: "host",
      Privileged: true,
    });
    expect(NetworkingConfig).toBeUndefined();
  });
});

describe("engineCreateBody refuses what it cannot translate", () => {
  const plain = { image: IMAGE_ID, name: "c" };

  it.each([
    ["shmSize", { shmSize: 64 }, "docker.Container.shmSize"],
    ["sysctls", { sysctls: { "net.ipv4.ip_forward": "1" } }, "docker.Container.sysctls"],
    ["gpus", { gpus: "all" }, "docker.Container.gpus"],
    ["memorySwap", { memorySwap: -1 }, "docker.Container.memorySwap"],
    ["a lifecycle key (start)", { start: false }, "docker.Container.start"],
    [
      "healthcheck.startInterval",
      { healthcheck: { tests: ["CMD", "true"], startInterval: "1s" } },
      "docker.Container.healthcheck.startInterval",
    ],
    [
      "capabilities extra key",
      { capabilities: { drops: ["ALL"], add: ["NET_ADMIN"] } },
      "docker.Container.capabilities.add",
    ],
    [
      "ports[0].hostIp (a typo of ip)",
      { ports: [{ internal: 80, external: 8080, hostIp: "127.0.0.1" }] },
      "docker.Container.ports[0].hostIp",
    ],
    [
      "networksAdvanced[0].aliases",
      { networksAdvanced: [{ name: "n", aliases: ["x"] }] },
      "docker.Container.networksAdvanced[0].aliases",
    ],
    [
      "mounts[0].volumeOptions",
      { mounts: [{ type: "volume", source: "v", target: "/v", volumeOptions: { driverName: "local" } }] },
      "docker.Container.mounts[0].volumeOptions",
    ],
    [
      "mounts[0].type npipe",
      { mounts: [{ type: "npipe", source: "x", target: "/x" }] },
      "docker.Container.mounts[0].type",
    ],
    [
      "volumes[0].fromContainer",
      { volumes: [{ fromContainer: "other" }] },
      "docker.Container.volumes[0].fromContainer",
    ],
    ["a fractional memory", { memory: 64.5 }, "memory"],
    ["a bad duration", { healthcheck: { tests: ["CMD", "true"], interval: "30" } }, "healthcheck.interval"],
  ])("throws on %s", (_what, extra, path) => {
    let error: unknown;
    try {
      engineCreateBody({ ...plain, ...extra });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UntranslatedInputError);
    expect((error as Error).message).toContain(path);
  });

  it(
    "lists shmSize and the other unhandled provider inputs as unhandled " +
      "(the throw above is not an accident of the fixture)",
    () => {
      for (const key of [
        "shmSize",
        "sysctls",
        "memorySwap",
        "start",
        "uploads",
        "gpus",
        "runtime",
        "groupAdds",
        "hosts",
        "dns",
      ])
        expect(HANDLED_CONTAINER_INPUTS as readonly string[]).not.toContain(key);
    },
  );

  it("throws on unresolved Outputs and promises instead of sending them", () => {
    // envs from the component are Outputs (they may carry secrets): a test must resolve them.
    const { containerArgs } = planHardenedContainer("env", { ...base, env: { MODE: "test" } }, { now: NOW });
    expect(() => engineCreateBody(containerArgs)).toThrow(/docker\.Container\.envs\[0\] is an Output/);
    expect(() => engineCreateBody({ ...plain, user: pulumi.output("10001") })).toThrow(
      /docker\.Container\.user is an Output/,
    );
    expect(() => engineCreateBody({ ...plain, user: Promise.resolve("10001") })).toThrow(/is an Output or a promise/);
  });

  it("ignores keys set to undefined (unset, as Pulumi treats them) and defaults restart to no", () => {
    expect(engineCreateBody({ ...plain, shmSize: undefined })).toEqual({
      name: "c",
      Image: IMAGE_ID,
      HostConfig: { Init: false, RestartPolicy: { Name: "no", MaximumRetryCount: 0 } },
    });
  });

  it("carries publishAllPorts (-P) as PublishAllPorts", () => {
    expect(engineCreateBody({ ...plain, publishAllPorts: true }).HostConfig?.PublishAllPorts).toBe(true);
  });

  it("applies the provider's port defaults: every interface (0.0.0.0) and tcp", () => {
    expect(engineCreateBody({ ...plain, ports: [{ internal: 80 }] })).toMatchObject({
      ExposedPorts: { "80/tcp": {} },
      HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "" }] } },
    });
  });
});

describe("units", () => {
  it.each([
    ["0s", 0],
    ["0", 0],
    ["30s", 30e9],
    ["1m30s", 90e9],
    ["1.5s", 1.5e9],
    ["500ms", 500e6],
    ["2h", 7200e9],
    ["10us", 10e3],
  ])("Go duration %s = %d ns", (text, ns) => expect(goDurationToNanos(text)).toBe(ns));

  it.each(["", "30", "1d", "s", "1s garbage", "-1s"])("Go duration %j is refused", (text) =>
    expect(() => goDurationToNanos(text)).toThrow(UntranslatedInputError),
  );

  it.each([
    ["1", 1e9],
    ["0.5", 5e8],
    ["1.25", 1.25e9],
    ["2.000", 2e9],
    ["0.000000001", 1],
    [3, 3e9],
  ])("cpus %j = %d NanoCpus", (cpus, nano) => expect(cpusToNanoCpus(cpus)).toBe(nano));

  // Too precise and non-numbers fail in docker's ParseCPUs too; signs and exponents (which big.Rat
  // would parse) are refused here only: the component never renders them for a valid `cpus`.
  it.each(["0.0000000001", "abc", "-1", "1e3", ""])("cpus %j is refused", (cpus) =>
    expect(() => cpusToNanoCpus(cpus)).toThrow(UntranslatedInputError),
  );
});

describe("engineNetworkBody", () => {
  it("renders a HardenedNetwork's exact create body (internal bridge, ICC inside it)", () => {
    expect(engineNetworkBody(planHardenedNetwork("backend"))).toEqual({
      Name: "backend",
      CheckDuplicate: true,
      Driver: "bridge",
      Internal: true,
      Attachable: false,
      Ingress: false,
      EnableIPv6: false,
      Options: { "com.docker.network.bridge.enable_icc": "true" },
      Labels: { "hardened-docker.component": "HardenedNetwork" },
      IPAM: { Driver: "default", Config: [] },
    });
  });

  it("carries egress and a subnet", () => {
    expect(
      engineNetworkBody(planHardenedNetwork("edge", { egress: true, subnet: "10.42.0.0/24", labels: { team: "web" } })),
    ).toMatchObject({
      Internal: false,
      Labels: { team: "web", "hardened-docker.component": "HardenedNetwork" },
      IPAM: { Driver: "default", Config: [{ Subnet: "10.42.0.0/24" }] },
    });
  });

  it("throws on keys it does not handle and on a missing name", () => {
    expect(() => engineNetworkBody({ name: "n", checkDuplicate: true })).toThrow(
      /docker\.Network\.checkDuplicate is not handled/,
    );
    expect(() => engineNetworkBody({ name: "n", ipamConfigs: [{ subnet: "10.0.0.0/24", ipv6: true }] })).toThrow(
      /ipamConfigs\[0\]\.ipv6/,
    );
    expect(() => engineNetworkBody({ driver: "bridge" })).toThrow(/docker\.Network\.name is required/);
  });
});
