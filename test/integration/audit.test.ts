/**
 * The live audit (`hardened-docker audit`) against real engines:
 *
 * - the suite's engine (its daemon started with `--config-file F`) and a second engine started
 *   here with `--config-file=F` and a non-default daemon.json, audited concurrently in one report;
 * - hardened and insecure containers — running, created (never started) and exited — on the
 *   suite's engine, each with a full table of expected verdicts for every container rule of
 *   sections 4 and 5 (the hardened baseline, with the rules its one weakening breaks switched),
 *   including exemption labels (valid and expired);
 * - section 2 from each dockerd's real argv (/proc/PID/cmdline) and config file, section 3 from
 *   the real files (a daemon.json made 0666 fails 3.18) and from a fake host tree with too-open
 *   modes;
 * - drift: a HardenedContainer as planned, created on the engine, then `docker update`d, against
 *   a `pulumi stack export`;
 * - an ssh:// audit through a small SSH server (ssh2's), and the error paths: unreachable socket,
 *   permission denied, TLS failure, SSH failure → one line each, exit code 3.
 *
 * Expected verdicts come from the spec (/work/shared/cis-docker-benchmark.md) and from what this
 * engine really does (see test/integration/section5-runtime.test.ts for the machine's limits:
 * no AppArmor or SELinux here, `--privileged` can be created but not started).
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import Docker from "dockerode";
import { collectHost } from "../../src/audit/collect-host";
import { LocalHostAccess } from "../../src/audit/host-access";
import { runAudit, type AuditFinding, type AuditReport, type HostAudit } from "../../src/audit/run";
import { planHardenedContainer } from "../../src/components/hardened-container";
import { planHardenedNetwork } from "../../src/components/hardened-network";
import { parseDurationSeconds } from "../../src/facts/normalise";
import { CATALOG } from "../../src/rules/catalog";
import { evaluate } from "../../src/rules/evaluate";
import { SECTION_3 } from "../../src/rules/section3";
import { DEFAULT_SETTINGS, type VerdictStatus } from "../../src/rules/types";
import { ENGINE_ROOT, REPO_ROOT, TEST_ENGINE_SCRIPT, parseEngineEnv } from "../harness/engine-env";
import {
  cleanupEngineObjects,
  createContainer,
  createNetwork,
  docker,
  engineDir,
  engineSocketPath,
  hardenedSpec,
  HOST_APPARMOR,
  MiB,
  section5Baseline,
  TEST_IMAGE,
  type ContainerCase,
  type ContainerState,
  uniqueName,
  waitForExit,
  waitForHealth,
  type ContainerSpec,
} from "../harness/engine";
import { startSshServer } from "../harness/ssh-server";
import { cli } from "../harness/cli";

jest.setTimeout(180_000);

const NOW = new Date();

// ───────────────────────────── a second engine: --config-file=F ─────────────────────────────

const EXTRA_DIR = join(ENGINE_ROOT, `audit-${process.pid}`);
const EXTRA_CONFIG = join(ENGINE_ROOT, `audit-${process.pid}.json`);
/** Non-default settings dockerd starts with here (no containers run on it: syslog has no socket here). */
const EXTRA_DAEMON_JSON = {
  icc: false,
  "log-level": "warn",
  "insecure-registries": ["registry.invalid:5000"],
  "cgroup-parent": "hd-audit-parent",
  "log-driver": "syslog",
  "no-new-privileges": true,
  "live-restore": true,
  "userland-proxy": false,
  experimental: true,
  "default-ulimits": { nofile: { Name: "nofile", Soft: 1024, Hard: 2048 } },
  labels: [
    'hardened-docker.exemption.2.12={"reason":"no authorization plugin on test engines","expires":"2099-12-31"}',
  ],
};
let extraHost = "";

function startExtraEngine(): void {
  mkdirSync(ENGINE_ROOT, { recursive: true });
  writeFileSync(EXTRA_CONFIG, JSON.stringify(EXTRA_DAEMON_JSON));
  execFileSync("bash", [TEST_ENGINE_SCRIPT, "start", EXTRA_DIR, EXTRA_CONFIG], {
    env: { ...process.env, HD_CONFIG_FILE_FLAG: "equals" },
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 120_000,
  });
  extraHost = parseEngineEnv(readFileSync(join(EXTRA_DIR, "env"), "utf8")).DOCKER_HOST!;
  // Too open: CIS 3.18 wants 0644 or stricter.
  chmodSync(join(EXTRA_DIR, "daemon.json"), 0o666);
}

function stopExtraEngine(): void {
  execFileSync("bash", [TEST_ENGINE_SCRIPT, "stop", EXTRA_DIR], {
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 120_000,
  });
  rmSync(EXTRA_CONFIG, { force: true });
}

// ───────────────────────────── containers on the suite's engine ─────────────────────────────

type State = ContainerState;
type Status = VerdictStatus | "exempted";
type Case = ContainerCase;

let imageId = "";
let networkName = "";
const hc = (s: ContainerSpec) => (s.HostConfig ??= {});

/** Every container rule of sections 4 and 5 (and the exemption-label rule) on the hardened container in `state`. */
function baseline(state: State): Record<string, Status> {
  return {
    "4.1": "pass",
    "4.2": "manual",
    "4.5": "pass",
    "4.6": "pass",
    ...section5Baseline(state),
    "hd-exemptions": "pass",
  };
}

const exemption = (expires: string) =>
  JSON.stringify({ reason: "legacy app writes below its root filesystem", expires });

const CASES: Case[] = [
  { hint: "hardened", state: "running", change: () => {}, expect: {} },
  { hint: "hardened-created", state: "created", change: () => {}, expect: {} },
  { hint: "hardened-exited", state: "exited", change: (s) => (s.Cmd = ["true"]), expect: {} },
  // 4.5: a tag can be moved to other content.
  {
    hint: "tagged-image",
    state: "created",
    change: (s) => (s.Image = TEST_IMAGE),
    expect: { "4.5": "fail" },
    fields: { "4.5": "image.digest" },
  },
  // 4.1: neither the container nor the image sets a user.
  {
    hint: "root-user",
    state: "running",
    change: (s) => (s.User = ""),
    expect: { "4.1": "fail" },
    fields: { "4.1": "imageConfig.user" },
  },
  {
    hint: "healthcheck-none",
    state: "running",
    change: (s) => (s.Healthcheck = { Test: ["NONE"] }),
    expect: { "4.6": "fail", "5.27": "fail" },
    health: "none",
  },
  {
    hint: "privileged",
    state: "created",
    change: (s) => (hc(s).Privileged = true),
    expect: { "5.4": "fail", "5.5": "fail", "5.22": "fail", ...(HOST_APPARMOR ? { "5.2": "fail" } : {}) },
    fields: { "5.4": "privileged", "5.5": "privileged" },
  },
  {
    hint: "host-namespaces",
    state: "running",
    change: (s) => {
      Object.assign(hc(s), {
        NetworkMode: "host",
        PidMode: "host",
        IpcMode: "host",
        UTSMode: "host",
        UsernsMode: "host",
      });
      delete hc(s).PortBindings;
      delete s.ExposedPorts;
    },
    expect: { "5.10": "fail", "5.16": "fail", "5.17": "fail", "5.21": "fail", "5.31": "fail" },
  },
  {
    hint: "cap-add-sys-admin",
    state: "exited",
    change: (s) => ((s.Cmd = ["true"]), (hc(s).CapAdd = ["SYS_ADMIN"])),
    expect: { "5.4": "fail" },
    fields: { "5.4": "capAdd[0]" },
  },
  // Port 82: the section-5 file binds 80 and 81 on the same engine.
  {
    hint: "port-82-any",
    state: "running",
    change: (s) => (hc(s).PortBindings = { "8080/tcp": [{ HostIp: "0.0.0.0", HostPort: "82" }] }),
    expect: { "5.8": "fail", "5.14": "fail" },
  },
  {
    hint: "rw-etc-bind",
    state: "exited",
    change: (s) => ((s.Cmd = ["true"]), (hc(s).Binds = ["/etc:/host-etc"])),
    expect: { "5.6": "fail" },
    fields: { "5.6": "mounts[0].source" },
  },
  {
    hint: "docker-socket",
    state: "running",
    change: (s) => (hc(s).Binds = [`${engineSocketPath()}:/var/run/docker.sock:ro`]),
    expect: { "5.32": "fail" },
  },
  {
    hint: "rshared-bind",
    state: "created",
    change: (s) =>
      (hc(s).Mounts = [
        { Type: "bind", Source: sharedDir(), Target: "/shared", BindOptions: { Propagation: "rshared" } },
      ]),
    expect: { "5.20": "fail" },
  },
  {
    hint: "seccomp-unconfined",
    state: "running",
    change: (s) => (hc(s).SecurityOpt = ["no-new-privileges", "seccomp=unconfined"]),
    expect: { "5.22": "fail" },
  },
  {
    hint: "no-new-privileges-missing",
    state: "created",
    change: (s) => (hc(s).SecurityOpt = []),
    expect: { "5.26": "fail" },
  },
  {
    hint: "restart-always",
    state: "created",
    change: (s) => (hc(s).RestartPolicy = { Name: "always", MaximumRetryCount: 0 }),
    expect: { "5.15": "fail" },
  },
  {
    hint: "cgroup-parent",
    state: "created",
    change: (s) => (hc(s).CgroupParent = "/hd-audit-parent"),
    expect: { "5.25": "fail" },
  },
  {
    hint: "no-limits",
    state: "exited",
    change: (s) => ((s.Cmd = ["true"]), Object.assign(hc(s), { Memory: 0, NanoCpus: 0, PidsLimit: 0 })),
    expect: { "5.11": "fail", "5.12": "fail", "5.29": "fail" },
  },
  {
    hint: "writable-root",
    state: "running",
    change: (s) => (hc(s).ReadonlyRootfs = false),
    expect: { "5.13": "fail" },
  },
  {
    hint: "sshd",
    state: "running",
    change: (s) => (s.Cmd = ["/usr/sbin/sshd", "-s", "--", "sleep", "3600"]),
    expect: { "5.7": "fail" },
  },
  // 5.23/5.24: `docker exec` sessions the engine holds now — one as root (running), one privileged
  // (created; this sandbox cannot start a privileged exec: the kernel refuses its capabilities).
  {
    hint: "exec-sessions",
    state: "running",
    change: () => {},
    after: openExecSessions,
    expect: { "5.23": "fail", "5.24": "manual" },
  },
  // An exec without --user into a container with no user of its own runs as root: the engine records no user for it.
  {
    hint: "exec-default-root",
    state: "running",
    change: (s) => (s.User = ""),
    after: (id) => openExec(id, { Cmd: ["sleep", "600"] }),
    expect: { "4.1": "fail", "5.24": "manual" },
  },
  {
    hint: "unhealthy",
    state: "running",
    change: (s) => (s.Healthcheck = { Test: ["CMD", "/bin/false"], Interval: 1e9, Timeout: 2e9, Retries: 1 }),
    expect: { "5.27": "fail" },
    health: "unhealthy",
  },
  // A valid exemption label turns the failure into `exempted`; an expired one excuses nothing and is itself a failure.
  {
    hint: "exempted-writable-root",
    state: "running",
    change: (s) => (
      (hc(s).ReadonlyRootfs = false),
      (s.Labels = { "hardened-docker.exemption.5.13": exemption("2099-12-31") })
    ),
    expect: { "5.13": "exempted" },
  },
  {
    hint: "expired-exemption",
    state: "created",
    change: (s) => (
      (hc(s).ReadonlyRootfs = false),
      (s.Labels = { "hardened-docker.exemption.5.13": exemption("2020-01-01") })
    ),
    expect: { "5.13": "fail", "hd-exemptions": "fail" },
  },
];

function sharedDir(): string {
  const dir = join(engineDir(), `audit-shared-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const ids = new Map<string, string>();

/**
 * `docker exec -d -u root C sleep 600`, and a `docker exec --privileged` (no --user) created but
 * not started: the engine records the container's user for it.
 */
async function openExecSessions(id: string): Promise<void> {
  await openExec(id, { Cmd: ["sleep", "600"], User: "root" });
  await docker()
    .getContainer(id)
    .exec({ Cmd: ["sh", "-c", "id"], Privileged: true });
}

/** `docker exec -d` with these options. */
async function openExec(id: string, options: Docker.ExecCreateOptions): Promise<void> {
  const exec = await docker().getContainer(id).exec(options);
  await exec.start({ Detach: true });
}

async function materialise(c: Case): Promise<void> {
  const spec = structuredClone(hardenedSpec(networkName, imageId));
  c.change(spec);
  const id = await createContainer({ ...spec, hint: `audit-${c.hint}`, start: c.state !== "created" });
  if (c.state === "exited") await waitForExit(id);
  if (c.state === "running" && c.health !== "none") await waitForHealth(id, c.health ?? "healthy");
  await c.after?.(id);
  ids.set(c.hint, id);
}

let report: AuditReport;
let suite: HostAudit;
let extra: HostAudit;

beforeAll(async () => {
  startExtraEngine();
  imageId = (await docker().getImage(TEST_IMAGE).inspect()).Id;
  networkName = await createNetwork("audit-app", {
    Driver: "bridge",
    Options: { "com.docker.network.bridge.enable_icc": "false" },
  });
  await Promise.all(CASES.map(materialise));
  report = await runAudit({ hosts: [process.env.DOCKER_HOST!, extraHost], now: NOW });
  suite = report.hosts[0]!;
  extra = report.hosts[1]!;
});

afterAll(async () => {
  await cleanupEngineObjects();
  stopExtraEngine();
});

const statusesOf = (h: HostAudit, pred: (f: AuditFinding) => boolean): Record<string, Status | "unknown"> =>
  Object.fromEntries(h.findings.filter(pred).map((f) => [f.ruleId, f.status]));

// ───────────────────────────── the tests ─────────────────────────────

describe("two engines audited concurrently into one report", () => {
  test("both answered, with their engines, daemons and host probes", () => {
    expect(report.hosts.map((h) => h.target)).toEqual([process.env.DOCKER_HOST, extraHost]);
    for (const h of report.hosts) {
      expect(h.error).toBeUndefined();
      expect(h.engine?.serverVersion).toMatch(/^\d+\.\d+/);
      expect(h.hostProbe).toBe("local");
      expect(h.findings.some((f) => f.status === "unknown")).toBe(false);
    }
    expect(suite.counts!.containers).toBeGreaterThanOrEqual(CASES.length);
    expect(extra.counts!.containers).toBe(0);
  });

  test("the table ids of the expectation cover exactly the catalog's container rules of sections 4 and 5", () => {
    const ids = CATALOG.filter((r) => r.subject === "container" && (r.section === 4 || r.section === 5)).map(
      (r) => r.id,
    );
    expect(Object.keys(baseline("running")).sort()).toEqual(ids.sort());
  });
});

describe("section 2 from each dockerd's argv and config file", () => {
  test("--config-file F (the suite's engine): its config file and argv are the ones read", () => {
    const dir = process.env.HD_TEST_ENGINE_DIR!;
    expect(suite.dockerd?.pid).toBe(Number(process.env.HD_TEST_DOCKERD_PID));
    expect(suite.dockerd?.argv).toEqual(expect.arrayContaining(["--config-file", `${dir}/daemon.json`]));
    expect(suite.dockerd?.configFile).toBe(`${dir}/daemon.json`);
  });

  test("--config-file=F (the second engine): its config file and argv are the ones read", () => {
    expect(extra.dockerd?.argv).toContain(`--config-file=${EXTRA_DIR}/daemon.json`);
    expect(extra.dockerd?.configFile).toBe(`${EXTRA_DIR}/daemon.json`);
  });

  const daemonRules = (h: HostAudit) => statusesOf(h, (f) => f.subject === "daemon");

  test("the suite's engine: dockerd defaults (an empty daemon.json)", () => {
    expect(daemonRules(suite)).toEqual({
      "2.1": "manual",
      "2.2": "fail", // icc defaults to true
      "2.3": "pass",
      "2.4": "pass",
      "2.5": "pass", // 127.0.0.0/8 is implicit, not configured
      "2.6": "pass", // vfs, from the flag
      "2.7": "pass", // only a unix socket
      "2.8": "manual",
      "2.9": "fail",
      "2.10": "pass",
      "2.11": "pass",
      "2.12": "fail",
      "2.13": "fail", // json-file
      "2.14": "fail",
      "2.15": "fail",
      "2.16": "fail",
      "2.17": "pass",
      "2.18": "pass",
      "hd-selinux-enabled": "not-applicable",
      "hd-exemptions-daemon": "pass",
    });
  });

  test("the second engine: every non-default key of its daemon.json is seen, and its exemption label honoured", () => {
    expect(daemonRules(extra)).toEqual({
      "2.1": "manual",
      "2.2": "pass",
      "2.3": "fail",
      "2.4": "pass",
      "2.5": "fail",
      "2.6": "pass",
      "2.7": "pass",
      "2.8": "manual",
      "2.9": "fail",
      "2.10": "fail",
      "2.11": "pass",
      "2.12": "exempted", // daemon label hardened-docker.exemption.2.12
      "2.13": "pass", // syslog ships logs off the host
      "2.14": "pass",
      "2.15": "pass",
      "2.16": "pass",
      "2.17": "pass",
      "2.18": "fail",
      "hd-selinux-enabled": "not-applicable",
      "hd-exemptions-daemon": "pass",
    });
    const fails = Object.fromEntries(
      extra.findings
        .filter((f) => f.subject === "daemon" && f.verdict.status === "fail")
        .map((f) => [f.ruleId, f.verdict]),
    );
    expect(fails["2.3"]).toMatchObject({ field: "logLevel", observed: "warn" });
    expect(fails["2.5"]).toMatchObject({ field: "insecureRegistries", observed: ["registry.invalid:5000"] });
    expect(fails["2.10"]).toMatchObject({ field: "cgroupParent", observed: "hd-audit-parent" });
  });
});

describe("section 3 on the real host", () => {
  const fileRules = (h: HostAudit) => statusesOf(h, (f) => f.section === 3);

  test("a daemon.json made 0666 fails 3.18, naming the file and its mode", () => {
    const f = extra.findings.find((x) => x.ruleId === "3.18")!;
    expect(f.verdict).toMatchObject({
      status: "fail",
      field: `files["${EXTRA_DIR}/daemon.json"].mode`,
      observed: "0666",
    });
    expect(fileRules(extra)["3.17"]).toBe("pass");
  });

  test("the suite's engine: its own files (socket, daemon.json, containerd socket) comply", () => {
    const s = fileRules(suite);
    expect([s["3.15"], s["3.16"], s["3.17"], s["3.18"], s["3.23"], s["3.24"]]).toEqual([
      "pass",
      "pass",
      "pass",
      "pass",
      "pass",
      "pass",
    ]);
    const dir = process.env.HD_TEST_ENGINE_DIR!;
    const socket = suite.findings.find((x) => x.ruleId === "3.16")!;
    expect(socket.verdict).toMatchObject({ status: "pass", detail: `${dir}/docker.sock: 0660` });
  });
});

describe("section 3 on a fake host tree with too-open modes", () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(ENGINE_ROOT, "audit-root-"));
    const file = (path: string, mode: number, text = "") => {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
      chmodSync(join(root, path), mode);
    };
    const dir = (path: string, mode: number) => {
      mkdirSync(join(root, path), { recursive: true });
      chmodSync(join(root, path), mode);
    };
    file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    file("/etc/group", 0o644, "root:x:0:\ndocker:x:999:alice\nalice:x:1000:\n");
    file("/proc/self/mountinfo", 0o444, "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
    file("/proc/4242/comm", 0o444, "dockerd\n");
    file(
      "/proc/4242/cmdline",
      0o444,
      ["/usr/bin/dockerd", "--config-file=/etc/docker/custom.json", "-H", "unix:///var/run/docker.sock"].join("\0") +
        "\0",
    );
    file("/usr/bin/dockerd", 0o755);
    dir("/etc/docker", 0o777); // 3.6: 0755 at most
    file(
      "/etc/docker/custom.json",
      0o664,
      JSON.stringify({
        tlsverify: true,
        tlscacert: "/etc/docker/tls/ca.pem",
        tlscert: "/etc/docker/tls/cert.pem",
        tlskey: "/etc/docker/tls/key.pem",
      }),
    );
    file("/etc/docker/certs.d/registry.example.com/ca.crt", 0o644); // 3.8: 0444 at most
    file("/etc/docker/tls/ca.pem", 0o444);
    file("/etc/docker/tls/cert.pem", 0o644); // 3.12
    file("/etc/docker/tls/key.pem", 0o440); // 3.14: exactly 0400
    file("/lib/systemd/system/docker.service", 0o664); // 3.2
    file("/lib/systemd/system/docker.socket", 0o644);
    file("/var/run/docker.sock", 0o666); // 3.16
    chownSync(join(root, "/var/run/docker.sock"), 1000, 999); // 3.15 wants root:docker; 1.1.2 an untrusted owner
    file("/run/containerd/containerd.sock", 0o660);
    file("/etc/default/docker", 0o606); // ⚠ 606 < 644 as decimals, yet world-writable
    file("/etc/audit/rules.d/docker.rules", 0o640, "-w /usr/bin/dockerd -k docker\n-w /etc/docker -k docker\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test(
    "the collector reads it (dockerd from /proc, its --config-file=, TLS paths from that file) " +
      "and section 3 fails where it should",
    async () => {
      const probe = await collectHost({ access: new LocalHostAccess(root) });
      expect(probe.dockerd).toEqual({
        pid: 4242,
        argv: expect.arrayContaining(["--config-file=/etc/docker/custom.json"]),
      });
      expect(probe.daemon?.source.configFile).toBe("/etc/docker/custom.json");
      expect(probe.host.locations).toMatchObject({
        daemonConfig: "/etc/docker/custom.json",
        dockerSocket: "/var/run/docker.sock",
        tlsKey: "/etc/docker/tls/key.pem",
        registryCertFiles: ["/etc/docker/certs.d/registry.example.com/ca.crt"],
        dockerdBinary: "/usr/bin/dockerd",
      });
      expect(probe.host.dockerGroupMembers).toEqual(["alice"]);
      expect(probe.host.auditWatches).toEqual(["/usr/bin/dockerd", "/etc/docker"]);
      const ctx = {
        settings: DEFAULT_SETTINGS,
        now: NOW,
        host: probe.host,
        ...(probe.daemon ? { daemon: probe.daemon } : {}),
      };
      const statuses = Object.fromEntries(evaluate([probe.host], ctx, SECTION_3).map((f) => [f.ruleId, f.status]));
      expect(statuses).toEqual({
        "3.1": "pass",
        "3.2": "fail",
        "3.3": "pass",
        "3.4": "pass",
        "3.5": "pass",
        "3.6": "fail",
        "3.7": "pass",
        "3.8": "fail",
        "3.9": "pass",
        "3.10": "pass",
        "3.11": "pass",
        "3.12": "fail",
        "3.13": "pass",
        "3.14": "fail",
        "3.15": "fail",
        "3.16": "fail",
        "3.17": "pass",
        "3.18": "fail",
        "3.19": "pass",
        "3.20": "fail",
        "3.21": "not-applicable",
        "3.22": "not-applicable",
        "3.23": "pass",
        "3.24": "pass",
      });
      const s316 = evaluate([probe.host], ctx, SECTION_3).find((f) => f.ruleId === "3.16")!;
      expect(s316.verdict).toMatchObject({ field: 'files["/var/run/docker.sock"].mode', observed: "0666" });
      const s315 = evaluate([probe.host], ctx, SECTION_3).find((f) => f.ruleId === "3.15")!;
      expect(s315.verdict).toMatchObject({ observed: "alice:docker" });
    },
  );
});

describe.each(CASES)("container $hint ($state)", (c) => {
  test("every container rule of sections 4 and 5 gives the expected verdict", () => {
    const id = ids.get(c.hint)!;
    const findings = suite.findings.filter(
      (f) => f.subject === "container" && f.subjectId === id && (f.section === 4 || f.section === 5),
    );
    expect(findings.length).toBeGreaterThan(0);
    const byRule = new Map(findings.map((f) => [f.ruleId, f]));
    expect(Object.fromEntries([...byRule].map(([r, f]) => [r, f.status]))).toEqual({
      ...baseline(c.state),
      ...c.expect,
    });
    for (const [rule, field] of Object.entries(c.fields ?? {})) {
      const v = byRule.get(rule)?.verdict;
      expect({ rule, field: v?.status === "fail" ? v.field : v }).toEqual({ rule, field });
    }
  });
});

describe("docker exec sessions (5.23, 5.24) from the engine's exec instances", () => {
  const finding = (rule: string) =>
    suite.findings.find((f) => f.ruleId === rule && f.subjectId === ids.get("exec-sessions"))!;

  test("the privileged exec fails 5.23 and the root session is listed for review under 5.24", () => {
    expect(finding("5.23").verdict).toMatchObject({
      status: "fail",
      expected: "no exec with --privileged",
      detail: expect.stringContaining("privileged `sh -c id (created, not started)` as 10001:10001"),
    });
    expect(finding("5.24").verdict).toEqual({
      status: "manual",
      guidance: expect.any(String),
      report: [{ privileged: false, user: "root", command: "sleep 600" }],
    });
  });

  test("an exec without --user into a container that runs as root by default is listed as root", () => {
    const f = suite.findings.find((x) => x.ruleId === "5.24" && x.subjectId === ids.get("exec-default-root"))!;
    expect(f.verdict).toEqual({
      status: "manual",
      guidance: expect.any(String),
      report: [{ privileged: false, user: "root", command: "sleep 600" }],
    });
  });

  test("a container without sessions is undecided, saying why (never a pass)", () => {
    const hardened = suite.findings.find((f) => f.ruleId === "5.23" && f.subjectId === ids.get("hardened"))!;
    expect(hardened.verdict).toEqual({
      status: "not-applicable",
      why: expect.stringContaining("the engine forgets an exec when it ends"),
    });
  });
});

describe("other subjects on the suite's engine", () => {
  test("images (section 4 report items), inventory (section 6), swarm (5.1, section 7), networks", () => {
    const image = suite.findings.filter((f) => f.subject === "image" && f.subjectId === imageId);
    expect(image.map((f) => f.ruleId).sort()).toEqual(["4.10", "4.11", "4.12", "4.3", "4.4", "4.7", "4.8", "4.9"]);
    expect(image.every((f) => f.status === "manual")).toBe(true);
    const inventory = suite.findings.find((f) => f.ruleId === "6.2")!;
    expect(inventory.verdict).toMatchObject({ status: "manual" });
    expect(suite.findings.find((f) => f.ruleId === "5.1")?.status).toBe("pass");
    expect(
      suite.findings.find((f) => f.ruleId === "hd-exemptions-network" && f.subjectName === networkName)?.status,
    ).toBe("pass");
  });
});

// ───────────────────────────── drift ─────────────────────────────

describe("drift against a pulumi stack export", () => {
  const STACK = "urn:pulumi:dev::shop";
  let exportFile = "";
  let containerName = "";
  let netName = "";
  let liveId = "";
  let before: AuditReport;
  let after: AuditReport;

  /** The Engine API create body for a docker.Container's inputs (what the provider would send). */
  function engineSpec(p: Record<string, unknown>, pidsLimit: number): Docker.ContainerCreateOptions {
    const i = p as {
      name: string;
      image: string;
      user: string;
      command?: string[];
      capabilities: { drops: string[]; adds: string[] };
      securityOpts: string[];
      tmpfs: Record<string, string>;
      ports: { internal: number; external: number; ip: string; protocol: string }[];
      networkMode: string;
      ipcMode: string;
      memory: number;
      cpus: string;
      readOnly: boolean;
      restart: string;
      maxRetryCount: number;
      labels: { label: string; value: string }[];
      healthcheck: { tests: string[]; interval: string; timeout: string; startPeriod: string; retries: number };
    };
    const ns = (d: string) => Math.round((parseDurationSeconds(d) ?? 0) * 1e9);
    return {
      name: i.name,
      Image: i.image,
      User: i.user,
      Cmd: i.command,
      Labels: Object.fromEntries(i.labels.map((l) => [l.label, l.value])),
      ExposedPorts: Object.fromEntries(i.ports.map((x) => [`${x.internal}/${x.protocol}`, {}])),
      Healthcheck: {
        Test: i.healthcheck.tests,
        Interval: ns(i.healthcheck.interval),
        Timeout: ns(i.healthcheck.timeout),
        StartPeriod: ns(i.healthcheck.startPeriod),
        Retries: i.healthcheck.retries,
      },
      HostConfig: {
        CapDrop: i.capabilities.drops,
        CapAdd: i.capabilities.adds,
        SecurityOpt: i.securityOpts,
        Tmpfs: i.tmpfs,
        PortBindings: Object.fromEntries(
          i.ports.map((x) => [`${x.internal}/${x.protocol}`, [{ HostIp: x.ip, HostPort: String(x.external) }]]),
        ),
        NetworkMode: i.networkMode,
        IpcMode: i.ipcMode,
        Memory: i.memory * MiB,
        NanoCpus: Number(i.cpus) * 1e9,
        ReadonlyRootfs: i.readOnly,
        RestartPolicy: { Name: i.restart, MaximumRetryCount: i.maxRetryCount },
        // What HardenedContainer's companion command applies with `docker update --pids-limit`.
        PidsLimit: pidsLimit,
      },
    };
  }

  beforeAll(async () => {
    // A HardenedNetwork as planned, created as the provider would (with egress:
    // an internal network publishes no ports).
    netName = uniqueName("shop-net");
    const netArgs = planHardenedNetwork("shop-net", { name: netName, egress: true }) as Record<string, unknown> & {
      labels: { label: string; value: string }[];
      options: Record<string, string>;
    };
    const network = await docker().createNetwork({
      Name: netName,
      Driver: "bridge",
      Internal: false,
      Options: netArgs.options,
      Labels: Object.fromEntries(netArgs.labels.map((l) => [l.label, l.value])),
    });

    containerName = uniqueName("shop-web");
    const plan = planHardenedContainer("web", {
      image: imageId,
      name: containerName,
      memory: "64Mi",
      networks: [netName],
      command: ["sleep", "3600"],
      ports: [{ internal: 8080, external: 28080, hostIp: "127.0.0.1" }],
      healthcheck: { test: ["CMD", "/bin/true"], interval: "1s" },
      tmpfs: { "/tmp": "1Mi" },
    });
    const created = await docker().createContainer(
      engineSpec(plan.plainInputs as Record<string, unknown>, plan.pidsLimit),
    );
    liveId = created.id;
    await created.start();
    await waitForHealth(liveId, "healthy");

    const resources = [
      { urn: `${STACK}::pulumi:pulumi:Stack::shop-dev`, type: "pulumi:pulumi:Stack", custom: false },
      {
        urn: `${STACK}::hardened-docker:index:HardenedNetwork::shop-net`,
        type: "hardened-docker:index:HardenedNetwork",
        custom: false,
      },
      {
        urn: `${STACK}::hardened-docker:index:HardenedNetwork$docker:index/network:Network::shop-net`,
        type: "docker:index/network:Network",
        custom: true,
        id: network.id,
        inputs: netArgs,
        outputs: { ...netArgs, id: network.id },
      },
      {
        urn: `${STACK}::hardened-docker:index:HardenedContainer::web`,
        type: "hardened-docker:index:HardenedContainer",
        custom: false,
      },
      {
        urn: `${STACK}::hardened-docker:index:HardenedContainer$docker:index/container:Container::web`,
        type: "docker:index/container:Container",
        custom: true,
        id: liveId,
        parent: `${STACK}::hardened-docker:index:HardenedContainer::web`,
        inputs: plan.plainInputs,
        outputs: { ...plan.plainInputs, id: liveId },
      },
      // Declared, never created: reported missing.
      {
        urn: `${STACK}::docker:index/container:Container::worker`,
        type: "docker:index/container:Container",
        custom: true,
        inputs: { image: imageId, name: uniqueName("never-created") },
      },
    ];
    exportFile = join(ENGINE_ROOT, `audit-stack-${process.pid}.json`);
    writeFileSync(
      exportFile,
      JSON.stringify({ version: 3, deployment: { manifest: { time: NOW.toISOString() }, resources } }),
    );

    const stack = { source: exportFile, json: readFileSync(exportFile, "utf8") };
    before = await runAudit({ hosts: [process.env.DOCKER_HOST!], hostProbe: "none", expect: [stack], now: NOW });
    // The change made by hand after the deploy.
    await docker()
      .getContainer(liveId)
      .update({ Memory: 96 * MiB, RestartPolicy: { Name: "always", MaximumRetryCount: 0 } });
    after = await runAudit({ hosts: [process.env.DOCKER_HOST!], hostProbe: "none", expect: [stack], now: NOW });
    await docker()
      .getNetwork(network.id)
      .remove()
      .catch(() => undefined);
  });

  afterAll(async () => {
    await docker()
      .getContainer(liveId)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(exportFile, { force: true });
  });

  const entryOf = (r: AuditReport, kind: string, name: string) =>
    r.drift!.entries.find((e) => e.kind === kind && e.name === name);

  test("right after the deploy the container and the network are in sync, field by field", () => {
    expect(entryOf(before, "container", containerName)).toMatchObject({
      status: "in-sync",
      drifted: [],
      driftViolations: [],
    });
    expect(entryOf(before, "network", netName)).toMatchObject({ status: "in-sync", drifted: [] });
  });

  test("a docker update after the deploy is drift: memoryBytes, and the restart policy (breaking 5.15)", () => {
    const e = entryOf(after, "container", containerName)!;
    expect(e.status).toBe("drifted");
    expect(e.liveId).toBe(liveId);
    expect(e.drifted).toEqual([
      { field: "memoryBytes", declared: 64 * MiB, live: 96 * MiB },
      {
        field: "restartPolicy",
        declared: { name: "on-failure", maximumRetryCount: 5 },
        live: { name: "always", maximumRetryCount: 0 },
      },
    ]);
    expect(e.driftViolations.map((b) => b.ruleId)).toEqual(["5.15"]);
    // Not caused by the drift: nothing else fails on this hardened container.
    expect(e.nonCompliant).toEqual([]);
  });

  test("a declared container that does not exist is missing; containers no stack declares are unmanaged", () => {
    expect(after.drift!.entries.find((e) => e.urn.endsWith("::worker"))).toMatchObject({ status: "missing" });
    const unmanaged = after.drift!.unmanaged.map((u) => u.id);
    expect(unmanaged).toContain(ids.get("hardened"));
    expect(unmanaged).not.toContain(liveId);
  });

  test("the CLI reports it: exit 1, drift in JSON, hd-drift in SARIF", async () => {
    const json = await cli(
      "audit",
      "-H",
      process.env.DOCKER_HOST!,
      "--no-host-probe",
      "--expect",
      exportFile,
      "-f",
      "json",
    );
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.out) as { drift: { entries: { name: string; drifted: { field: string }[] }[] } };
    expect(doc.drift.entries.find((e) => e.name === containerName)?.drifted.map((d) => d.field)).toEqual([
      "memoryBytes",
      "restartPolicy",
    ]);
    const sarif = await cli(
      "audit",
      "-H",
      process.env.DOCKER_HOST!,
      "--no-host-probe",
      "--expect",
      exportFile,
      "-f",
      "sarif",
    );
    const log = JSON.parse(sarif.out) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
    expect(log.runs[0]!.results.some((r) => r.ruleId === "hd-drift" && r.message.text.includes("memoryBytes"))).toBe(
      true,
    );
  });
});

// ───────────────────────────── the CLI and its exit codes ─────────────────────────────

describe("the CLI on the real engine", () => {
  test("table by default, exit 1 with failures; --fail-on none exits 0; junit and sarif are well-formed", async () => {
    const table = await cli("audit", "-H", process.env.DOCKER_HOST!);
    expect(table.code).toBe(1);
    expect(table.out).toMatch(/5 Container runtime/);
    expect(table.out).toMatch(/5\.5 .*privileged/);
    const none = await cli("audit", "-H", process.env.DOCKER_HOST!, "--fail-on", "none", "-f", "junit");
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/^<\?xml/);
    expect(none.out).toMatch(/<testsuites /);
    const sarif = await cli("audit", "-H", process.env.DOCKER_HOST!, "-f", "sarif", "--fail-on", "critical");
    expect(sarif.code).toBe(1); // 5.5 privileged is critical
    expect(JSON.parse(sarif.out).version).toBe("2.1.0");
  });
});

describe("errors: one clear line each, exit code 3", () => {
  test("engine unreachable (no socket)", async () => {
    const r = await cli("audit", "-H", `unix://${join(ENGINE_ROOT, "no-such.sock")}`);
    expect(r.code).toBe(3);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/engine unreachable: .*ENOENT/);
  });

  test("permission denied on the socket (as an unprivileged user)", async () => {
    const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
    const child = spawn(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        tsx,
        join(REPO_ROOT, "src/cli/main.ts"),
        "audit",
        "-H",
        process.env.DOCKER_HOST!,
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, HOME: "/tmp" },
      },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ code, err: err.trim() }).toEqual({ code: 3, err: expect.stringMatching(/permission denied: .*EACCES/) });
    expect(err.trim().split("\n")).toHaveLength(1);
  });

  test("TLS failure: the engine's certificate is not signed by the CA given", async () => {
    const dir = mkdtempSync(join(ENGINE_ROOT, "audit-tls-"));
    try {
      for (const name of ["server", "other-ca"]) {
        execFileSync(
          "openssl",
          [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            join(dir, `${name}.key`),
            "-out",
            join(dir, `${name}.pem`),
          ],
          { stdio: "ignore" },
        );
      }
      const server = createHttpsServer(
        { key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.pem")) },
        (_req, res) => res.end("OK"),
      );
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      const port = (server.address() as AddressInfo).port;
      const r = await cli(
        "audit",
        "-H",
        `tcp://127.0.0.1:${port}`,
        "--tlsverify",
        "--tlscacert",
        join(dir, "other-ca.pem"),
      );
      server.close();
      expect(r.code).toBe(3);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/TLS failure: .*(self[- ]signed|certificate)/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("plain HTTP to a TLS port, and TLS to a plain port, are TLS failures too", async () => {
    const plain: Server = createNetServer((s) =>
      s.on("data", () =>
        s.end(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 48\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
        ),
      ),
    );
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", () => resolve()));
    const port = (plain.address() as AddressInfo).port;
    const http = await cli("audit", "-H", `tcp://127.0.0.1:${port}`);
    const tls = await cli("audit", "-H", `tcp://127.0.0.1:${port}`, "--tls");
    plain.close();
    expect([http.code, tls.code]).toEqual([3, 3]);
    expect(http.err).toMatch(/TLS failure: the engine expects TLS/);
    expect(tls.err).toMatch(/TLS failure: .*wrong version number/);
  });

  test("SSH failure: nothing listens on the ssh port", async () => {
    const dir = mkdtempSync(join(ENGINE_ROOT, "audit-ssh-"));
    try {
      const closed: Server = createNetServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      writeFileSync(
        join(dir, "known_hosts"),
        `[127.0.0.1]:${port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBCl9+q1eRAQnQVrXPrBqThBMTMSvberGfL3iNM9K8g\n`,
      );
      const r = await cli(
        "audit",
        "-H",
        `ssh://root@127.0.0.1:${port}`,
        "--ssh-known-hosts",
        join(dir, "known_hosts"),
        "--timeout",
        "5",
      );
      expect(r.code).toBe(3);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/SSH failure: ECONNREFUSED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("usage errors exit 2", async () => {
    expect((await cli("audit", "-H", "ftp://x")).code).toBe(2);
    expect((await cli("audit", "--format", "xml")).code).toBe(2);
    expect((await cli("audit", "--expect", join(ENGINE_ROOT, "no-such-export.json"))).code).toBe(2);
  });
});

// ───────────────────────────── ssh:// through a real SSH server ─────────────────────────────

describe("ssh:// (an SSH server joining dial-stdio to the suite's engine)", () => {
  let server: Awaited<ReturnType<typeof startSshServer>>;
  let dir = "";
  beforeAll(async () => {
    server = await startSshServer(engineSocketPath());
    dir = mkdtempSync(join(ENGINE_ROOT, "audit-sshd-"));
    writeFileSync(join(dir, "known_hosts"), server.knownHostsLine + "\n");
    writeFileSync(join(dir, "id"), server.clientPrivateKey, { mode: 0o600 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the engine over dial-stdio and the host over exec: the same verdicts as over the unix socket", async () => {
    const r = await runAudit({
      hosts: [`ssh://root@127.0.0.1:${server.port}`],
      connect: { sshIdentity: join(dir, "id"), sshKnownHosts: join(dir, "known_hosts"), timeoutMs: 10_000 },
      now: NOW,
    });
    const h = r.hosts[0]!;
    expect(h.error).toBeUndefined();
    expect(h.hostProbe).toBe(`ssh://root@127.0.0.1:${server.port}`);
    // Found by its data root (no socket path over SSH): the suite's dockerd and its config file.
    expect(h.dockerd?.pid).toBe(Number(process.env.HD_TEST_DOCKERD_PID));
    expect(server.commands).toContain("docker system dial-stdio");
    const hardened = ids.get("hardened")!;
    const viaSsh = statusesOf(h, (f) => f.subjectId === hardened);
    const viaUnix = statusesOf(suite, (f) => f.subjectId === hardened);
    expect(viaSsh).toEqual(viaUnix);
    expect(statusesOf(h, (f) => f.subject === "daemon")).toEqual(statusesOf(suite, (f) => f.subject === "daemon"));
  });

  test("a host key that does not match known_hosts is refused: SSH failure, exit 3", async () => {
    writeFileSync(
      join(dir, "wrong_known_hosts"),
      `[127.0.0.1]:${server.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBCl9+q1eRAQnQVrXPrBqThBMTMSvberGfL3iNM9K8g\n`,
    );
    const r = await cli(
      "audit",
      "-H",
      `ssh://root@127.0.0.1:${server.port}`,
      "--ssh-identity",
      join(dir, "id"),
      "--ssh-known-hosts",
      join(dir, "wrong_known_hosts"),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/SSH failure: the host key \(ssh-ed25519\) does not match/);
  });

  test("a host without the docker CLI: the remote's own message, SSH failure, exit 3", async () => {
    const bare = await startSshServer(undefined);
    try {
      writeFileSync(join(dir, "bare_known_hosts"), bare.knownHostsLine + "\n");
      writeFileSync(join(dir, "bare_id"), bare.clientPrivateKey, { mode: 0o600 });
      const r = await cli(
        "audit",
        "-H",
        `ssh://root@127.0.0.1:${bare.port}`,
        "--ssh-identity",
        join(dir, "bare_id"),
        "--ssh-known-hosts",
        join(dir, "bare_known_hosts"),
      );
      expect(r.code).toBe(3);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/SSH failure: docker system dial-stdio on the remote exited 127: sh: 1: docker: not found/);
    } finally {
      await bare.close();
    }
  });

  test("a key the server does not accept: SSH failure, exit 3", async () => {
    const other = mkdtempSync(join(ENGINE_ROOT, "audit-sshkey-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(other, "id")]);
    const r = await cli(
      "audit",
      "-H",
      `ssh://root@127.0.0.1:${server.port}`,
      "--ssh-identity",
      join(other, "id"),
      "--ssh-known-hosts",
      join(dir, "known_hosts"),
    );
    rmSync(other, { recursive: true, force: true });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/SSH failure: authentication as root failed/);
  });
});
