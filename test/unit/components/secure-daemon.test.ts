import * as pulumi from "@pulumi/pulumi";
import { COMPLIANT_DAEMON_JSON } from "../../harness/fixtures";
import { daemonFactsFromConfig } from "../../../src/adapters/daemon-config";
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

installMocks();
// Code under test is imported after setMocks (see design.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sd = require("../../../src/components/secure-daemon") as typeof import("../../../src/components/secure-daemon");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { evaluate } = require("../../../src/rules/evaluate") as typeof import("../../../src/rules/evaluate");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFAULT_SETTINGS } = require("../../../src/rules/types") as typeof import("../../../src/rules/types");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourceRuntime = require("@pulumi/pulumi/runtime/resource") as { registerResource: (...a: unknown[]) => void };

type Args = import("../../../src/components/secure-daemon").SecureDaemonArgs;

/** The resource options each resource was registered with (the mocks do not record them). */
const registrations = jest.spyOn(resourceRuntime, "registerResource");
function optionsOf(type: string, name: string): pulumi.CustomResourceOptions {
  const call = registrations.mock.calls.find((c) => c[2] === type && c[3] === name);
  if (!call) throw new Error(`${type} ${name} was not registered`);
  return call[8] as pulumi.CustomResourceOptions;
}
const dependsOnNames = (o: pulumi.CustomResourceOptions) =>
  ((o.dependsOn ?? []) as pulumi.Resource[]).map((r) => (r as unknown as { __name: string }).__name);
const { SecureDaemon, planSecureDaemon, providerSshOpts, knownHostsLine } = sd;
const { parseHostKey, hostCommand } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/ssh-connection") as typeof import("../../../src/components/ssh-connection");

const NOW = new Date("2026-11-28T12:00:00Z");
const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
const HOST_KEY = `ssh-ed25519 ${KEY_B64} root@docker-1`;
const PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nUFJJVkFURS1TU0gtS0VZLVRFWFQ=\n-----END OPENSSH PRIVATE KEY-----\n";
const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nU0VSVkVS\n-----END CERTIFICATE-----\n";
const TLS_KEY = "-----BEGIN PRIVATE KEY-----\nU0VSVkVSLVRMUy1LRVktVEVYVA==\n-----END PRIVATE KEY-----\n";
const CLIENT_KEY = "-----BEGIN PRIVATE KEY-----\nQ0xJRU5ULVRMUy1LRVktVEVYVA==\n-----END PRIVATE KEY-----\n";
/** Distinctive parts of each secret: none may show up outside a secret value. */
const SECRET_MARKERS = ["UFJJVkFURS1TU0gtS0VZLVRFWFQ", "U0VSVkVSLVRMUy1LRVktVEVYVA", "Q0xJRU5ULVRMUy1LRVktVEVYVA"];

const base: Args = {
  connection: { host: "10.0.0.5", privateKey: PRIVATE_KEY, hostKey: HOST_KEY },
  authorizationPlugins: ["authz-broker"],
};
const tls = { listen: "10.0.0.5:2376", caCert: CA, cert: CERT, key: TLS_KEY, client: { cert: CERT, key: CLIENT_KEY } };
const plan = (over: Partial<Args> = {}) => planSecureDaemon("docker-1", { ...base, ...over }, { now: NOW });
const refusal = (over: Partial<Args>): string => refusalOf(() => plan(over));

beforeEach(() => {
  resetRecorded();
  registrations.mockClear();
});

describe("SecureDaemon defaults", () => {
  it("renders a daemon.json that passes section 2", () => {
    const p = plan();
    expect(p.rendered.config).toEqual(COMPLIANT_DAEMON_JSON);
    expect(p.rendered.configText).toBe(JSON.stringify(p.rendered.config, null, 2) + "\n");
    // The catalog, run independently on the same text: nothing fails.
    const facts = daemonFactsFromConfig({ configText: p.rendered.configText });
    const failed = evaluate([facts], { settings: DEFAULT_SETTINGS, now: NOW }).filter((f) => f.status === "fail");
    expect(failed).toEqual([]);
    expect(p.facts).toMatchObject({
      icc: false,
      usernsRemap: "default",
      liveRestore: true,
      userlandProxy: false,
      noNewPrivileges: true,
      logDriver: "journald",
    });
  });

  it(
    "registers the apply and permissions commands with exactly the rendered scripts, " +
      "and an ssh provider pinned to the host key",
    async () => {
      const d = new SecureDaemon("docker-1", base);
      const p = plan();
      expect(await valueOf(d.configHash)).toBe(p.rendered.configHash);
      expect(await valueOf(d.config)).toEqual(p.rendered.config);
      await valueOf(d.applyCommand.create as pulumi.Output<string>);
      await valueOf(d.provider.urn);
      await settle();
      const cmds = byType("command:remote:Command");
      expect(cmds.map((c) => c.name).sort()).toEqual(["docker-1-apply", "docker-1-permissions"]);
      const apply = cmds.find((c) => c.name === "docker-1-apply")!;
      const perms = cmds.find((c) => c.name === "docker-1-permissions")!;
      expect(apply.inputs.create).toBe(p.rendered.applyScript);
      expect(apply.inputs.addPreviousOutputInEnv).toBe(false);
      expect(apply.inputs.stdin).toBeUndefined();
      // the SDK's own; the engine's error stays readable
      expect(optionsOf("command:remote:Command", "docker-1-apply").additionalSecretOutputs).toEqual(["connection"]);
      // Order on the host: apply, then permissions; the provider only once both are done.
      expect(dependsOnNames(optionsOf("command:remote:Command", "docker-1-permissions"))).toEqual(["docker-1-apply"]);
      expect(dependsOnNames(optionsOf("pulumi:providers:docker", "docker-1-provider"))).toEqual([
        "docker-1-apply",
        "docker-1-permissions",
      ]);
      expect(apply.inputs.triggers).toBeUndefined();
      expect(perms.inputs.create).toBe(p.permissionsScript);
      // Permissions run again whenever the configuration changes.
      expect(perms.inputs.triggers).toEqual([p.rendered.configHash]);
      // The connection (with the private key) is a secret; the host key is pinned (type and key, no comment).
      expect(apply.inputs.connection[SIG_KEY]).toBe(SECRET_SIG);
      expect(apply.inputs.connection.value).toMatchObject({
        host: "10.0.0.5",
        port: 22,
        user: "root",
        hostKey: `ssh-ed25519 ${KEY_B64}`,
        privateKey: PRIVATE_KEY,
      });

      const [provider] = byType("pulumi:providers:docker");
      expect(provider.name).toBe("docker-1-provider");
      expect(provider.inputs.host).toBe("ssh://root@10.0.0.5:22");
      const sshOpts = JSON.parse(provider.inputs.sshOpts);
      expect(sshOpts).toEqual(providerSshOpts({ type: "ssh-ed25519", base64: KEY_B64 }));
      expect(sshOpts).toEqual(
        expect.arrayContaining([
          "StrictHostKeyChecking=yes",
          "UserKnownHostsFile=/dev/null",
          "GlobalKnownHostsFile=/dev/null",
          `KnownHostsCommand=/bin/echo '%H' ssh-ed25519 ${KEY_B64}`,
        ]),
      );
      expect(await valueOf(d.knownHostsLine!)).toBe(`10.0.0.5 ssh-ed25519 ${KEY_B64}`);
      expect(recorded.find((r) => r.type === "hardened-docker:index:SecureDaemon")).toBeDefined();
    },
  );

  it("hands out a provider that HardenedContainers deploy through", async () => {
    type HardenedContainerModule = typeof import("../../../src/components/hardened-container");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
    const { HardenedContainer } = require("../../../src/components/hardened-container") as HardenedContainerModule;
    const d = new SecureDaemon("docker-1", base);
    const c = new HardenedContainer(
      "api",
      {
        image: "registry.example.com/api@sha256:" + "a".repeat(64),
        memory: "64Mi",
        networks: ["backend"],
        healthcheck: { test: ["CMD", "/bin/true"] },
      },
      { providers: { docker: d.provider } },
    );
    await valueOf(c.containerId);
    await settle();
    expect(byType("docker:index/container:Container")[0].provider).toMatch(
      /pulumi:providers:docker::docker-1-provider::/,
    );
  });

  it("keeps the private key out of everything Pulumi shows", async () => {
    const d = new SecureDaemon("docker-1", { ...base, connection: { ...base.connection, privateKey: PRIVATE_KEY } });
    await valueOf(d.provider.urn);
    await valueOf(d.permissionsCommand.urn);
    await settle();
    const shown = JSON.stringify(recorded.map((r) => plainParts(r.inputs)));
    for (const m of SECRET_MARKERS) expect(shown).not.toContain(m);
    expect(await pulumi.isSecret(d.applyCommand.connection)).toBe(true);
  });
});

describe("SecureDaemon with a TCP listener", () => {
  it("renders the listener with TLS verification and the files under the TLS directory", () => {
    const { config, configText } = plan({ tls }).rendered;
    expect(config).toMatchObject({
      hosts: ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
      tls: true,
      tlsverify: true,
      tlscacert: "/etc/docker/tls/ca.pem",
      tlscert: "/etc/docker/tls/server-cert.pem",
      tlskey: "/etc/docker/tls/server-key.pem",
    });
    expect(configText).not.toContain("BEGIN");
  });

  it("stages TLS material through stdin as a secret, with logging off, and re-applies when it changes", async () => {
    const d = new SecureDaemon("docker-1", { ...base, tls, provider: { via: "tcp" } });
    await valueOf(d.applyCommand.create as pulumi.Output<string>);
    await valueOf(d.provider.urn);
    await settle();
    const cmds = byType("command:remote:Command");
    const tlsCmd = cmds.find((c) => c.name === "docker-1-tls")!;
    const apply = cmds.find((c) => c.name === "docker-1-apply")!;
    const perms = cmds.find((c) => c.name === "docker-1-permissions")!;
    expect(tlsCmd.inputs.create).toBe(plan({ tls }).tlsScript);
    expect(tlsCmd.inputs.logging).toBe("none");
    expect(tlsCmd.inputs.addPreviousOutputInEnv).toBe(false);
    expect(tlsCmd.inputs.stdin[SIG_KEY]).toBe(SECRET_SIG);
    const lines = (tlsCmd.inputs.stdin.value as string)
      .trim()
      .split("\n")
      .map((l) => Buffer.from(l, "base64").toString());
    expect(lines).toEqual([CA, CERT, TLS_KEY]);
    // The apply step is replaced (re-run) when the material changes: its trigger is a secret hash of it.
    expect(apply.inputs.triggers[SIG_KEY]).toBe(SECRET_SIG);
    expect(apply.inputs.triggers.value).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(perms.inputs.triggers.value).toEqual([plan({ tls }).rendered.configHash, apply.inputs.triggers.value[0]]);
    expect(await pulumi.isSecret(d.tlsCommand!.stdin)).toBe(true);
    expect([...optionsOf("command:remote:Command", "docker-1-tls").additionalSecretOutputs!].sort()).toEqual([
      "connection",
      "stderr",
      "stdin",
      "stdout",
    ]);
    expect(dependsOnNames(optionsOf("command:remote:Command", "docker-1-apply"))).toEqual(["docker-1-tls"]);
    expect(optionsOf("pulumi:providers:docker", "docker-1-provider").additionalSecretOutputs).toEqual(["keyMaterial"]);

    const [provider] = byType("pulumi:providers:docker");
    expect(provider.inputs.host).toBe("tcp://10.0.0.5:2376");
    expect(provider.inputs.caMaterial).toBe(CA);
    expect(provider.inputs.certMaterial).toBe(CERT);
    expect(provider.inputs.keyMaterial[SIG_KEY]).toBe(SECRET_SIG);
    expect(await pulumi.isSecret(d.provider.keyMaterial)).toBe(true);

    const shown = JSON.stringify(recorded.map((r) => plainParts(r.inputs)));
    for (const m of SECRET_MARKERS) expect(shown).not.toContain(m);
  });

  it("keeps secret log options secret: the whole configuration becomes a secret", async () => {
    const d = new SecureDaemon("docker-1", {
      ...base,
      logDriver: "splunk",
      logOpts: { "splunk-url": "https://splunk.example.com:8088", "splunk-token": pulumi.secret("SPLUNK-TOKEN-VALUE") },
    });
    expect(await valueOf(d.config)).toMatchObject({ "log-opts": { "splunk-token": "SPLUNK-TOKEN-VALUE" } });
    expect(await pulumi.isSecret(d.config)).toBe(true);
    await valueOf(d.applyCommand.create as pulumi.Output<string>);
    await settle();
    const apply = byType("command:remote:Command").find((c) => c.name === "docker-1-apply")!;
    expect(apply.inputs.create[SIG_KEY]).toBe(SECRET_SIG);
    expect([...optionsOf("command:remote:Command", "docker-1-apply").additionalSecretOutputs!].sort()).toEqual([
      "connection",
      "stderr",
      "stdout",
    ]);
    // The self-check saw a stand-in, not the token.
    expect(JSON.stringify(d.facts)).not.toContain("SPLUNK-TOKEN-VALUE");
    // The component's own inputs (what the policy pack judges) are that same stand-in: plain, no secret.
    const component = recorded.find((r) => r.type === "hardened-docker:index:SecureDaemon")!;
    expect(component.inputs.daemonJson).toBe(
      planSecureDaemon(
        "docker-1",
        {
          ...base,
          logDriver: "splunk",
          logOpts: { "splunk-url": "https://splunk.example.com:8088", "splunk-token": pulumi.secret("x") },
        },
        { now: NOW },
      ).rendered.configText,
    );
    expect(JSON.parse(component.inputs.daemonJson)["log-opts"]).toEqual({
      "splunk-token": "<output>",
      "splunk-url": "https://splunk.example.com:8088",
    });
    expect(JSON.stringify(component.inputs)).not.toContain("SPLUNK-TOKEN-VALUE");
    expect(component.inputs.dockerdFlags).toEqual([]);
  });
});

describe("SecureDaemon weakenings need exemptions", () => {
  const cases: [string, Partial<Args>, string, RegExp][] = [
    ["icc", { icc: true }, "2.2", /^ {2}- icc: true breaks CIS 2\.2/m],
    ["log level", { logLevel: "debug" }, "2.3", /logLevel: "debug" breaks CIS 2\.3/],
    ["iptables", { iptables: false }, "2.4", /iptables: false breaks CIS 2\.4/],
    [
      "insecure registry",
      { insecureRegistries: ["registry.local:5000"] },
      "2.5",
      /insecureRegistries: \["registry\.local:5000"\] breaks CIS 2\.5/,
    ],
    ["aufs", { storageDriver: "aufs" }, "2.6", /storageDriver: "aufs" breaks CIS 2\.6/],
    ["no userns-remap", { usernsRemap: false }, "2.9", /usernsRemap: null breaks CIS 2\.9/],
    [
      "cgroup parent via extraConfig",
      { extraConfig: { "cgroup-parent": "/custom" } },
      "2.10",
      /extraConfig\["cgroup-parent"\]: "\/custom" breaks CIS 2\.10/,
    ],
    [
      "base device size",
      { extraConfig: { "storage-opts": ["dm.basesize=20G"] } },
      "2.11",
      /extraConfig\["storage-opts"\]: "dm\.basesize=20G" breaks CIS 2\.11/,
    ],
    [
      "no authorization plugin",
      { authorizationPlugins: undefined },
      "2.12",
      /authorizationPlugins: \[\] breaks CIS 2\.12/,
    ],
    ["local logging", { logDriver: "json-file" }, "2.13", /logDriver: "json-file" breaks CIS 2\.13/],
    ["no-new-privileges off", { noNewPrivileges: false }, "2.14", /noNewPrivileges: false breaks CIS 2\.14/],
    ["live-restore off", { liveRestore: false }, "2.15", /liveRestore: false breaks CIS 2\.15/],
    ["userland proxy", { userlandProxy: true }, "2.16", /userlandProxy: true breaks CIS 2\.16/],
    ["unconfined seccomp", { seccompProfile: "unconfined" }, "2.17", /seccompProfile: "unconfined" breaks CIS 2\.17/],
    ["experimental", { experimental: true }, "2.18", /experimental: true breaks CIS 2\.18/],
    [
      "selinux off",
      { selinuxEnabled: false },
      "hd-selinux-enabled",
      /selinuxEnabled: false breaks CIS hd-selinux-enabled/,
    ],
    [
      "ulimit above the host's",
      { defaultUlimits: { nofile: { soft: 1024, hard: 65536 } }, hostHardLimits: { nofile: 20000 } },
      "2.8",
      /defaultUlimits: .*"hard":65536.* breaks CIS 2\.8.*≤ the host's hard nofile limit \(20000\)/,
    ],
    ["a weakening flag on the unit", { dockerdFlags: ["--icc=true"] }, "2.2", /dockerdFlags: true breaks CIS 2\.2/],
  ];

  it.each(cases)("%s is refused, naming the argument and the rule", (_what, over, rule, message) => {
    const text = refusal(over);
    expect(text).toMatch(message);
    expect(text).toContain(`exemptions: [{ rule: "${rule}"`);
  });

  it.each(cases.filter(([what]) => what !== "ulimit above the host's"))(
    "%s is accepted with an exemption, carried as an engine label",
    (_what, over, rule) => {
      const p = plan({ ...over, exemptions: [{ rule, reason: "accepted for this test host", expires: "2027-01-31" }] });
      expect(p.rendered.config.labels).toContain(
        `hardened-docker.exemption.${rule}={"reason":"accepted for this test host","expires":"2027-01-31"}`,
      );
      expect(evaluate([p.facts], { settings: DEFAULT_SETTINGS, now: NOW }).find((f) => f.ruleId === rule)?.status).toBe(
        "exempted",
      );
    },
  );

  it("refuses expired, unknown and unexplained exemptions", () => {
    expect(
      refusal({ exemptions: [{ rule: "2.2", reason: "legacy apps talk", expires: "2026-01-01" }], icc: true }),
    ).toContain('exemptions[0] (rule "2.2"): expired on 2026-01-01');
    expect(refusal({ exemptions: [{ rule: "9.99", reason: "no such rule here" }] })).toContain(
      'unknown rule id "9.99"',
    );
    expect(refusal({ exemptions: [{ rule: "2.2", reason: "short" }] })).toContain(
      "reason must be at least 10 characters",
    );
  });

  it("needs the host key pinned, unless exempted (and then leaves the connection and provider unpinned)", async () => {
    const noKey = { ...base, connection: { host: "10.0.0.5", privateKey: PRIVATE_KEY } };
    expect(() => planSecureDaemon("docker-1", noKey, { now: NOW })).toThrow(
      /connection\.hostKey: missing.*rule: "hd-ssh-host-key"/s,
    );
    const exempted = { ...noKey, exemptions: [{ rule: "hd-ssh-host-key", reason: "lab VM rebuilt every hour" }] };
    const p = planSecureDaemon("docker-1", exempted, { now: NOW });
    expect(p.rendered.config.labels).toBeUndefined(); // not a daemon exemption: no engine label
    const d = new SecureDaemon("docker-1", exempted);
    await valueOf(d.provider.urn);
    await settle();
    const apply = byType("command:remote:Command").find((c) => c.name === "docker-1-apply")!;
    expect(apply.inputs.connection.value.hostKey).toBeUndefined();
    expect(JSON.parse(byType("pulumi:providers:docker")[0].inputs.sshOpts)).toEqual([]);
  });
});

describe("SecureDaemon input validation", () => {
  const canary = "/tmp/hd-canary-unit";
  const hostile = [`$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `a\ntouch ${canary}`];
  const fields: [string, (h: string) => Partial<Args>, RegExp][] = [
    [
      "connection.host",
      (h) => ({ connection: { ...base.connection, host: h } }),
      /connection\.host = .*must be a host name or an IP address/,
    ],
    [
      "connection.user",
      (h) => ({ connection: { ...base.connection, user: h, sudo: true } }),
      /connection\.user = .*must be a user name/,
    ],
    [
      "connection.hostKey",
      (h) => ({ connection: { ...base.connection, hostKey: `ssh-ed25519 ${h}` } }),
      /connection\.hostKey: must have the key in base64/,
    ],
    [
      "paths.configFile",
      (h) => ({ paths: { configFile: `/etc/docker/${h}` } }),
      /paths\.configFile = .*may only contain/,
    ],
    [
      "paths.dockerSocket",
      (h) => ({ paths: { dockerSocket: `/run/${h}.sock` } }),
      /paths\.dockerSocket = .*may only contain/,
    ],
    [
      "paths.unitFiles",
      (h) => ({ paths: { unitFiles: [`/lib/systemd/system/${h}`] } }),
      /paths\.unitFiles\[0\] = .*may only contain/,
    ],
    ["paths.engineLog", (h) => ({ paths: { engineLog: `/var/log/${h}` } }), /paths\.engineLog = .*may only contain/],
    ["paths.stateDir", (h) => ({ paths: { stateDir: `/var/lib/${h}` } }), /paths\.stateDir = .*may only contain/],
    [
      "provider.identityFile",
      (h) => ({ provider: { identityFile: `/root/.ssh/${h}` } }),
      /provider\.identityFile = .*may only contain/,
    ],
    ["logDriver", (h) => ({ logDriver: h }), /logDriver = .*must be a log driver name/],
    ["logOpts key", (h) => ({ logOpts: { [h]: "x" } }), /logOpts\..*: key .* must be a log option name/s],
    [
      "insecureRegistries",
      (h) => ({ insecureRegistries: [h] }),
      /insecureRegistries\[0\] = .*must be a registry host\[:port\] or a CIDR/,
    ],
    [
      "authorizationPlugins",
      (h) => ({ authorizationPlugins: [h] }),
      /authorizationPlugins\[0\] = .*must be a plugin name/,
    ],
    ["usernsRemap", (h) => ({ usernsRemap: h }), /usernsRemap = .*user\[:group\]/],
    ["labels key", (h) => ({ labels: { [h]: "x" } }), /labels\..*: key .* must be a label key/s],
    ["extraConfig key", (h) => ({ extraConfig: { [h]: 1 } }), /extraConfig\..*: key .* must be a daemon\.json key/s],
    ["tls.listen", (h) => ({ tls: { ...tls, listen: h } }), /tls\.listen = .*ADDRESS:PORT/],
    ["dataRoot", (h) => ({ dataRoot: `/var/lib/${h}` }), /dataRoot = .*may only contain/],
    ["storageDriver", (h) => ({ storageDriver: h }), /storageDriver = .*must be a storage driver name/],
  ];
  it.each(fields.flatMap(([field, make, message]) => hostile.map((h) => [field, h, make, message] as const)))(
    "%s rejects %j",
    (_field, h, make, message) => {
      expect(refusal(make(h))).toMatch(message);
    },
  );

  it("rejects other bad input with a clear message", () => {
    expect(refusal({ connection: { ...base.connection, hostKey: "ssh-rsa " + KEY_B64 } })).toContain(
      "connection.hostKey: the base64 key is not a ssh-rsa key",
    );
    expect(refusal({ connection: { ...base.connection, hostKey: "ssh-dss AAAA" } })).toContain(
      "connection.hostKey: must start with a key type",
    );
    expect(refusal({ connection: { ...base.connection, user: "deploy" } })).toContain(
      'connection.user = "deploy": the host scripts run as root; connect as root or set connection.sudo: true',
    );
    expect(refusal({ connection: { ...base.connection, port: 70000 } })).toContain("connection.port = 70000");
    expect(refusal({ provider: { via: "tcp" } })).toContain('provider.via = "tcp": needs tls.client');
    expect(refusal({ tls: { ...tls, key: "not a key" } })).toContain("tls.key: must be a PEM private key");
    expect(refusal({ tls: { ...tls, key: "not a key" } })).not.toContain("not a key");
    expect(refusal({ tls, dockerdFlags: ["-H", "fd://"] })).toContain(
      'dockerdFlags: ["fd://"] — with tls, daemon.json lists the listeners',
    );
    expect(refusal({ dockerdFlags: ["--icc", "false"] })).toContain("dockerdFlags: unexpected argument");
    expect(refusal({ extraConfig: { icc: true } })).toContain('extraConfig["icc"]: set by SecureDaemon itself');
    expect(refusal({ extraConfig: { hosts: ["tcp://0.0.0.0:2375"] } })).toContain(
      'extraConfig["hosts"]: set by SecureDaemon itself',
    );
    expect(refusal({ labels: { "hardened-docker.exemption.2.2": "{}" } })).toContain(
      "keys under hardened-docker. are reserved",
    );
    expect(refusal({ restartTimeoutSeconds: 0 })).toContain("restartTimeoutSeconds = 0");
    expect(refusal({ bogus: 1 } as never)).toContain('unknown argument(s) "bogus"');
  });
});

describe("SecureDaemon host details", () => {
  it("wraps the scripts in sudo -n sh -c for a sudo user, quoting the script once", async () => {
    const over = { connection: { ...base.connection, user: "deploy", sudo: true } };
    const p = plan(over);
    expect(hostCommand("echo 'x'", true)).toBe(`sudo -n -- sh -c 'echo '\\''x'\\'''`);
    const d = new SecureDaemon("docker-1", { ...base, ...over });
    await valueOf(d.applyCommand.create as pulumi.Output<string>);
    await settle();
    const apply = byType("command:remote:Command").find((c) => c.name === "docker-1-apply")!;
    expect(apply.inputs.create).toBe(hostCommand(p.rendered.applyScript, true));
    expect(byType("pulumi:providers:docker")[0].inputs.host).toBe("ssh://deploy@10.0.0.5:22");
  });

  it("passes paths, timeout and ulimits to the host scripts", () => {
    const p = plan({
      paths: {
        configFile: "/var/snap/docker/current/config/daemon.json",
        dockerSocket: "/run/docker.sock",
        engineLog: "/var/log/dockerd.log",
      },
      restartTimeoutSeconds: 90,
      defaultUlimits: { nofile: { soft: 2048, hard: 8192 }, nproc: { soft: 512, hard: 1024 } },
    });
    const s = p.rendered.applyScript;
    expect(s).toContain("config='/var/snap/docker/current/config/daemon.json'");
    expect(s).toContain("socket='/run/docker.sock'");
    expect(s).toContain("engine_log='/var/log/dockerd.log'");
    expect(s).toContain("timeout_s=90");
    expect(s).toContain("check_limit 'Max open files' nofile 8192");
    expect(s).toContain("check_limit 'Max processes' nproc 1024");
    expect(p.rendered.config["default-ulimits"]).toEqual({
      nofile: { Name: "nofile", Soft: 2048, Hard: 8192 },
      nproc: { Name: "nproc", Soft: 512, Hard: 1024 },
    });
    expect(p.permissionsScript).toContain("fix '/var/snap/docker/current/config/daemon.json' root root 0644 max");
    expect(p.permissionsScript).toContain("fix '/run/docker.sock' root \"$socket_group\" 0660 max");
  });

  it(
    "keeps the apply's journal and the host lock in paths.stateDir (default /var/lib/hardened-docker), " +
      "for every host script",
    () => {
      const d = plan({ tls });
      expect(d.rendered.applyScript).toContain("state_file='/var/lib/hardened-docker/daemon-apply.state'");
      for (const s of [d.rendered.applyScript, d.permissionsScript, d.tlsScript!])
        expect(s).toContain("hd_lock_file='/var/lib/hardened-docker/host.lock'");
      const moved = plan({ tls, paths: { stateDir: "/srv/hd-state" } });
      expect(moved.rendered.applyScript).toContain("state_file='/srv/hd-state/daemon-apply.state'");
      for (const s of [moved.rendered.applyScript, moved.permissionsScript, moved.tlsScript!])
        expect(s).toContain("hd_lock_file='/srv/hd-state/host.lock'");
      expect(refusal({ paths: { stateDir: "state" } })).toMatch(/paths\.stateDir = "state": must be an absolute path/);
      // The test hooks are never rendered for a host.
      expect(d.rendered.applyScript).toContain("\nstep() { :; }\n");
      expect(d.rendered.applyScript).not.toContain("${HD_STOP_AT");
    },
  );

  it("writes the same daemon.json whatever the order of the arguments", () => {
    const a = plan({
      labels: { b: "2", a: "1" },
      logOpts: { z: "1", a: "2" },
      extraConfig: { "registry-mirrors": ["https://m.example.com"], "max-concurrent-downloads": 3 },
    });
    const b = plan({
      extraConfig: { "max-concurrent-downloads": 3, "registry-mirrors": ["https://m.example.com"] },
      logOpts: { a: "2", z: "1" },
      labels: { a: "1", b: "2" },
    });
    expect(a.rendered.configText).toBe(b.rendered.configText);
    expect(a.rendered.configHash).toBe(b.rendered.configHash);
  });

  it("parses host keys and builds known_hosts lines and ssh options", () => {
    expect(parseHostKey(HOST_KEY)).toEqual({ type: "ssh-ed25519", base64: KEY_B64 });
    expect(knownHostsLine("10.0.0.5", 2222, { type: "ssh-ed25519", base64: KEY_B64 })).toBe(
      `[10.0.0.5]:2222 ssh-ed25519 ${KEY_B64}`,
    );
    expect(
      providerSshOpts(
        { type: "ssh-rsa", base64: "AAAA" },
        { identityFile: "/root/.ssh/id_deploy", knownHostsFile: "/root/.ssh/known_hosts.d/docker-1" },
      ),
    ).toEqual([
      "-i",
      "/root/.ssh/id_deploy",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256",
      "-o",
      "CheckHostIP=no",
      "-o",
      "UpdateHostKeys=no",
      "-o",
      "GlobalKnownHostsFile=/dev/null",
      "-o",
      "UserKnownHostsFile=/root/.ssh/known_hosts.d/docker-1",
    ]);
  });
});
