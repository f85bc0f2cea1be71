/**
 * HardenedHost's host scripts: what the renderers accept and embed (hostile device names, paths
 * and user names are rejected before any text is rendered), and quick real runs of the parts that
 * need no engine — the docker-group script on a scratch root (gpasswd --root), the audit rules
 * script on a scratch tree without loading, unattended-upgrades into a scratch apt file, and the
 * data-root script's refusals that happen before anything changes. The migration itself runs on
 * loop devices with a real engine in test/integration/hardened-host.test.ts.
 * Needs root (gpasswd --root, the scripts' root check), as the project's tests do.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_KEY, defaultAuditCandidates, renderAuditRulesScript } from "../../../src/scripts/audit-rules";
import {
  dataRootPathProblem,
  deviceProblem,
  FAILURE_POINTS,
  labelProblem,
  lvmNameProblem,
  renderDataRootScript,
  type DataRootOptions,
} from "../../../src/scripts/data-root";
import { renderDockerGroupScript, userNameProblem } from "../../../src/scripts/docker-group";
import { factValue, parseHostReport } from "../../../src/scripts/host-report";
import { renderHostPidsLimitCommand } from "../../../src/scripts/pids-limit";
import { renderUnattendedUpgradesScript, unattendedUpgradesConfig } from "../../../src/scripts/unattended-upgrades";
import { runScript } from "../../harness/daemon-host";
import { shellcheck } from "../../harness/shellcheck";

let scratch = "";
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "hd-host-unit-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const syntaxOk = (script: string, shell: "bash" | "dash") =>
  spawnSync(shell, ["-n"], { input: script, encoding: "utf8" });

/** Strings an attacker would try in a device, path or user name. */
const HOSTILE_CHARS = [
  "$(touch /tmp/hd-pwned)",
  "`id`",
  "a;rm -rf /",
  "a b",
  "a\nb",
  "a'b",
  'a"b',
  "a|b",
  "a&b",
  "a>b",
  "*",
  "a\0b",
];
/** …and as a whole argument, an option. */
const HOSTILE = [...HOSTILE_CHARS, "-rf"];

// ───────────── data root ─────────────

const DR: DataRootOptions = {
  dataRoot: "/var/lib/docker",
  source: { kind: "device", device: "/dev/sdb" },
  label: "hd-docker-data",
  fstab: "/etc/fstab",
  stateFile: "/var/lib/hardened-docker/data-root.state",
  unitDropInDir: "/etc/systemd/system/docker.service.d",
  dockerSocket: "/var/run/docker.sock",
  pidFile: "/var/run/docker.pid",
  allowWipe: false,
  timeoutSeconds: 120,
};

describe("data-root script: what it accepts", () => {
  it.each([
    "/dev/loop0",
    "/dev/loop12",
    "/dev/sdb",
    "/dev/sdb1",
    "/dev/sdaa",
    "/dev/vdb",
    "/dev/vdc2",
    "/dev/xvdf",
    "/dev/nvme0n1",
    "/dev/nvme1n2p3",
    "/dev/mapper/vg0-docker",
    "/dev/vg0/docker",
    "/dev/data_vg/lv.docker",
  ])("accepts the device %j", (d) => expect(deviceProblem(d)).toBeUndefined());

  it.each([
    "/dev/sdb; rm -rf /",
    "/dev/sdb$(id)",
    "/dev/sd`id`",
    "/dev/sdb ",
    " /dev/sdb",
    "/dev/sdb\n",
    "sdb",
    "dev/sdb",
    "/dev/../etc/passwd",
    "/dev/./sdb",
    "/dev/disk/by-id/ata-x",
    "/dev/shm/fake",
    "/dev/mapper/control",
    "/dev/mapper/-x",
    "/dev/vg0/-rf",
    "/dev/vg0/lv/extra",
    "/etc/passwd",
    "/dev/sda1/x",
    "/dev/nvme0",
    "/dev/loopX",
    "/dev/sdB",
    "",
    ...HOSTILE,
  ])("rejects the device %j", (d) => {
    expect(deviceProblem(d)).toMatch(/must be a block device path/);
    expect(() => renderDataRootScript({ ...DR, source: { kind: "device", device: d } })).toThrow(/^device = /);
  });

  it("rejects non-strings", () => {
    expect(deviceProblem(undefined)).toBeDefined();
    expect(deviceProblem(7)).toBeDefined();
  });

  it.each(["vg0", "data_vg", "lv.docker", "a+b", "x-y"])("accepts the LVM name %j", (n) =>
    expect(lvmNameProblem(n)).toBeUndefined(),
  );
  it.each(["-vg", ".", "..", "a/b", "mapper", "disk", "", "a".repeat(128), ...HOSTILE])(
    "rejects the LVM name %j",
    (n) => expect(lvmNameProblem(n)).toBeDefined(),
  );

  it.each(["/var/lib/docker", "/srv/docker-data", "/data/docker"])("accepts the data root %j", (p) =>
    expect(dataRootPathProblem(p)).toBeUndefined(),
  );
  it.each([
    "/",
    "/var",
    "/var/lib",
    "/etc",
    "/usr",
    "/home",
    "/tmp",
    "var/lib/docker",
    "/var/lib/docker/",
    "/var//lib/docker",
    "/var/lib/../docker",
    "/var/lib/./docker",
    "/var/lib/do cker",
    ...HOSTILE_CHARS.map((h) => `/var/lib/${h}`),
  ])("rejects the data root %j", (p) => {
    expect(dataRootPathProblem(p)).toBeDefined();
    expect(() => renderDataRootScript({ ...DR, dataRoot: p })).toThrow(/^dataRoot = /);
  });

  it("rejects a mount that contains, or lies inside, the data root", () => {
    expect(() => renderDataRootScript({ ...DR, source: { kind: "mount", mount: "/var/lib" } })).toThrow(
      /system directory|must not contain/,
    );
    expect(() =>
      renderDataRootScript({ ...DR, dataRoot: "/srv/data/docker", source: { kind: "mount", mount: "/srv/data" } }),
    ).toThrow(/must not contain, or lie inside/);
    expect(() => renderDataRootScript({ ...DR, source: { kind: "mount", mount: "/var/lib/docker/x" } })).toThrow(
      /must not contain, or lie inside/,
    );
    expect(() => renderDataRootScript({ ...DR, source: { kind: "mount", mount: "/var/lib/docker" } })).not.toThrow();
  });

  it.each(["hd-docker-data", "DATA_1"])("accepts the label %j", (l) => expect(labelProblem(l)).toBeUndefined());
  it.each(["", "a".repeat(17), "has space", "a/b", ...HOSTILE])("rejects the label %j", (l) =>
    expect(labelProblem(l)).toBeDefined(),
  );

  it("rejects other hostile host paths and out-of-range timeouts", () => {
    expect(() => renderDataRootScript({ ...DR, fstab: "/etc/fstab;reboot" })).toThrow(/^fstab = /);
    expect(() => renderDataRootScript({ ...DR, stateFile: "relative" })).toThrow(/^stateFile = /);
    expect(() => renderDataRootScript({ ...DR, dockerSocket: "/run/$(id).sock" })).toThrow(/^dockerSocket = /);
    expect(() => renderDataRootScript({ ...DR, timeoutSeconds: 1 })).toThrow(/timeoutSeconds/);
    expect(() => renderDataRootScript({ ...DR, copyTool: "cp" as never })).toThrow(/copyTool/);
  });
});

describe("data-root script: what it renders", () => {
  const script = renderDataRootScript(DR);

  it("is valid bash and dash", () => {
    expect(syntaxOk(script, "bash").status).toBe(0);
    expect(syntaxOk(script, "dash").status).toBe(0);
    const mount = renderDataRootScript({
      ...DR,
      source: { kind: "mount", mount: "/srv/docker" },
      failureInjection: true,
    });
    expect(syntaxOk(mount, "dash").status).toBe(0);
  });

  it("passes shellcheck (POSIX sh; warnings and errors), as rendered for hosts and for tests", () => {
    for (const text of [
      script,
      renderDataRootScript({ ...DR, failureInjection: true }),
      renderDataRootScript({ ...DR, source: { kind: "mount", mount: "/srv/docker" } }),
    ]) {
      const r = shellcheck(text);
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
  });

  it("embeds every value single-quoted", () => {
    expect(script).toContain("data_root='/var/lib/docker'");
    expect(script).toContain("device='/dev/sdb'");
    expect(script).toContain("fstab='/etc/fstab'");
    expect(script).toContain("label='hd-docker-data'");
    expect(script).toContain("allow_wipe=no");
  });

  it("never honours HD_FAIL_AT unless rendered for a test", () => {
    expect(script).not.toContain("HD_FAIL_AT");
    expect(script).toMatch(/^fail_at=$/m);
    const test = renderDataRootScript({ ...DR, failureInjection: true });
    expect(test).toContain("fail_at=${HD_FAIL_AT:-}");
    for (const step of FAILURE_POINTS) expect(script).toContain(`inject ${step}`);
  });

  it("probes before it formats, and formats with the label and a UUID it chose", () => {
    const probe = script.indexOf("blkid -p -o export");
    const mkfs = script.indexOf('mkfs.ext4 -q -F -L "$label" -U "$uuid"');
    expect(probe).toBeGreaterThan(0);
    expect(script).toContain("wipefs -n --");
    expect(mkfs).toBeGreaterThan(probe);
    expect(script.indexOf("wipefs -a")).toBeGreaterThan(probe);
  });

  it("stops docker only after every refusal, and renames the old root instead of deleting it", () => {
    const lastRefusal = script.lastIndexOf("Nothing was changed.");
    const stop = script.indexOf("stop_docker || die");
    expect(stop).toBeGreaterThan(lastRefusal);
    expect(script).toContain('mv -- "$data_root" "$j_old"');
    expect(script).not.toMatch(/rm -rf[^\n]*\$data_root/);
    expect(script).not.toMatch(/rm -rf[^\n]*\$j_old/);
  });

  it("mounts through fstab by UUID, and makes docker.service require the mount", () => {
    expect(script).toContain('fstab_add "UUID=$uuid" ext4 defaults 2');
    expect(script).toContain('mount -T "$fstab" -- "$data_root"');
    expect(script).toContain("RequiresMountsFor=%s");
    const noDropIn = renderDataRootScript({ ...DR, unitDropInDir: undefined });
    expect(noDropIn).toContain("dropin_dir=''");
  });

  it("wipes only when rendered with the exemption", () => {
    expect(renderDataRootScript({ ...DR, allowWipe: true })).toContain("allow_wipe=yes");
  });
});

describe("data-root script: refusals before anything changes (run for real)", () => {
  let bin = "";
  let calls = "";
  beforeAll(() => {
    bin = join(scratch, "dr-bin");
    calls = join(scratch, "dr-systemctl.calls");
    mkdirSync(bin, { recursive: true });
    // A systemctl that records any call: none may happen on a refusal.
    writeFileSync(join(bin, "systemctl"), `#!/bin/sh\necho "$*" >>'${calls}'\nexit 1\n`);
    chmodSync(join(bin, "systemctl"), 0o755);
  });
  const base = (): DataRootOptions => ({
    ...DR,
    dataRoot: join(scratch, "dr", "docker"),
    fstab: join(scratch, "dr", "fstab"),
    stateFile: join(scratch, "dr", "state"),
    unitDropInDir: join(scratch, "dr", "dropin"),
    dockerSocket: join(scratch, "dr", "docker.sock"),
    pidFile: join(scratch, "dr", "docker.pid"),
  });
  const run = (o: DataRootOptions) =>
    runScript(renderDataRootScript(o), { env: { PATH: `${bin}:${process.env.PATH}` }, shell: "dash" });

  it("refuses a device node that does not exist", () => {
    mkdirSync(join(scratch, "dr", "docker"), { recursive: true });
    const r = run({ ...base(), source: { kind: "device", device: "/dev/loop9999" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/dev/loop9999 is not a block device on this host. Nothing was changed.");
    expect(existsSync(calls)).toBe(false);
    expect(existsSync(join(scratch, "dr", "fstab"))).toBe(false);
  });

  it("refuses a data root that is a symbolic link", () => {
    mkdirSync(join(scratch, "dr2", "real"), { recursive: true });
    symlinkSync(join(scratch, "dr2", "real"), join(scratch, "dr2", "docker"));
    const r = run({ ...base(), dataRoot: join(scratch, "dr2", "docker") });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is a symbolic link/);
    expect(existsSync(calls)).toBe(false);
  });

  it("refuses an existing mount that is not a mount point", () => {
    mkdirSync(join(scratch, "dr", "not-a-mount"), { recursive: true });
    const r = run({ ...base(), source: { kind: "mount", mount: join(scratch, "dr", "not-a-mount") } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not a mount point\. Nothing was changed\./);
    expect(existsSync(join(scratch, "dr", "not-a-mount", "docker"))).toBe(false);
    expect(existsSync(calls)).toBe(false);
  });
});

// ───────────── audit rules ─────────────

describe("audit rules script", () => {
  it("covers every CIS 1.1.3–1.1.18 item by default, and drops exempted ones", () => {
    const all = defaultAuditCandidates({ dataRoot: "/srv/docker" });
    expect(new Set(all.map((c) => c.rule))).toEqual(
      new Set([...Array.from({ length: 16 }, (_, i) => `1.1.${i + 3}`), "5.23"]),
    );
    expect(all).toContainEqual({ rule: "5.23", binary: "docker", everyCopy: true });
    expect(all).toContainEqual({ rule: "5.23", binary: "docker-compose", everyCopy: true });
    expect(all).toContainEqual({ rule: "1.1.5", path: "/srv/docker" });
    expect(all).toContainEqual({ rule: "1.1.3", binary: "dockerd" });
    expect(all).toContainEqual({ rule: "1.1.7", path: "/usr/lib/systemd/system/docker.service" });
    const some = defaultAuditCandidates({
      dataRoot: "/var/lib/docker",
      daemonConfig: "/etc/docker/custom.json",
      skip: new Set(["1.1.7", "1.1.9"]),
    });
    expect(some.some((c) => c.rule === "1.1.7" || c.rule === "1.1.9")).toBe(false);
    expect(some).toContainEqual({ rule: "1.1.11", path: "/etc/docker/custom.json" });
  });

  it("rejects hostile candidates", () => {
    const render = (c: { rule: string; path: string } | { rule: string; binary: string }) => () =>
      renderAuditRulesScript({
        candidates: [c],
        rulesFile: "/etc/audit/rules.d/x.rules",
        installAuditd: true,
        load: true,
      });
    expect(render({ rule: "1.1.3", binary: "-rf" })).toThrow(/binary/);
    for (const h of HOSTILE_CHARS) {
      expect(render({ rule: "1.1.3", binary: `dockerd${h}` })).toThrow(/binary/);
      expect(render({ rule: "1.1.6", path: `/etc/${h}` })).toThrow(/path/);
    }
    expect(render({ rule: "1.1.6; id", path: "/etc/docker" })).toThrow(/rule/);
    expect(() =>
      renderAuditRulesScript({
        candidates: [],
        rulesFile: "/etc/audit/rules.d/$(id)",
        installAuditd: true,
        load: true,
      }),
    ).toThrow(/rulesFile/);
  });

  it("is valid bash and dash, and uses augenrules only for rules.d", () => {
    const s = renderAuditRulesScript({
      candidates: defaultAuditCandidates({ dataRoot: "/var/lib/docker" }),
      rulesFile: "/etc/audit/rules.d/hardened-docker.rules",
      installAuditd: true,
      load: true,
    });
    expect(syntaxOk(s, "bash").status).toBe(0);
    expect(syntaxOk(s, "dash").status).toBe(0);
    expect(s).toContain("in_rules_d=yes");
    expect(s).toContain("apt_install auditd");
    expect(s).toContain(`apt-get install -y -q "$1"`);
    expect(
      renderAuditRulesScript({ candidates: [], rulesFile: "/tmp/x.rules", installAuditd: false, load: true }),
    ).toContain("in_rules_d=no");
  });

  it(
    "writes one watch per existing path, resolves binaries to their real path, skips unsafe ones, " +
      "and is idempotent (run)",
    () => {
      const root = join(scratch, "audit");
      const bin = join(root, "bin");
      const odd = join(root, "odd dir");
      for (const d of [join(root, "etc/docker"), bin, odd]) mkdirSync(d, { recursive: true });
      writeFileSync(join(bin, "containerd-real"), "");
      chmodSync(join(bin, "containerd-real"), 0o755);
      symlinkSync("containerd-real", join(bin, "containerd"));
      writeFileSync(join(odd, "runc"), "");
      chmodSync(join(odd, "runc"), 0o755);
      symlinkSync(join(odd, "runc"), join(bin, "runc")); // resolves to a path with a space: never written
      const rulesFile = join(root, "rules/hardened-docker.rules");
      const script = renderAuditRulesScript({
        rulesFile,
        installAuditd: false,
        load: false,
        lockFile: join(root, "host.lock"),
        candidates: [
          { rule: "1.1.6", path: join(root, "etc/docker") },
          { rule: "1.1.6", path: join(root, "etc/docker") }, // listed twice: one rule
          { rule: "1.1.10", path: join(root, "etc/default/docker") }, // absent
          { rule: "1.1.14", binary: "containerd" },
          { rule: "1.1.18", binary: "runc" },
          { rule: "1.1.15", binary: "hd-no-such-program" }, // not installed
        ],
      });
      const env = { PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin` };
      const first = runScript(script, { env, shell: "dash" });
      expect(first.status).toBe(0);
      const lines = readFileSync(rulesFile, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("-"));
      expect(lines).toEqual([
        `-w ${join(root, "etc/docker")} -p rwxa -k ${AUDIT_KEY}`,
        `-w ${join(bin, "containerd-real")} -p rwxa -k ${AUDIT_KEY}`,
      ]);
      expect(first.stderr).toMatch(
        /1\.1\.18: .*odd dir\/runc has characters an audit rule cannot carry safely; skipped/,
      );
      const report = parseHostReport(first.stdout);
      expect(report.facts.watch).toEqual([join(root, "etc/docker"), join(bin, "containerd-real")]);
      expect(report.done[0]).toMatch(/wrote .* \(2 watches\)/);
      expect(factValue(report, "loaded")).toBe("no");
      const second = runScript(script, { env, shell: "dash" });
      expect(second.status).toBe(0);
      expect(parseHostReport(second.stdout).done).toEqual([]);
      expect(second.stdout).toContain("unchanged");
    },
  );

  it(
    "watches every copy of the docker CLI (and docker-compose) in the usual bin directories, " +
      "each by its real path, once (5.23/5.24)",
    () => {
      const dirs = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
      const copies = [
        ...new Set(dirs.filter((d) => existsSync(`${d}/docker`)).map((d) => realpathSync(`${d}/docker`))),
      ];
      expect(copies.length).toBeGreaterThan(0); // the machine's docker CLI (docker.io, and any other install)
      const rulesFile = join(scratch, "cli/hardened-docker.rules");
      // And standalone docker-compose where installed (not on this project's machine: then no watch, and no failure).
      const composeCopies = [
        ...new Set(
          dirs.filter((d) => existsSync(`${d}/docker-compose`)).map((d) => realpathSync(`${d}/docker-compose`)),
        ),
      ];
      const candidates = [
        { rule: "5.23", binary: "docker", everyCopy: true },
        { rule: "5.23", binary: "docker-compose", everyCopy: true },
      ];
      const r = runScript(
        renderAuditRulesScript({
          rulesFile,
          installAuditd: false,
          load: false,
          candidates,
          lockFile: join(scratch, "host.lock"),
        }),
        { shell: "dash" },
      );
      expect(r.status).toBe(0);
      expect(
        readFileSync(rulesFile, "utf8")
          .split("\n")
          .filter((l) => l.startsWith("-")),
      ).toEqual([...copies, ...composeCopies].map((c) => `-w ${c} -p rwxa -k ${AUDIT_KEY}`));
    },
  );

  it("fails when auditctl is missing and it may neither install nor skip loading", () => {
    const s = renderAuditRulesScript({
      candidates: [],
      rulesFile: join(scratch, "none.rules"),
      installAuditd: false,
      load: true,
      lockFile: join(scratch, "host.lock"),
    });
    const r = runScript(s, { shell: "dash" });
    if (spawnSync("sh", ["-c", "command -v auditctl"]).status !== 0) {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("auditctl is missing and installing auditd was turned off");
    } else {
      expect(r.status).toBe(0);
    }
  });
});

// ───────────── docker group ─────────────

describe("docker-group script", () => {
  it.each(["alice", "_svc", "deploy-bot", "j.doe", "a1"])("accepts the user %j", (u) =>
    expect(userNameProblem(u)).toBeUndefined(),
  );
  it.each(["", "Alice", "1abc", "-rf", "a".repeat(33), "root:x", "a,b", ...HOSTILE])("rejects the user %j", (u) => {
    expect(userNameProblem(u)).toBeDefined();
    expect(() => renderDockerGroupScript({ trustedUsers: ["alice", u] })).toThrow(/^trustedUsers\[1\] = /);
  });

  it("rejects a hostile group name or root", () => {
    expect(() => renderDockerGroupScript({ trustedUsers: [], group: "docker;id" })).toThrow(/^group = /);
    expect(() => renderDockerGroupScript({ trustedUsers: [], root: "/tmp/$(id)" })).toThrow(/^root = /);
  });

  const layOut = (dir: string, group: string, passwd: string) => {
    mkdirSync(join(dir, "etc"), { recursive: true });
    writeFileSync(join(dir, "etc/group"), group);
    writeFileSync(join(dir, "etc/passwd"), passwd);
  };
  const PASSWD =
    "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n";

  it("removes every untrusted member, hostile names included, as inert data (run)", () => {
    const dir = join(scratch, "grp1");
    const marker = join(scratch, "grp1-pwned");
    layOut(dir, `root:x:0:\ndocker:x:998:alice,bob,$(touch ${marker}),*,-Rx,\`id\`\nstaff:x:50:bob\n`, PASSWD);
    const script = renderDockerGroupScript({ trustedUsers: ["alice"], root: dir });
    const r = runScript(script, { shell: "dash" });
    expect(r.status).toBe(0);
    const report = parseHostReport(r.stdout);
    expect(report.facts.removed).toEqual(["bob", `$(touch ${marker})`, "*", "-Rx", "`id`"]);
    expect(report.facts.member).toEqual(["alice"]);
    expect(readFileSync(join(dir, "etc/group"), "utf8")).toContain("\ndocker:x:998:alice\n");
    expect(readFileSync(join(dir, "etc/group"), "utf8")).toContain("\nstaff:x:50:bob\n"); // other groups untouched
    expect(existsSync(marker)).toBe(false);
    // Again: nothing to do.
    const again = runScript(script, { shell: "bash" });
    expect(again.status).toBe(0);
    expect(parseHostReport(again.stdout).done).toEqual([]);
    expect(again.stdout).toContain("unchanged");
  });

  it("an empty trusted list empties the group", () => {
    const dir = join(scratch, "grp2");
    layOut(dir, "docker:x:998:alice,bob\n", PASSWD);
    const r = runScript(renderDockerGroupScript({ trustedUsers: [], root: dir }));
    expect(r.status).toBe(0);
    expect(parseHostReport(r.stdout).facts.removed).toEqual(["alice", "bob"]);
    expect(readFileSync(join(dir, "etc/group"), "utf8")).toBe("docker:x:998:\n");
  });

  it("fails, naming them, when untrusted users have docker as their primary group", () => {
    const dir = join(scratch, "grp3");
    layOut(dir, "docker:x:998:alice\n", PASSWD + "carol:x:1002:998::/home/carol:/bin/sh\n");
    const r = runScript(renderDockerGroupScript({ trustedUsers: ["alice"], root: dir }));
    expect(r.status).toBe(1);
    const report = parseHostReport(r.stdout);
    expect(report.facts["untrusted-primary"]).toEqual(["carol"]);
    expect(report.facts.member).toEqual(["alice", "carol"]);
    expect(r.stderr).toMatch(/primary group.*usermod -g/);
  });

  it("does nothing when there is no docker group", () => {
    const dir = join(scratch, "grp4");
    layOut(dir, "root:x:0:\n", PASSWD);
    const r = runScript(renderDockerGroupScript({ trustedUsers: ["alice"], root: dir }));
    expect(r.status).toBe(0);
    expect(factValue(parseHostReport(r.stdout), "group-exists")).toBe("no");
  });
});

// ───────────── unattended upgrades ─────────────

describe("unattended-upgrades script", () => {
  it("allows the security archives, and Docker's repository only with includeEngine", () => {
    const withEngine = unattendedUpgradesConfig(true);
    expect(withEngine).toContain('APT::Periodic::Unattended-Upgrade "1";');
    expect(withEngine).toContain('"origin=Debian,codename=${distro_codename}-security,label=Debian-Security";');
    expect(withEngine).toContain('"origin=Ubuntu,archive=${distro_codename}-security";');
    expect(withEngine).toContain('"site=download.docker.com";');
    expect(unattendedUpgradesConfig(false)).not.toContain("download.docker.com");
  });

  it("rejects a hostile file path", () => {
    expect(() =>
      renderUnattendedUpgradesScript({
        includeEngine: true,
        installPackage: false,
        confFile: "/etc/apt/apt.conf.d/x;id",
      }),
    ).toThrow(/confFile/);
  });

  const apt = spawnSync("sh", ["-c", "command -v apt-get && command -v apt-config"]).status === 0;
  (apt ? it : it.skip)("writes a configuration apt-config accepts, once (run; apt hosts only)", () => {
    const confFile = join(scratch, "apt/52hardened-docker-unattended-upgrades");
    const script = renderUnattendedUpgradesScript({
      includeEngine: true,
      installPackage: false,
      confFile,
      lockFile: join(scratch, "host.lock"),
    });
    const r = runScript(script, { shell: "dash" });
    expect(r.status).toBe(0);
    expect(readFileSync(confFile, "utf8")).toBe(unattendedUpgradesConfig(true));
    const dump = spawnSync("apt-config", ["-c", confFile, "dump", "Unattended-Upgrade::Origins-Pattern"], {
      encoding: "utf8",
    });
    expect(dump.stdout).toContain("site=download.docker.com");
    expect(parseHostReport(r.stdout).done).toEqual([`wrote ${confFile}`]);
    const again = runScript(script, { shell: "dash" });
    expect(again.status).toBe(0);
    expect(parseHostReport(again.stdout).done).toEqual([]);
  });
});

// ───────────── the host lock ─────────────

describe("every HardenedHost script takes the host lock first", () => {
  const held = () => join(scratch, "held.lock");
  /** Hold the lock in another process (as a deploy still running would), for `seconds`. */
  const holdLock = (seconds: number) => {
    const holder = spawn("flock", [held(), "sleep", String(seconds)], { stdio: "ignore" });
    for (let i = 0; i < 100 && spawnSync("flock", ["-n", held(), "true"]).status === 0; i++)
      spawnSync("sleep", ["0.05"]);
    return holder;
  };
  const scripts: [string, () => string][] = [
    ["data-root", () => renderDataRootScript({ ...DR, lockFile: held(), lockWaitSeconds: 1 })],
    [
      "audit rules",
      () =>
        renderAuditRulesScript({
          candidates: [],
          rulesFile: join(scratch, "locked.rules"),
          installAuditd: false,
          load: false,
          lockFile: held(),
          lockWaitSeconds: 1,
        }),
    ],
    [
      "docker group",
      () =>
        renderDockerGroupScript({
          trustedUsers: [],
          root: join(scratch, "locked-root"),
          lockFile: held(),
          lockWaitSeconds: 1,
        }),
    ],
    [
      "unattended upgrades",
      () =>
        renderUnattendedUpgradesScript({
          includeEngine: true,
          installPackage: false,
          confFile: join(scratch, "locked.conf"),
          lockFile: held(),
          lockWaitSeconds: 1,
        }),
    ],
  ];

  it.each(scripts)(
    "%s: while another command holds it, fails after its wait saying so, having changed nothing",
    (_name, render) => {
      const holder = holdLock(30);
      try {
        const t0 = Date.now();
        const r = runScript(render(), { shell: "dash" });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(
          /another hardened-docker command still holds the host lock .*held\.lock after 1s .*Nothing was changed/,
        );
        expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
        expect(r.stdout).not.toMatch(/hd-done:/);
        expect(existsSync(join(scratch, "locked.rules")) || existsSync(join(scratch, "locked.conf"))).toBe(false);
      } finally {
        holder.kill("SIGKILL");
      }
    },
  );
});

describe("HardenedContainer's PIDs-limit command on the host", () => {
  const ID = "0123456789ab";
  /** A stand-in docker that records when it ran. */
  const fakeDocker = () => {
    const bin = join(scratch, "pids-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh\ndate +%s%N >"${join(scratch, "docker-ran")}"\necho "$*" >>"${join(scratch, "docker-args")}"\n`,
    );
    chmodSync(join(bin, "docker"), 0o755);
    return { PATH: `${bin}:${process.env.PATH}` };
  };

  it("waits for the host lock while a host change holds it, then runs", () => {
    const lock = join(scratch, "pids.lock");
    writeFileSync(lock, "");
    const holder = spawn("flock", [lock, "sleep", "1.5"], { stdio: "ignore" });
    for (let i = 0; i < 100 && spawnSync("flock", ["-n", lock, "true"]).status === 0; i++) spawnSync("sleep", ["0.05"]);
    try {
      const t0 = Date.now();
      const r = spawnSync("sh", ["-c", renderHostPidsLimitCommand(ID, 64, lock)], {
        env: fakeDocker(),
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(readFileSync(join(scratch, "docker-args"), "utf8")).toContain(
        `--context default update --pids-limit=64 -- ${ID}`,
      );
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("runs at once on a host without the lock file (no hardened-docker host component there)", () => {
    const t0 = Date.now();
    const r = spawnSync("sh", ["-c", renderHostPidsLimitCommand(ID, 64, join(scratch, "no-such.lock"))], {
      env: fakeDocker(),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

// ───────────── the report ─────────────

describe("host report parser", () => {
  it("collects done lines and repeated facts, and ignores everything else", () => {
    const r = parseHostReport(
      "hd-done: a thing\nnoise\nhd-fact: member=alice\r\nhd-fact: member=bob\nhd-fact: path=/a=b\n" +
        "hd-fact: =x\nhd-fact: novalue\n",
    );
    expect(r).toEqual({ done: ["a thing"], facts: { member: ["alice", "bob"], path: ["/a=b"] } });
    expect(factValue(r, "member")).toBe("bob");
    expect(factValue(r, "none")).toBeUndefined();
  });
});
