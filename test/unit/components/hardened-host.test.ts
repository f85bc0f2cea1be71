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

installMocks();
// Code under test is imported after setMocks (see design.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hh = require("../../../src/components/hardened-host") as typeof import("../../../src/components/hardened-host");
const { hostCommand } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/ssh-connection") as typeof import("../../../src/components/ssh-connection");

type Args = import("../../../src/components/hardened-host").HardenedHostArgs;
const { HardenedHost, planHardenedHost, hostFactsFromReports, HARDENED_HOST_TYPE, WIPE_DEVICE_EXEMPTION } = hh;

const NOW = new Date("2026-11-28T12:00:00Z");
const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
const HOST_KEY = `ssh-ed25519 ${KEY_B64} root@docker-1`;
const PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nSEgtUFJJVkFURS1LRVktTUFSS0VS\n-----END OPENSSH PRIVATE KEY-----\n";
const SECRET_MARKER = "SEgtUFJJVkFURS1LRVktTUFSS0VS";
const REASON = "documented in ticket OPS-42";

const base: Args = {
  connection: { host: "10.0.0.5", privateKey: PRIVATE_KEY, hostKey: HOST_KEY },
  dataRoot: { device: "/dev/sdb" },
  trustedDockerUsers: ["alice"],
};
const plan = (over: Partial<Args> = {}) => planHardenedHost("docker-1", { ...base, ...over }, { now: NOW });
const refusal = (over: Partial<Args>): string => refusalOf(() => plan(over));

beforeEach(() => resetRecorded());

describe("HardenedHost plan", () => {
  it("renders the data-root, audit and docker-group scripts from the arguments", () => {
    const p = plan();
    expect(p.dataRoot).toEqual({ path: "/var/lib/docker", source: { kind: "device", device: "/dev/sdb" } });
    expect(p.dataRootScript).toContain("device='/dev/sdb'");
    expect(p.dataRootScript).toContain("data_root='/var/lib/docker'");
    expect(p.dataRootScript).toContain("fstab='/etc/fstab'");
    expect(p.dataRootScript).toContain("allow_wipe=no");
    expect(p.dataRootScript).not.toContain("HD_FAIL_AT");
    expect(p.auditScript).toContain("rules_file='/etc/audit/rules.d/hardened-docker.rules'");
    expect(p.auditScript).toContain("watch_path 1.1.5 '/var/lib/docker'");
    expect(p.auditScript).toContain("watch_binary 1.1.3 'dockerd'");
    expect(p.auditScript).toContain("install_auditd=yes");
    expect(p.auditScript).toContain("load=yes");
    expect(p.dockerGroupScript).toContain("trusted='alice'");
    expect(p.unattendedUpgradesScript).toBeUndefined();
    expect(p.connection).toEqual({ port: 22, user: "root", sudo: false });
  });

  it("renders the same scripts every time (a second pulumi up sees no change)", () => {
    const a = plan({ unattendedUpgrades: true, exemptions: [{ rule: "1.1.13", reason: REASON }] });
    const b = plan({ unattendedUpgrades: true, exemptions: [{ rule: "1.1.13", reason: REASON }] });
    expect(b).toEqual(a);
  });

  it("maps an LVM volume to /dev/VG/LV and an existing mount to a bind source", () => {
    expect(plan({ dataRoot: { lvm: { volumeGroup: "vg0", logicalVolume: "docker" } } }).dataRoot?.source).toEqual({
      kind: "device",
      device: "/dev/vg0/docker",
    });
    const m = plan({ dataRoot: { path: "/srv/docker", mount: "/data" } });
    expect(m.dataRoot).toEqual({ path: "/srv/docker", source: { kind: "mount", mount: "/data" } });
    expect(m.auditScript).toContain("watch_path 1.1.5 '/srv/docker'");
  });

  it("lets the wipe exemption through to the script", () => {
    expect(plan({ exemptions: [{ rule: WIPE_DEVICE_EXEMPTION, reason: REASON }] }).dataRootScript).toContain(
      "allow_wipe=yes",
    );
  });

  it("renders unattended upgrades when asked, engine packages included by default", () => {
    expect(plan({ unattendedUpgrades: true }).unattendedUpgradesScript).toContain("site=download.docker.com");
    expect(plan({ unattendedUpgrades: { includeEngine: false } }).unattendedUpgradesScript).not.toContain(
      "download.docker.com",
    );
    expect(plan({ unattendedUpgrades: false }).unattendedUpgradesScript).toBeUndefined();
  });

  it("drops the audit watches of exempted items, and adds extra paths", () => {
    const p = plan({
      exemptions: [{ rule: "1.1.7", reason: REASON }],
      audit: {
        extraPaths: ["/opt/docker-tools"],
        daemonConfig: "/etc/docker/custom.json",
        loadNow: false,
        installAuditd: false,
      },
    });
    expect(p.auditScript).not.toContain("docker.service'");
    expect(p.auditScript).toContain("watch_path 1.1.9 '/lib/systemd/system/docker.socket'");
    expect(p.auditScript).toContain("watch_path extra '/opt/docker-tools'");
    expect(p.auditScript).toContain("watch_path 1.1.11 '/etc/docker/custom.json'");
    expect(p.auditScript).toContain("load=no");
    expect(p.auditScript).toContain("install_auditd=no");
  });

  it("manages neither the data root nor the group when those rules are exempted", () => {
    const p = plan({
      dataRoot: undefined,
      trustedDockerUsers: undefined,
      exemptions: [
        { rule: "1.1.1", reason: REASON },
        { rule: "1.1.2", reason: REASON },
      ],
    });
    expect(p.dataRootScript).toBeUndefined();
    expect(p.dockerGroupScript).toBeUndefined();
    expect(p.auditScript).toContain("watch_path 1.1.5 '/var/lib/docker'");
  });

  it("warns about exemptions it does not need", () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      plan({
        exemptions: [
          { rule: "1.1.1", reason: REASON },
          { rule: WIPE_DEVICE_EXEMPTION, reason: REASON },
          { rule: "5.4", reason: REASON },
        ],
      });
      const messages = warn.mock.calls.map((c) => String(c[0]));
      expect(messages.some((m) => m.includes("exemption for 1.1.1 is not needed"))).toBe(true);
      expect(messages.some((m) => m.includes("exemption for 5.4 is not needed"))).toBe(true);
      expect(messages.some((m) => m.includes(WIPE_DEVICE_EXEMPTION))).toBe(false);
      warn.mockClear();
      plan({ dataRoot: { mount: "/data" }, exemptions: [{ rule: WIPE_DEVICE_EXEMPTION, reason: REASON }] });
      expect(
        warn.mock.calls
          .map((c) => String(c[0]))
          .some((m) => m.includes(`exemption for ${WIPE_DEVICE_EXEMPTION} is not needed`)),
      ).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("HardenedHost refusals", () => {
  it("requires a data root unless 1.1.1 is exempted", () => {
    expect(refusal({ dataRoot: undefined })).toMatch(/dataRoot: required \(CIS 1\.1\.1/);
    expect(refusal({ dataRoot: undefined })).toContain('rule: "1.1.1"');
  });

  it("requires exactly one source", () => {
    expect(refusal({ dataRoot: {} })).toMatch(/give exactly one of device, lvm, mount \(got none\)/);
    expect(refusal({ dataRoot: { device: "/dev/sdb", mount: "/data" } })).toMatch(/\(got device, mount\)/);
  });

  it("requires the trusted docker users unless 1.1.2 is exempted", () => {
    expect(refusal({ trustedDockerUsers: undefined })).toMatch(/trustedDockerUsers: required \(CIS 1\.1\.2\)/);
  });

  it.each(["/dev/sdb; reboot", "/dev/sdb$(id)", "/etc/passwd", "/dev/disk/by-id/x", "sdb", "/dev/../dev/sdb"])(
    "rejects the device %j",
    (device) => {
      expect(refusal({ dataRoot: { device } })).toMatch(/dataRoot\.device = .*must be a block device path/);
    },
  );

  it("rejects hostile LVM names, data roots, mounts and labels", () => {
    expect(refusal({ dataRoot: { lvm: { volumeGroup: "vg0;id", logicalVolume: "lv" } } })).toMatch(
      /dataRoot\.lvm\.volumeGroup/,
    );
    expect(refusal({ dataRoot: { lvm: { volumeGroup: "vg0", logicalVolume: "-rf" } } })).toMatch(
      /dataRoot\.lvm\.logicalVolume/,
    );
    expect(refusal({ dataRoot: { path: "/var/lib/$(id)", device: "/dev/sdb" } })).toMatch(/dataRoot\.path/);
    expect(refusal({ dataRoot: { path: "/", device: "/dev/sdb" } })).toMatch(
      /dataRoot\.path = "\/": is a system directory/,
    );
    expect(refusal({ dataRoot: { mount: "/var/lib/docker/sub" } })).toMatch(
      /must not contain, or lie inside, the data root/,
    );
    expect(refusal({ dataRoot: { mount: "/data", label: "x" } })).toMatch(
      /dataRoot\.label: only used with device or lvm/,
    );
    expect(refusal({ dataRoot: { device: "/dev/sdb", label: "far-too-long-label-x" } })).toMatch(/dataRoot\.label/);
  });

  it.each(["Alice", "root;id", "$(id)", "a b", "-rf", ""])("rejects the trusted user %j", (u) => {
    expect(refusal({ trustedDockerUsers: ["alice", u] })).toMatch(/trustedDockerUsers\[1\]/);
  });

  it("rejects hostile paths and audit paths", () => {
    expect(refusal({ paths: { fstab: "/etc/fstab;id" } })).toMatch(/paths\.fstab/);
    expect(refusal({ audit: { extraPaths: ["relative/path"] } })).toMatch(/audit\.extraPaths\[0\]/);
    expect(refusal({ audit: { rulesFile: "/etc/audit/rules.d/a b.rules" } })).toMatch(/audit\.rulesFile/);
  });

  it("requires a pinned host key unless exempted, and validates it", () => {
    expect(refusal({ connection: { host: "10.0.0.5", privateKey: PRIVATE_KEY } })).toMatch(
      /connection\.hostKey: missing/,
    );
    expect(() =>
      plan({
        connection: { host: "10.0.0.5", privateKey: PRIVATE_KEY },
        exemptions: [{ rule: "hd-ssh-host-key", reason: REASON }],
      }),
    ).not.toThrow();
    expect(refusal({ connection: { ...base.connection, hostKey: "ssh-ed25519 not-base64!" } })).toMatch(
      /connection\.hostKey/,
    );
    expect(refusal({ connection: { ...base.connection, host: "evil;host" } })).toMatch(/connection\.host/);
    expect(refusal({ connection: { ...base.connection, user: "deploy" } })).toMatch(
      /connection\.user = "deploy": .*sudo/,
    );
  });

  it("refuses unknown, expired and reasonless exemptions", () => {
    expect(refusal({ exemptions: [{ rule: "9.9", reason: REASON }] })).toMatch(/unknown rule id "9\.9"/);
    expect(refusal({ exemptions: [{ rule: "1.1.7", reason: REASON, expires: "2020-01-01" }] })).toMatch(/expired/);
    expect(refusal({ exemptions: [{ rule: "1.1.7", reason: "short" }] })).toMatch(/reason must be at least/);
  });

  it("refuses unknown arguments", () => {
    expect(refusal({ wipe: true } as never)).toMatch(/unknown argument\(s\) "wipe"/);
  });
});

describe("HardenedHost resources", () => {
  it("registers one remote command per part, with the rendered scripts and the pinned host key", async () => {
    const h = new HardenedHost("docker-1", { ...base, unattendedUpgrades: true });
    await valueOf(h.hostFacts);
    await settle();
    expect(recorded.find((r) => r.type === HARDENED_HOST_TYPE)?.name).toBe("docker-1");
    const cmds = byType("command:remote:Command");
    expect(cmds.map((c) => c.name).sort()).toEqual([
      "docker-1-audit",
      "docker-1-data-root",
      "docker-1-docker-group",
      "docker-1-unattended-upgrades",
    ]);
    const p = plan({ unattendedUpgrades: true });
    const byName = (n: string) => cmds.find((c) => c.name === `docker-1-${n}`)!;
    expect(byName("data-root").inputs.create).toBe(p.dataRootScript);
    expect(byName("audit").inputs.create).toBe(p.auditScript);
    expect(byName("docker-group").inputs.create).toBe(p.dockerGroupScript);
    expect(byName("unattended-upgrades").inputs.create).toBe(p.unattendedUpgradesScript);
    for (const c of cmds) {
      expect(c.inputs.addPreviousOutputInEnv).toBe(false);
      expect(c.inputs.connection[SIG_KEY]).toBe(SECRET_SIG);
      expect(c.inputs.connection.value).toMatchObject({
        host: "10.0.0.5",
        port: 22,
        user: "root",
        hostKey: `ssh-ed25519 ${KEY_B64}`,
      });
    }
    // No delete command: destroying the component leaves the host as it is.
    expect(cmds.every((c) => c.inputs.delete === undefined)).toBe(true);
  });

  it("runs the scripts through sudo when connecting as another user", async () => {
    const h = new HardenedHost("docker-1", { ...base, connection: { ...base.connection, user: "deploy", sudo: true } });
    await valueOf(h.hostFacts);
    await settle();
    const dg = byType("command:remote:Command").find((c) => c.name === "docker-1-docker-group")!;
    expect(dg.inputs.create).toBe(hostCommand(plan().dockerGroupScript!, true));
    expect(dg.inputs.create).toMatch(/^sudo -n -- sh -c '/);
  });

  it("keeps the private key out of everything Pulumi shows", async () => {
    const h = new HardenedHost("docker-1", base);
    await valueOf(h.hostFacts);
    await settle();
    const shown = JSON.stringify(recorded.map((r) => plainParts(r.inputs)));
    expect(shown).not.toContain(SECRET_MARKER);
    expect(JSON.stringify(recorded.map((r) => r.inputs))).toContain(SECRET_MARKER); // it is there, as a secret
    expect(await pulumi.isSecret(h.auditCommand.connection)).toBe(true);
    for (const c of byType("command:remote:Command")) expect(String(c.inputs.create)).not.toContain(SECRET_MARKER);
  });

  it("turns invalid arguments into a ResourceError", () => {
    expect(() => new HardenedHost("docker-1", { ...base, dataRoot: { device: "/dev/sdb;id" } })).toThrow(
      pulumi.ResourceError,
    );
  });

  it("accepts a host key given as an Output, pinned without its comment", async () => {
    const h = new HardenedHost("docker-1", {
      ...base,
      connection: { ...base.connection, hostKey: pulumi.output(HOST_KEY) },
    });
    await valueOf(h.hostFacts);
    await settle();
    const audit = byType("command:remote:Command").find((c) => c.name === "docker-1-audit")!;
    expect(audit.inputs.connection.value.hostKey).toBe(`ssh-ed25519 ${KEY_B64}`);
  });
});

describe("HardenedHost outputs", () => {
  const dataRootOut = [
    "hd-data-root: engine running: yes; 1 images, 2 containers, 1 volumes",
    "hd-done: made an ext4 filesystem on /dev/sdb (LABEL=hd-docker-data UUID=5a64ce4e-4412-4c4c-858f-d37fa2f88464)",
    "hd-done: moved the data root /var/lib/docker onto /dev/sdb (ext4, UUID=5a64ce4e-4412-4c4c-858f-d37fa2f88464), " +
      "mounted through /etc/fstab",
    "hd-fact: old-data-root=/var/lib/docker.hd-old-20261128T194658",
    "hd-fact: uuid=5a64ce4e-4412-4c4c-858f-d37fa2f88464",
    "hd-fact: data-root=/var/lib/docker",
    "hd-fact: data-root-source=/dev/sdb",
    "hd-fact: data-root-maj-min=8:16",
    "hd-fact: data-root-fstype=ext4",
    "hd-fact: action=migrated",
  ].join("\n");
  const auditLoaded = [
    "hd-fact: watch=/usr/bin/dockerd",
    "hd-fact: watch=/etc/docker",
    "hd-done: wrote /etc/audit/rules.d/hardened-docker.rules (2 watches)",
    "hd-fact: rules-file=/etc/audit/rules.d/hardened-docker.rules",
    "hd-fact: rule=-w /usr/bin/dockerd -p rwxa -k hardened-docker",
    "hd-fact: rule=-w /etc/docker -p rwxa -k hardened-docker",
    "hd-fact: loaded=yes",
  ].join("\n");
  const group = [
    "hd-fact: group-exists=yes",
    "hd-fact: removed=bob",
    "hd-done: removed bob from the docker group",
    "hd-fact: member=alice",
  ].join("\n");

  it("reads the host facts afterwards and what was done", () => {
    const { facts, actions } = hostFactsFromReports({ dataRoot: dataRootOut, audit: auditLoaded, dockerGroup: group });
    expect(facts).toEqual({
      dataRoot: {
        path: "/var/lib/docker",
        source: "/dev/sdb",
        majorMinor: "8:16",
        fsType: "ext4",
        uuid: "5a64ce4e-4412-4c4c-858f-d37fa2f88464",
        action: "migrated",
        oldDataRoot: "/var/lib/docker.hd-old-20261128T194658",
      },
      auditWatches: ["/usr/bin/dockerd", "/etc/docker"],
      auditRulesLoaded: true,
      auditRulesFile: "/etc/audit/rules.d/hardened-docker.rules",
      dockerGroupMembers: ["alice"],
      removedFromDockerGroup: ["bob"],
      untrustedPrimaryMembers: [],
    });
    expect(actions).toEqual([
      "made an ext4 filesystem on /dev/sdb (LABEL=hd-docker-data UUID=5a64ce4e-4412-4c4c-858f-d37fa2f88464)",
      "moved the data root /var/lib/docker onto /dev/sdb (ext4, UUID=5a64ce4e-4412-4c4c-858f-d37fa2f88464), " +
        "mounted through /etc/fstab",
      "wrote /etc/audit/rules.d/hardened-docker.rules (2 watches)",
      "removed bob from the docker group",
    ]);
  });

  it("reports the rules in force from auditctl -l, not what was written", () => {
    const partial = auditLoaded.replace("hd-fact: rule=-w /etc/docker -p rwxa -k hardened-docker\n", "");
    expect(hostFactsFromReports({ audit: partial }).facts.auditWatches).toEqual(["/usr/bin/dockerd"]);
    const notLoaded = "hd-fact: watch=/usr/bin/dockerd\nhd-fact: loaded=no\n";
    expect(hostFactsFromReports({ audit: notLoaded }).facts).toEqual({
      auditWatches: ["/usr/bin/dockerd"],
      auditRulesLoaded: false,
    });
  });
});
