import * as pulumi from "@pulumi/pulumi";
import {
  byType,
  installMocks,
  plainParts,
  recorded,
  refusalOf,
  resetRecorded,
  SECRET_SIG,
  settle,
  SIG_KEY,
  valueOf,
} from "../../harness/pulumi-mocks";
import { renderEnginePidsLimitCommand, renderHostPidsLimitCommand } from "../../../src/scripts/pids-limit";

installMocks();
// Code under test is imported after setMocks (see design.md).
const { HardenedContainer, planHardenedContainer, checkResolvedImage } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/hardened-container") as typeof import("../../../src/components/hardened-container");
const { HardenedNetwork } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/hardened-network") as typeof import("../../../src/components/hardened-network");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exemptionsFromLabels } = require("../../../src/exemptions") as typeof import("../../../src/exemptions");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RULE_IDS } = require("../../../src/rules/catalog") as typeof import("../../../src/rules/catalog");
const { hostCommand } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/ssh-connection") as typeof import("../../../src/components/ssh-connection");

type Args = import("../../../src/components/hardened-container").HardenedContainerArgs;

const IMAGE = "registry.example.com/team/api@sha256:" + "d".repeat(64);
const NOW = new Date("2026-11-28T12:00:00Z");
const base: Args = {
  image: IMAGE,
  memory: "256Mi",
  networks: ["backend"],
  healthcheck: { test: ["CMD", "/bin/true"] },
  ports: [{ internal: 8080, external: 8080, hostIp: "127.0.0.1" }],
};
const plan = (over: Partial<Args> = {}) => planHardenedContainer("api", { ...base, ...over }, { now: NOW });
const refusal = (over: Partial<Args>): string => refusalOf(() => plan(over));

beforeEach(() => resetRecorded());

describe("HardenedContainer defaults", () => {
  it("renders a docker.Container that is secure without any option", () => {
    const { containerArgs: c, pidsLimit } = plan();
    expect(c).toMatchObject({
      name: "api",
      user: "65534:65534",
      privileged: false,
      capabilities: { drops: ["ALL"], adds: [] },
      securityOpts: ["no-new-privileges:true"],
      readOnly: true,
      memory: 256,
      cpus: "1",
      restart: "on-failure",
      maxRetryCount: 5,
      ipcMode: "private",
      networkMode: "backend",
      networksAdvanced: [{ name: "backend" }],
      ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }],
      healthcheck: { tests: ["CMD", "/bin/true"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "0s" },
    });
    expect(c.pidMode).toBeUndefined();
    expect(c.usernsMode).toBeUndefined();
    expect(c.cgroupParent).toBeUndefined();
    expect(pidsLimit).toBe(256);
  });

  it("registers the container and the PIDs-limit command with the rendered command text", async () => {
    const hc = new HardenedContainer("api", base);
    await valueOf(hc.containerId);
    await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
    await settle();
    const [container] = byType("docker:index/container:Container");
    const [cmd] = byType("command:local:Command");
    expect(container.inputs.labels).toEqual(
      expect.arrayContaining([
        { label: "hardened-docker.component", value: "HardenedContainer" },
        { label: "hardened-docker.pids-limit", value: "256" },
      ]),
    );
    expect(cmd.inputs.create).toBe(`docker update --pids-limit=256 -- '${container.id}' >/dev/null`);
    expect(cmd.inputs.triggers).toEqual([container.id, 256]);
    expect(recorded.find((r) => r.type === "hardened-docker:index:HardenedContainer")).toBeDefined();
  });

  it("keeps secret environment values secret in inputs and outputs", async () => {
    const hc = new HardenedContainer("api", { ...base, env: { DB_PASSWORD: pulumi.secret("hunter2"), MODE: "prod" } });
    expect(await pulumi.isSecret(hc.container.envs)).toBe(true);
    await valueOf(hc.container.envs);
    await settle();
    const [container] = byType("docker:index/container:Container");
    // What reaches the engine is wrapped as a secret (Pulumi's secret signature), so state keeps it encrypted.
    expect(container.inputs.envs).toEqual({ [SIG_KEY]: SECRET_SIG, value: ["DB_PASSWORD=hunter2", "MODE=prod"] });
    expect(JSON.stringify(hc.facts)).not.toContain("hunter2");
  });

  it(
    "refuses a docker provider it cannot read unless told where the PIDs limit goes " +
      "(dockerHost or hostConnection)",
    async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const docker = require("@pulumi/docker") as typeof import("@pulumi/docker");
      const provider = new docker.Provider("remote", { host: "ssh://deploy@10.0.0.5" });
      // Its ssh options (the pinned key) cannot be read from the resource:
      // the limit would land on the deploying machine's engine.
      for (const [opts, given] of [
        [{ providers: { docker: provider } }, "opts.providers"],
        [{ provider }, "opts.provider"],
      ] as const) {
        let message = "";
        try {
          new HardenedContainer("api", base, opts);
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).toContain(
          `api: invalid arguments:\n  - ${given}: ` +
            'the docker provider "remote" does not tell HardenedContainer which engine it reaches',
        );
        expect(message).toMatch(/Give hostConnection .* or dockerHost /);
      }
      expect(byType("command:local:Command")).toEqual([]);

      const hc = new HardenedContainer(
        "api",
        { ...base, dockerHost: "ssh://deploy@10.0.0.5" },
        { providers: { docker: provider } },
      );
      await valueOf(hc.containerId);
      await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
      await settle();
      const [container] = byType("docker:index/container:Container");
      expect(container.provider).toMatch(/pulumi:providers:docker::remote::/);
      const [cmd] = byType("command:local:Command");
      expect(cmd.inputs.environment).toEqual({ DOCKER_HOST: "ssh://deploy@10.0.0.5" });
      expect(cmd.inputs.create).toBe(`docker update --pids-limit=256 -- '${container.id}' >/dev/null`);
    },
  );

  it("refuses published ports when every network is internal (the engine would publish nothing)", async () => {
    const internal = new HardenedNetwork("internal-only");
    expect(() => new HardenedContainer("api", { ...base, networks: [internal] })).toThrow(
      /ports: published ports are unreachable when every network is internal/,
    );
    const worker = new HardenedContainer("worker", { ...base, ports: [], networks: [internal] });
    await valueOf(worker.containerId);
    await settle();
  });

  it("attaches to HardenedNetworks by their engine name", async () => {
    const net = new HardenedNetwork("backend-net", { egress: true });
    const hc = new HardenedContainer("api", { ...base, networks: [net] });
    await valueOf(hc.containerId);
    await settle();
    const [container] = byType("docker:index/container:Container");
    expect(container.inputs.networkMode).toBe("backend-net");
    expect(container.inputs.networksAdvanced).toEqual([{ name: "backend-net" }]);
  });
});

describe("HardenedContainer override paths", () => {
  it("accepts safe capabilities, tmpfs, volumes, read-only binds and restart 'no' without exemptions", () => {
    const { containerArgs: c } = plan({
      capAdd: ["NET_BIND_SERVICE", "CHOWN"],
      tmpfs: { "/tmp": "64Mi" },
      volumes: [{ volumeName: "data", containerPath: "/data" }],
      binds: [{ hostPath: "/srv/config", containerPath: "/config" }],
      restart: { policy: "no" },
      cpus: 0.5,
      pidsLimit: 64,
      user: "10001:10001",
    });
    expect(c.capabilities).toEqual({ drops: ["ALL"], adds: ["NET_BIND_SERVICE", "CHOWN"] });
    expect(c.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,nodev,size=67108864" });
    expect(c.volumes).toEqual([{ volumeName: "data", containerPath: "/data", readOnly: false }]);
    expect(c.mounts).toEqual([
      {
        type: "bind",
        source: "/srv/config",
        target: "/config",
        readOnly: true,
        bindOptions: { propagation: "rprivate" },
      },
    ]);
    expect(c.restart).toBe("no");
    expect(c.maxRetryCount).toBeUndefined();
    expect(c.cpus).toBe("0.5");
    expect(c.user).toBe("10001:10001");
  });

  const weakenings: [string, Partial<Args>, string, RegExp][] = [
    ["read-write root filesystem", { readOnlyRootfs: false }, "5.13", /readOnlyRootfs: false breaks CIS 5\.13/],
    ["a dangerous capability", { capAdd: ["SYS_ADMIN"] }, "5.4", /capAdd: .*SYS_ADMIN.* breaks CIS 5\.4/],
    ["root user", { user: "root" }, "4.1", /user: "root" breaks CIS 4\.1/],
    ["uid 0", { user: "0:0" }, "4.1", /user: "0:0" breaks CIS 4\.1/],
    [
      "a wildcard host address",
      { ports: [{ internal: 80, external: 8080, hostIp: "0.0.0.0" }] },
      "5.14",
      /ports\[0\]\.hostIp: "0\.0\.0\.0" breaks CIS 5\.14/,
    ],
    [
      "an IPv6 wildcard",
      { ports: [{ internal: 80, external: 8080, hostIp: "::" }] },
      "5.14",
      /ports\[0\]\.hostIp: "::" breaks CIS 5\.14/,
    ],
    [
      "a privileged host port",
      { ports: [{ internal: 80, external: 80, hostIp: "10.0.0.5" }] },
      "5.8",
      /ports\[0\]\.external: 80 breaks CIS 5\.8/,
    ],
    ["no healthcheck", { healthcheck: undefined }, "5.27", /healthcheck: .* breaks CIS 5\.27/],
    ["host pid namespace", { hostNamespaces: { pid: true } }, "5.16", /hostNamespaces\.pid: "host" breaks CIS 5\.16/],
    ["host ipc namespace", { hostNamespaces: { ipc: true } }, "5.17", /hostNamespaces\.ipc: "host" breaks CIS 5\.17/],
    ["host userns", { hostNamespaces: { userns: true } }, "5.31", /hostNamespaces\.userns: "host" breaks CIS 5\.31/],
    ["seccomp unconfined", { seccompProfile: "unconfined" }, "5.22", /seccompProfile: .* breaks CIS 5\.22/],
    ["apparmor unconfined", { apparmorProfile: "unconfined" }, "5.2", /apparmorProfile: .* breaks CIS 5\.2\b/],
    ["no-new-privileges off", { noNewPrivileges: false }, "5.26", /noNewPrivileges: .* breaks CIS 5\.26/],
    ["a cgroup parent", { cgroupParent: "/custom" }, "5.25", /cgroupParent: "\/custom" breaks CIS 5\.25/],
    [
      "a writable /etc bind",
      { binds: [{ hostPath: "/etc", containerPath: "/host-etc", readOnly: false }] },
      "5.6",
      /binds\[0\]: .* breaks CIS 5\.6/,
    ],
    [
      "the docker socket",
      { binds: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }] },
      "5.32",
      /binds\[0\]: .* breaks CIS 5\.32/,
    ],
    ["an unpinned image", { image: "redis:7" }, "4.5", /image: .* breaks CIS 4\.5/],
    [
      "restart on-failure with 6 retries",
      { restart: { policy: "on-failure", maxRetries: 6 } },
      "5.15",
      /restart: .* breaks CIS 5\.15/,
    ],
    ["unlimited retries", { restart: { policy: "on-failure", maxRetries: 0 } }, "5.15", /restart: .* breaks CIS 5\.15/],
  ];

  it.each(weakenings)(
    "refuses %s, naming the argument, value and rule, and how to exempt",
    (_, over, rule, message) => {
      const text = refusal(over);
      expect(text).toMatch(message);
      expect(text).toContain(`rule: "${rule}"`);
    },
  );

  it.each(weakenings)("allows %s with an exemption for the rule(s) it breaks, and labels it", (_, over, rule) => {
    const reason = "documented in ADR-42 for this service";
    let exemptions = [{ rule, reason, expires: "2027-06-30" }];
    let result;
    try {
      result = plan({ ...over, exemptions });
    } catch (e) {
      // Some weakenings break more than one rule; every rule named must be exempted too.
      const extra = [...(e as Error).message.matchAll(/rule: "([\w.-]+)"/g)].map((m) => m[1]);
      exemptions = [...exemptions, ...extra.map((r) => ({ rule: r, reason, expires: "2027-06-30" }))];
      result = plan({ ...over, exemptions });
    }
    const labels = Object.fromEntries(
      (result.containerArgs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]),
    );
    const carried = exemptionsFromLabels(labels, RULE_IDS, NOW);
    expect(carried.problems).toEqual([]);
    expect(carried.valid.get(rule)).toEqual({ rule, reason, expires: "2027-06-30" });
  });

  it("refuses privileged mode unless every rule it breaks is exempted", () => {
    const text = refusal({ privileged: true });
    for (const r of ["5.4", "5.5", "5.22"]) expect(text).toContain(`CIS ${r} `);
  });

  it("refuses host networking and requires networks otherwise", () => {
    expect(refusal({ hostNamespaces: { network: true }, networks: [], ports: [] })).toMatch(
      /hostNamespaces\.network: "host" breaks CIS 5\.10/,
    );
    expect(refusal({ networks: [] })).toMatch(/networks: at least one network is required/);
    expect(refusal({ networks: ["bridge"] })).toMatch(/networks\[0\] = "bridge": .*CIS 5\.30/);
  });

  it("requires an exemption for host devices (5.18)", () => {
    expect(refusal({ devices: [{ hostPath: "/dev/fuse" }] })).toMatch(
      /devices\[0\]\.hostPath = "\/dev\/fuse".*CIS 5\.18/,
    );
    expect(() =>
      plan({ devices: [{ hostPath: "/dev/fuse" }], exemptions: [{ rule: "5.18", reason: "sshfs mounts need fuse" }] }),
    ).not.toThrow();
  });
});

describe("HardenedContainer errors", () => {
  it.each([
    [{ memory: undefined as unknown as string }, /memory: is required \(CIS 5\.11\)/],
    [{ memory: "256M" }, /memory = "256M": must be a size like "256Mi"/],
    [{ memory: "1Ki" }, /whole number of MiB, at least 6Mi/],
    [{ cpus: -1 }, /cpus = -1:/],
    [{ pidsLimit: 0 }, /pidsLimit = 0:/],
    [{ user: "app; rm -rf /" }, /user = "app; rm -rf \/": must be uid\[:gid\]/],
    [{ capAdd: ["CAP_EVERYTHING" as never] }, /capAdd\[0\] = "CAP_EVERYTHING"/],
    [
      { ports: [{ internal: 80, external: 8080, hostIp: "localhost" }] },
      /ports\[0\]\.hostIp = "localhost": must be an IPv4 or IPv6 address/,
    ],
    [{ tmpfs: { "/tmp": "lots" } }, /tmpfs\["\/tmp"\] = "lots"/],
    [{ name: "../etc" }, /name = "\.\.\/etc"/],
    [{ labels: { "hardened-docker.exemption.5.13": "{}" } }, /reserved/],
    [{ privilegd: true } as unknown as Partial<Args>, /unknown argument\(s\) "privilegd"/],
  ])("%j is refused with a message naming the field", (over, message) => {
    expect(refusal(over)).toMatch(message);
  });

  it.each([
    [{ rule: "5.13", reason: "short" }, /exemptions\[0\] \(rule "5\.13"\): reason must be at least 10 characters/],
    [{ rule: "9.99", reason: "a perfectly fine reason" }, /unknown rule id "9\.99"/],
    [{ rule: "5.13", reason: "a perfectly fine reason", expires: "2026-01-01" }, /expired on 2026-01-01/],
    [{ rule: "5.13", reason: "a perfectly fine reason", expires: "31/12/2026" }, /YYYY-MM-DD/],
  ])("refuses the malformed exemption %j", (exemption, message) => {
    expect(refusal({ readOnlyRootfs: false, exemptions: [exemption] })).toMatch(message);
  });

  it("raises a pulumi.ResourceError from the component", () => {
    expect(() => new HardenedContainer("bad", { ...base, readOnlyRootfs: false })).toThrow(pulumi.ResourceError);
  });

  it("checks an image known only at deploy time when it resolves", () => {
    const late = planHardenedContainer("late", { ...base, image: pulumi.output("redis:7") }, { now: NOW });
    expect(checkResolvedImage("late", late, "redis:7", { now: NOW })).toMatch(/image: "redis:7" breaks CIS 4\.5/);
    expect(checkResolvedImage("late", late, IMAGE, { now: NOW })).toBeUndefined();
    expect(checkResolvedImage("late", late, "redis:7", { now: NOW, contentTrust: true })).toBeUndefined();
  });
});

describe("HardenedContainer PIDs limit applied on the Docker host (hostConnection)", () => {
  const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
  const PRIVATE_KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nUFJJVkFURS1TU0gtS0VZLVRFWFQ=\n-----END OPENSSH PRIVATE KEY-----\n";
  const hostConnection = { host: "10.0.0.5", privateKey: PRIVATE_KEY, hostKey: `ssh-ed25519 ${KEY_B64} root@docker-1` };

  it("runs docker update on the host over SSH with the host key pinned and the key secret", async () => {
    const hc = new HardenedContainer("api", { ...base, pidsLimit: 64, hostConnection });
    await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
    await settle();
    expect(byType("command:local:Command")).toHaveLength(0);
    const [container] = byType("docker:index/container:Container");
    const [cmd] = byType("command:remote:Command");
    expect(cmd.name).toBe("api-pids-limit");
    // The host's own engine, whatever DOCKER_HOST the SSH session has.
    // (Waiting for the host lock first where the host has one: HardenedHost or SecureDaemon changing it.)
    const update =
      "env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH " +
      `docker --context default update --pids-limit=64 -- '${container.id}' >/dev/null`;
    const lock = "'/var/lib/hardened-docker/host.lock'";
    expect(cmd.inputs.create).toBe(
      `if [ -r ${lock} ] && command -v flock >/dev/null 2>&1; ` +
        `then flock -s -w 600 ${lock} ${update}; else ${update}; fi`,
    );
    // The text test/integration/pids-limit-ssh.test.ts runs over a real SSH connection.
    expect(cmd.inputs.create).toBe(hostCommand(renderHostPidsLimitCommand(container.id, 64), false));
    expect(cmd.inputs.triggers).toEqual([container.id, 64]);
    expect(cmd.inputs.connection[SIG_KEY]).toBe(SECRET_SIG);
    expect(cmd.inputs.connection.value).toMatchObject({
      host: "10.0.0.5",
      port: 22,
      user: "root",
      hostKey: `ssh-ed25519 ${KEY_B64}`,
      privateKey: PRIVATE_KEY,
    });
  });

  it("goes through sudo for a non-root user that asks for it", async () => {
    const hc = new HardenedContainer("api", {
      ...base,
      hostConnection: { ...hostConnection, user: "deploy", sudo: true },
    });
    await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
    await settle();
    const [cmd] = byType("command:remote:Command");
    const underLock = /^sudo -n -- sh -c 'if \[ -r .* then flock -s -w 600 .* /;
    const update = /env -u DOCKER_HOST .* docker --context default update --pids-limit=256 -- /;
    expect(cmd.inputs.create).toMatch(new RegExp(underLock.source + update.source));
  });

  it(
    "refuses a connection without a pinned host key (no exemption can excuse it on a container), " +
      "a bad host, and dockerHost beside it",
    () => {
      const noKey = refusal({ hostConnection: { host: "10.0.0.5", privateKey: PRIVATE_KEY } });
      expect(noKey).toContain("hostConnection.hostKey: missing");
      expect(noKey).not.toContain("hd-ssh-host-key");
      expect(refusal({ hostConnection: { ...hostConnection, host: "10.0.0.5; rm -rf /" } })).toContain(
        'hostConnection.host = "10.0.0.5; rm -rf /": must be a host name or an IP address',
      );
      expect(refusal({ hostConnection, dockerHost: "ssh://root@10.0.0.5" })).toContain(
        "dockerHost: not with hostConnection",
      );
      expect(refusal({ hostConnection: { ...hostConnection, user: "deploy" } })).toContain(
        'hostConnection.user = "deploy"',
      );
    },
  );
});

describe("HardenedContainer through a SecureDaemon's provider: the PIDs limit goes to that provider's engine", () => {
  const { SecureDaemon, providerSshOpts } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
    require("../../../src/components/secure-daemon") as typeof import("../../../src/components/secure-daemon");
  const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
  const PRIVATE_KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nUFJJVkFURS1TU0gtS0VZLVRFWFQ=\n-----END OPENSSH PRIVATE KEY-----\n";
  const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
  const CERT = "-----BEGIN CERTIFICATE-----\nU0VSVkVS\n-----END CERTIFICATE-----\n";
  const TLS_KEY = "-----BEGIN PRIVATE KEY-----\nU0VSVkVSLVRMUy1LRVktVEVYVA==\n-----END PRIVATE KEY-----\n";
  const CLIENT_KEY = "-----BEGIN PRIVATE KEY-----\nQ0xJRU5ULVRMUy1LRVktVEVYVA==\n-----END PRIVATE KEY-----\n";
  const daemonArgs = (host: pulumi.Input<string> = "10.0.0.5") => ({
    connection: { host, privateKey: PRIVATE_KEY, hostKey: `ssh-ed25519 ${KEY_B64} root@docker-1` },
    authorizationPlugins: ["authz-broker"],
  });

  async function pidsCommand(hc: InstanceType<typeof HardenedContainer>) {
    await valueOf(hc.containerId);
    await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
    await settle();
    const [container] = byType("docker:index/container:Container");
    const [cmd] = byType("command:local:Command");
    return { container, cmd };
  }

  it(
    "ssh: the docker CLI's ssh transport to the provider's host, " +
      "with the provider's ssh options (host key pinned)",
    async () => {
      const daemon = new SecureDaemon("docker-1", daemonArgs());
      for (const opts of [
        { provider: daemon.provider },
        { providers: { docker: daemon.provider } },
        { providers: [daemon.provider] },
      ]) {
        resetRecorded();
        const { container, cmd } = await pidsCommand(new HardenedContainer("api", { ...base, pidsLimit: 64 }, opts));
        expect(container.provider).toMatch(/pulumi:providers:docker::docker-1-provider::/);
        const sshOpts = providerSshOpts({ type: "ssh-ed25519", base64: KEY_B64 });
        expect(cmd.inputs.create).toBe(
          renderEnginePidsLimitCommand(container.id, 64, { dockerHost: "ssh://root@10.0.0.5:22", sshOpts }),
        );
        expect(cmd.inputs.create).toContain("DOCKER_HOST='ssh://root@10.0.0.5:22'");
        expect(cmd.inputs.create).toContain(`'KnownHostsCommand=/bin/echo '\\''%H'\\'' ssh-ed25519 ${KEY_B64}'`);
        expect(cmd.inputs.create).toContain("StrictHostKeyChecking=yes");
        expect(cmd.inputs.environment).toBeUndefined();
        expect(cmd.inputs.triggers).toEqual([container.id, 64]);
      }
    },
  );

  it("ssh: a provider inherited from the parent, and a host known only at apply (an Output)", async () => {
    const daemon = new SecureDaemon("docker-1", daemonArgs(pulumi.output("docker-1.internal")));
    const parent = new pulumi.ComponentResource("test:index:Stack", "app", {}, { providers: [daemon.provider] });
    const { cmd, container } = await pidsCommand(new HardenedContainer("api", base, { parent }));
    expect(container.provider).toMatch(/docker-1-provider/);
    expect(cmd.inputs.create).toContain("DOCKER_HOST='ssh://root@docker-1.internal:22'");
  });

  it("tcp: tcp://host:port, the provider's TLS material on stdin as a secret, never in the command text", async () => {
    const daemon = new SecureDaemon("docker-1", {
      ...daemonArgs(),
      tls: { listen: "10.0.0.5:2376", caCert: CA, cert: CERT, key: TLS_KEY, client: { cert: CERT, key: CLIENT_KEY } },
      provider: { via: "tcp" },
    });
    const { container, cmd } = await pidsCommand(new HardenedContainer("api", base, { provider: daemon.provider }));
    expect(cmd.inputs.create).toBe(
      renderEnginePidsLimitCommand(container.id, 256, { dockerHost: "tcp://10.0.0.5:2376", tls: true }),
    );
    expect(cmd.inputs.create).toContain("DOCKER_TLS_VERIFY=1");
    expect(cmd.inputs.stdin[SIG_KEY]).toBe(SECRET_SIG);
    expect(cmd.inputs.stdin.value).toBe(
      [CA, CERT, CLIENT_KEY].map((p) => Buffer.from(p).toString("base64")).join("\n") + "\n",
    );
    const shown = JSON.stringify(
      recorded.filter((r) => r.type === "command:local:Command").map((r) => plainParts(r.inputs)),
    );
    for (const marker of ["Q0xJRU5ULVRMUy1LRVktVEVYVA", Buffer.from(CLIENT_KEY).toString("base64").slice(0, 40)])
      expect(shown).not.toContain(marker);
  });

  it("hostConnection still wins: the limit is applied on the host over SSH", async () => {
    const daemon = new SecureDaemon("docker-1", daemonArgs());
    const hc = new HardenedContainer(
      "api",
      { ...base, hostConnection: daemonArgs().connection },
      { provider: daemon.provider },
    );
    await valueOf(hc.pidsLimitCommand.create as pulumi.Output<string>);
    await settle();
    expect(byType("command:local:Command")).toEqual([]);
    expect(byType("command:remote:Command").map((c) => c.name)).toContain("api-pids-limit");
  });
});

describe("renderEnginePidsLimitCommand", () => {
  const ID = "a".repeat(64);
  it("refuses an engine address that is neither ssh://user@host nor tcp://host:port, and mixed settings", () => {
    for (const bad of [
      "unix:///var/run/docker.sock",
      "ssh://10.0.0.5",
      "tcp://10.0.0.5:2376/x",
      "ssh://root@h'; rm -rf /",
    ])
      expect(() => renderEnginePidsLimitCommand(ID, 64, { dockerHost: bad })).toThrow(
        /must be ssh:\/\/user@host\[:port\] or tcp:\/\/host:port/,
      );
    expect(() => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "ssh://root@h", tls: true })).toThrow(/tcp/);
    expect(() => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "tcp://h:2376", sshOpts: [] })).toThrow(/ssh/);
  });
});

describe("HardenedContainer reports every argument error in one round", () => {
  const messy = {
    ...base,
    networks: ["bridge"], // refused before the self-check (CIS 5.30)
    cpus: -1, // a shape error (zod)
    bogus: true, // an unknown argument
    user: "0",
    readOnlyRootfs: false,
    noNewPrivileges: false,
    capAdd: ["SYS_ADMIN"],
    ports: [{ internal: 80, external: 80, hostIp: "0.0.0.0" }],
    exemptions: [
      { rule: "5.4", reason: 12 }, // malformed shape: 5.4 is not refused (its error says what to fix)
      { rule: "5.13", reason: "short" }, // malformed value: 5.13 is not refused either
    ],
  } as unknown as Args;

  it("lists the shape errors, the malformed exemptions, the value refusals and the CIS refusals together", () => {
    const message = refusal(messy);
    const lines = message
      .split("\n")
      .slice(1)
      .map((l) => l.replace(/^ {2}- /, ""));
    expect(lines).toEqual([
      "cpus = -1: Too small: expected number to be >0",
      "exemptions[0].reason = 12: expected string, got number",
      'unknown argument(s) "bogus"',
      'exemptions[1] (rule "5.13"): reason must be at least 10 characters explaining why (got "short")',
      expect.stringMatching(/^networks\[0\] = "bridge": the default bridge .*\(CIS 5\.30\)/),
      expect.stringMatching(/^user: "0" breaks CIS 4\.1 /),
      expect.stringMatching(/^ports\[0\]\.external: 80 breaks CIS 5\.8 /),
      expect.stringMatching(/^ports\[0\]\.hostIp: "0\.0\.0\.0" breaks CIS 5\.14 /),
      expect.stringMatching(/^noNewPrivileges: false breaks CIS 5\.26 /),
    ]);
    // Fixing what the first round named leaves nothing the first round hid.
    const fixed = { ...messy, networks: ["backend"], cpus: 1, exemptions: [] } as Args & { bogus?: boolean };
    delete fixed.bogus;
    const second = refusal(fixed);
    for (const l of lines.slice(5)) expect(second).toContain(l);
    expect(second).toContain("capAdd");
    expect(second).toContain("readOnlyRootfs: false breaks CIS 5.13");
  });

  it("does not judge an argument again whose value is already refused (memory, networks)", () => {
    const message = refusal({ memory: "lots", networks: [], readOnlyRootfs: false });
    expect(message).toContain('memory = "lots": must be');
    expect(message).toContain("networks: at least one network is required");
    expect(message).toContain("readOnlyRootfs: false breaks CIS 5.13");
    expect(message).not.toMatch(/CIS 5\.11 \(/);
    expect(message.split("\n")).toHaveLength(4);
  });

  it("judges no CIS refusal when the exemptions cannot be read at all", () => {
    const message = refusal({ exemptions: "5.13" as unknown as Args["exemptions"], readOnlyRootfs: false });
    expect(message).toContain("exemptions");
    expect(message).not.toContain("CIS 5.13");
  });

  it("raises it as one ResourceError from the component", () => {
    expect(() => new HardenedContainer("api", messy)).toThrow(
      /cpus = -1[\s\S]*networks\[0\] = "bridge"[\s\S]*CIS 5\.26/,
    );
  });
});
