/**
 * The host scripts' shell lives in real files (src/scripts/sh/**.sh) that the renderers put after
 * a header of validated, quoted inputs. Checked here: every file on its own (shellcheck, the house
 * line length, targeted and reasoned shellcheck directives only, used by a renderer), every
 * renderer's output for representative inputs (shellcheck, bash -n, dash -n), and values an
 * attacker would try — refused by the renderer, or carried as inert data when they are accepted.
 * Needs shellcheck (Debian package), bash and dash.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultAuditCandidates, renderAuditRulesScript } from "../../../src/scripts/audit-rules";
import { renderDaemonApplyScript, type DaemonApplyOptions } from "../../../src/scripts/daemon-apply";
import { renderDaemonPermissionsScript } from "../../../src/scripts/daemon-permissions";
import { renderTlsStageScript } from "../../../src/scripts/daemon-tls";
import { renderDataRootScript, type DataRootOptions } from "../../../src/scripts/data-root";
import { renderDockerGroupScript } from "../../../src/scripts/docker-group";
import { engineShellFunctions } from "../../../src/scripts/engine-shell";
import {
  renderEnginePidsLimitCommand,
  renderHostPidsLimitCommand,
  renderPidsLimitCommand,
} from "../../../src/scripts/pids-limit";
import { hostLock, messageFunctions } from "../../../src/scripts/shell-prelude";
import { renderUnattendedUpgradesScript } from "../../../src/scripts/unattended-upgrades";
import { runScript } from "../../harness/daemon-host";
import { SH_DIR, shellcheck, shellcheckFile, shFiles } from "../../harness/shellcheck";

const SCRIPTS_DIR = join(SH_DIR, "..");

// ───────────── the files ─────────────

describe("src/scripts/sh: every shell file on its own", () => {
  const files = shFiles();

  it("holds the bodies and the shared libraries", () => {
    for (const body of [
      "audit-rules.sh",
      "daemon-apply.sh",
      "daemon-permissions.sh",
      "daemon-tls.sh",
      "data-root.sh",
      "docker-group.sh",
      "pids-limit-engine.sh",
      "unattended-upgrades.sh",
    ])
      expect(files).toContain(body);
    expect(files.filter((f) => f.startsWith("lib/")).length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s passes shellcheck (POSIX sh; warnings and errors)", (file) => {
    const r = shellcheckFile(join(SH_DIR, file));
    if (r.status !== 0) throw new Error(`${file}: shellcheck found:\n${r.stdout}${r.stderr}`);
  });

  it.each(files)("%s names its dialect, keeps lines within 120 characters, and disables no check wholesale", (file) => {
    const lines = readFileSync(join(SH_DIR, file), "utf8").split("\n");
    expect(lines[0]).toBe("# shellcheck shell=sh");
    const long = lines.map((l, i) => [i + 1, l.length] as const).filter(([, n]) => n > 120);
    expect(long).toEqual([]);
    // A directive disables named checks for the next command only, and says why.
    for (const line of lines.filter((l) => /#\s*shellcheck\s/.test(l)).slice(1))
      expect(line).toMatch(/^\s*# shellcheck disable=SC\d{4}(,SC\d{4})* # \S.{9,}$/);
  });

  it("has no shellcheckrc that could disable checks for the whole tree", () => {
    for (const dir of [SH_DIR, join(SH_DIR, "lib"), SCRIPTS_DIR, join(SCRIPTS_DIR, "../..")])
      expect(existsSync(join(dir, ".shellcheckrc"))).toBe(false);
  });

  it("every file is read by a renderer, and every file a renderer reads exists", () => {
    const sources = readdirSync(SCRIPTS_DIR)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(join(SCRIPTS_DIR, f), "utf8"))
      .join("\n");
    const read = [
      ...[...sources.matchAll(/shFile\("([^"]+)"\)/g)].map((m) => m[1]),
      ...[...sources.matchAll(/shLibrary\("([^"]+)"\)/g)].map((m) => `lib/${m[1]}.sh`),
    ].sort();
    expect([...new Set(read)]).toEqual(files);
  });
});

// ───────────── the rendered scripts ─────────────

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
const DA: DaemonApplyOptions = {
  configText: '{\n  "icc": false,\n  "labels": ["a=$(id)", "b=`id`", "c=\'x\'"]\n}\n',
  configFile: "/etc/docker/daemon.json",
  dockerSocket: "/run/docker.sock",
  pidFile: "/run/docker.pid",
  timeoutSeconds: 60,
  liveRestore: true,
  iccOff: true,
  ulimits: [
    { name: "nofile", hard: 4096 },
    { name: "nproc", hard: 512 },
  ],
  tlsDir: "/etc/docker/tls",
};
const PERMS = {
  etcDocker: "/etc/docker",
  configFile: "/etc/docker/daemon.json",
  tlsDir: "/etc/docker/tls",
  dockerSocket: "/run/docker.sock",
  containerdSocket: "/run/containerd/containerd.sock",
  unitFiles: ["/lib/systemd/system/docker.service", "/lib/systemd/system/docker.socket"],
  environmentFiles: ["/etc/default/docker", "/etc/sysconfig/docker"],
};
const ID = "0123456789ab";
const SSH_OPTS = [
  "-o",
  "StrictHostKeyChecking=yes",
  "-o",
  "KnownHostsCommand=/bin/echo '%H' ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2",
];

/** Every renderer, with inputs that take each of its branches. */
const RENDERED: [string, () => string][] = [
  ["data-root (device)", () => renderDataRootScript(DR)],
  [
    "data-root (device, wipe allowed, no drop-in)",
    () => renderDataRootScript({ ...DR, allowWipe: true, unitDropInDir: undefined }),
  ],
  [
    "data-root (mount, test hooks, rsync)",
    () =>
      renderDataRootScript({
        ...DR,
        source: { kind: "mount", mount: "/srv/docker-data" },
        failureInjection: true,
        copyTool: "rsync",
      }),
  ],
  ["daemon-apply", () => renderDaemonApplyScript(DA)],
  [
    "daemon-apply (no TLS, no ulimits, journald, test hooks)",
    () =>
      renderDaemonApplyScript({ ...DA, tlsDir: undefined, ulimits: [], failureInjection: true, liveRestore: false }),
  ],
  ["daemon-permissions", () => renderDaemonPermissionsScript(PERMS)],
  [
    "daemon-permissions (no TLS, no unit or environment files)",
    () => renderDaemonPermissionsScript({ ...PERMS, tlsDir: undefined, unitFiles: [], environmentFiles: [] }),
  ],
  ["daemon-tls", () => renderTlsStageScript("/etc/docker/tls")],
  [
    "daemon-tls (lock moved, no wait)",
    () => renderTlsStageScript("/srv/tls", { lockFile: "/srv/l", lockWaitSeconds: 0 }),
  ],
  [
    "audit-rules (default candidates, rules.d)",
    () =>
      renderAuditRulesScript({
        candidates: [...defaultAuditCandidates({ dataRoot: "/var/lib/docker" }), { rule: "extra", path: "/opt/x" }],
        rulesFile: "/etc/audit/rules.d/hardened-docker.rules",
        installAuditd: true,
        load: true,
      }),
  ],
  [
    "audit-rules (no candidates, elsewhere, not loaded)",
    () => renderAuditRulesScript({ candidates: [], rulesFile: "/srv/a.rules", installAuditd: false, load: false }),
  ],
  ["docker-group", () => renderDockerGroupScript({ trustedUsers: ["alice", "j.doe", "_svc"] })],
  [
    "docker-group (none trusted, other root)",
    () => renderDockerGroupScript({ trustedUsers: [], root: "/srv/r", group: "dock" }),
  ],
  [
    "unattended-upgrades (OS and engine)",
    () =>
      renderUnattendedUpgradesScript({
        includeEngine: true,
        confFile: "/etc/apt/apt.conf.d/52x",
        installPackage: true,
      }),
  ],
  [
    "unattended-upgrades (OS)",
    () =>
      renderUnattendedUpgradesScript({
        includeEngine: false,
        confFile: "/etc/apt/apt.conf.d/52x",
        installPackage: false,
      }),
  ],
  ["pids-limit (local)", () => renderPidsLimitCommand(ID, 64)],
  ["pids-limit (on the host)", () => renderHostPidsLimitCommand(ID, 64)],
  [
    "pids-limit (engine over ssh)",
    () => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "ssh://core@h:22", sshOpts: SSH_OPTS }),
  ],
  [
    "pids-limit (engine over tcp, TLS)",
    () => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "tcp://h:2376", tls: true }),
  ],
  ["pids-limit (engine over tcp)", () => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "tcp://h:2375" })],
];

describe("every rendered script", () => {
  it.each(RENDERED)("%s: passes shellcheck, and parses under bash and dash", (_name, render) => {
    const text = render();
    const r = shellcheck(text);
    if (r.status !== 0) throw new Error(`shellcheck found:\n${r.stdout}${r.stderr}`);
    for (const shell of ["bash", "dash"])
      expect(spawnSync(shell, ["-n"], { input: text, encoding: "utf8" }).stderr).toBe("");
  });

  it.each(RENDERED.filter(([name]) => !name.startsWith("pids-limit")))(
    "%s: takes the host lock and says who it is, from the shared libraries",
    (_name, render) => {
      const text = render();
      expect(text).toMatch(/^#!\/bin\/sh\n/);
      expect(text).toMatch(/^set -[euf]+$/m);
      expect(text).toMatch(/^hd_tag='hd-[a-z-]+'$/m);
      expect(text).toMatch(/^hd_lock_file='\/[^']+'$/m);
      expect(text).toContain('flock -w "$hd_lock_wait" 9 ||');
      // No shell is escaped in a template literal any more: a doubled backslash before n never appears.
      expect(text).not.toContain("\\\\n");
    },
  );
});

// ───────────── hostile values ─────────────

/** What an attacker would try in a path, a name, an option. */
const HOSTILE = ["$(touch /tmp/hd-pwned)", "`touch /tmp/hd-pwned`", "a'b", 'a"b', "a\nb", "a;b", "a b", "a\0b"];

describe("renderers refuse hostile values, naming the input", () => {
  const cases: [string, (h: string) => unknown, RegExp][] = [
    [
      "daemon-permissions etcDocker",
      (h) => renderDaemonPermissionsScript({ ...PERMS, etcDocker: `/etc/${h}` }),
      /^etcDocker = /,
    ],
    [
      "daemon-permissions unitFiles",
      (h) => renderDaemonPermissionsScript({ ...PERMS, unitFiles: [`/x/${h}`] }),
      /unitFiles\[0\]/,
    ],
    ["daemon-permissions tlsDir", (h) => renderDaemonPermissionsScript({ ...PERMS, tlsDir: `/x/${h}` }), /^tlsDir = /],
    [
      "daemon-permissions lockFile",
      (h) => renderDaemonPermissionsScript({ ...PERMS, lockFile: `/x/${h}` }),
      /^lockFile = /,
    ],
    ["daemon-tls tlsDir", (h) => renderTlsStageScript(`/etc/${h}`), /^tlsDir = /],
    ["daemon-tls lockFile", (h) => renderTlsStageScript("/etc/tls", { lockFile: `/x/${h}` }), /^lockFile = /],
    [
      "unattended-upgrades lockFile",
      (h) =>
        renderUnattendedUpgradesScript({
          includeEngine: true,
          installPackage: false,
          confFile: "/x",
          lockFile: `/${h}`,
        }),
      /^lockFile = /,
    ],
    ["docker-group lockFile", (h) => renderDockerGroupScript({ trustedUsers: [], lockFile: `/${h}` }), /^lockFile = /],
    [
      "audit-rules lockFile",
      (h) =>
        renderAuditRulesScript({
          candidates: [],
          rulesFile: "/x",
          installAuditd: false,
          load: false,
          lockFile: `/${h}`,
        }),
      /^lockFile = /,
    ],
    [
      "pids-limit container id",
      (h) => renderEnginePidsLimitCommand(h, 64, { dockerHost: "tcp://h:1" }),
      /container id/,
    ],
    ["host pids-limit lock", (h) => renderHostPidsLimitCommand(ID, 64, `/x/${h}`), /^lockFile = /],
  ];
  it.each(cases)("%s", (_name, render, message) => {
    for (const h of HOSTILE) expect(() => render(h)).toThrow(message);
  });

  it("refuses a leading dash where a path or a name is expected", () => {
    expect(() => renderTlsStageScript("-rf")).toThrow(/^tlsDir = .*absolute path/);
    expect(() => renderDockerGroupScript({ trustedUsers: ["-rf"] })).toThrow(/^trustedUsers\[0\] = /);
    expect(() => renderDockerGroupScript({ trustedUsers: [], group: "-g" })).toThrow(/^group = /);
    expect(() => renderPidsLimitCommand("-q", 1)).toThrow(/container id/);
    expect(() => renderPidsLimitCommand(ID, -1)).toThrow(/positive integer/);
  });

  it("refuses what the shared libraries would embed: a bad tag, lock wait or engine timing", () => {
    expect(() => messageFunctions("hd-x'; id; '")).toThrow(/bad tag/);
    expect(() => hostLock("/x", 1.5)).toThrow(/lockWaitSeconds/);
    expect(() => engineShellFunctions({ callTimeoutSeconds: 0, pollSeconds: 1 })).toThrow(/call timeout/);
    expect(() => engineShellFunctions({ callTimeoutSeconds: 5, pollSeconds: NaN })).toThrow(/poll/);
  });

  it("refuses an ssh option with a newline (the wrapper is one line)", () => {
    expect(() => renderEnginePidsLimitCommand(ID, 64, { dockerHost: "ssh://u@h", sshOpts: ["-o", "a\nb"] })).toThrow(
      /newline/,
    );
  });
});

describe("accepted values stay data (run)", () => {
  let scratch = "";
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "hd-sh-files-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A bin directory with stand-ins: `docker` runs `ssh` as the CLI's ssh transport would, and records. */
  function standIns(): { env: Record<string, string>; out: string } {
    const bin = join(scratch, "bin");
    const out = join(scratch, "out");
    mkdirSync(bin, { recursive: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh
printf '%s\\n' "$@" >"${out}/docker-args"
printf '%s\\n' "$DOCKER_HOST" "\${DOCKER_TLS_VERIFY:-}" >"${out}/docker-env"
if [ -n "\${DOCKER_CERT_PATH:-}" ]; then cat "$DOCKER_CERT_PATH/ca.pem" "$DOCKER_CERT_PATH/key.pem" >"${out}/certs"; fi
case $DOCKER_HOST in ssh://*) ssh -l user host docker system dial-stdio ;; esac
`,
    );
    writeFileSync(join(bin, "ssh-real"), `#!/bin/sh\nprintf '%s\\n' "$@" >"${out}/ssh-args"\n`);
    chmodSync(join(bin, "docker"), 0o755);
    chmodSync(join(bin, "ssh-real"), 0o755);
    // `command -v ssh` in the script finds this one: the wrapper execs it with the options.
    writeFileSync(join(bin, "ssh"), `#!/bin/sh\nexec "${join(bin, "ssh-real")}" "$@"\n`);
    chmodSync(join(bin, "ssh"), 0o755);
    return { env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: scratch }, out };
  }

  it("ssh options reach ssh verbatim, one argument each, and run nothing", () => {
    const canary = join(scratch, "canary");
    const opts = [
      "-o",
      `ProxyCommand=$(touch ${canary})`,
      `\`touch ${canary}\``,
      `'; touch ${canary}; '`,
      `"; touch ${canary}; "`,
      "HD_SSH_WRAPPER",
      "with space",
      "",
      "-rf",
    ];
    const { env, out } = standIns();
    const r = runScript(renderEnginePidsLimitCommand(ID, 64, { dockerHost: "ssh://core@h:22", sshOpts: opts }), {
      env,
      shell: "dash",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(existsSync(canary)).toBe(false);
    const args = readFileSync(join(out, "ssh-args"), "utf8").split("\n").slice(0, -1);
    expect(args).toEqual(["-o", "BatchMode=yes", ...opts, "-l", "user", "host", "docker", "system", "dial-stdio"]);
    expect(readFileSync(join(out, "docker-args"), "utf8")).toBe(`update\n--pids-limit=64\n--\n${ID}\n`);
    expect(readdirSync(scratch).filter((f) => f.startsWith("hd-pids-limit."))).toEqual([]); // removed on exit
  });

  it("TLS material arrives on stdin, is used from a directory of this run, and is removed", () => {
    const { env, out } = standIns();
    const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
    const KEY = "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n";
    const stdin = [CA, CA, KEY].map((p) => Buffer.from(p).toString("base64")).join("\n") + "\n";
    const r = runScript(renderEnginePidsLimitCommand(ID, 64, { dockerHost: "tcp://h:2376", tls: true }), {
      env,
      stdin,
      shell: "dash",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, "docker-env"), "utf8")).toBe("tcp://h:2376\n1\n");
    expect(readFileSync(join(out, "certs"), "utf8")).toBe(CA + KEY);
    expect(readdirSync(scratch).filter((f) => f.startsWith("hd-pids-limit."))).toEqual([]);
    const none = runScript(renderEnginePidsLimitCommand(ID, 64, { dockerHost: "tcp://h:2376", tls: true }), {
      env,
      stdin: "",
    });
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      "pids-limit: stdin: the TLS material is missing " +
        "(expected three base64 lines: CA certificate, client certificate, client key)\n",
    );
  });

  it("paths with every accepted character, and a lock file beside them, are used as they are", () => {
    const dir = join(scratch, "a+b@c_d-e.f");
    const t = { ...PERMS, lockFile: join(dir, "state/host.lock") };
    mkdirSync(join(dir, "etc"), { recursive: true });
    writeFileSync(join(dir, "etc/daemon.json"), "{}\n");
    chmodSync(join(dir, "etc/daemon.json"), 0o666);
    const r = runScript(
      renderDaemonPermissionsScript({
        ...t,
        etcDocker: join(dir, "etc"),
        configFile: join(dir, "etc/daemon.json"),
        tlsDir: undefined,
        dockerSocket: join(dir, "none.sock"),
        containerdSocket: join(dir, "none2.sock"),
        unitFiles: [],
        environmentFiles: [],
      }),
      { shell: "dash" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`hd-perms: ${join(dir, "etc/daemon.json")}: root:root 644 (was root:root 666)`);
    expect(existsSync(join(dir, "state/host.lock"))).toBe(true);
  });
});
