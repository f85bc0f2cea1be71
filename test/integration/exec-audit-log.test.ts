/**
 * CIS 5.23/5.24 from the host's audit log, end to end: a real auditd records runs of this
 * machine's docker CLIs (every copy on the usual bin directories, watched as HardenedHost's audit
 * rules do), `docker exec` is run against the test engine, and `hardened-docker audit` finds the
 * runs on the right containers — including a `docker exec --privileged` whose exec the sandbox
 * refuses (the run itself is what CIS asks to audit) and that has left no session in the engine.
 *
 * Compose's exec is read the same way: `docker compose exec` runs (from a project's directory,
 * and with `-p`) land on the containers Compose would pick, found by the labels Compose sets.
 * Compose itself is not installed on this machine (Debian bookworm has no Compose v2), so the
 * CLI refuses `compose` — its run is recorded all the same, which is what the audit reads.
 *
 * The audit reads the host through a tree (hostProbe `{ root }`) holding auditd.conf, the rules
 * and a copy of the log auditd wrote, so the machine's own auditd configuration is never touched;
 * the kernel watches are added under a key of this test and removed after it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runAudit, type AuditFinding } from "../../src/audit/run";
import { ENGINE_ROOT } from "../harness/engine-env";
import { processesFromTop } from "../../src/adapters/engine-api";
import {
  cleanupEngineObjects,
  createContainer,
  createNetwork,
  docker,
  hardenedSpec,
  removeContainers,
} from "../harness/engine";

jest.setTimeout(120_000);

const KEY = `hd-it-exec-${process.pid}`;
const BIN_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
const CLIS = [...new Set(BIN_DIRS.filter((d) => existsSync(`${d}/docker`)).map((d) => realpathSync(`${d}/docker`)))];

let dir = "";
let auditd: ChildProcess | undefined;
let wasEnabled = "";
let target = "";
let quiet = "";
let composeWeb1 = "";
let composeWeb2 = "";
const PROJECT = `hd-it-compose-${process.pid}`;
let removedId = "";
let secretive = "";
let reportText = "";
let processes: string[] = [];
const EXEC_CANARY = `hd-canary-exec-${process.pid}`;
const PROCESS_CANARY = `hd-canary-top-${process.pid}`;
let findings: AuditFinding[] = [];
let notes: string[] = [];

const auditctl = (...args: string[]) => execFileSync("auditctl", args, { encoding: "utf8" });

/** Run the docker CLI found on PATH (as an operator would) against the test engine; its exit code is not the point. */
const dockerCli = (...args: string[]) =>
  spawnSync("docker", args, { env: { ...process.env }, encoding: "utf8", timeout: 30_000 });
/** The same from a directory (Compose names the project after it). */
const dockerCliIn = (cwd: string, ...args: string[]) =>
  spawnSync("docker", args, { cwd, env: { ...process.env }, encoding: "utf8", timeout: 30_000 });

/** The labels Compose puts on a service's container. */
const composeLabels = (service: string, number: number) => ({
  "com.docker.compose.project": PROJECT,
  "com.docker.compose.service": service,
  "com.docker.compose.container-number": String(number),
  "com.docker.compose.oneoff": "False",
});

async function startAuditd(): Promise<void> {
  const status = auditctl("-s");
  const pid = /^pid (\d+)/m.exec(status)?.[1];
  if (pid !== "0")
    throw new Error(
      `another audit daemon (pid ${pid}) is registered with the kernel: ` +
        `this test needs to be the one (stop it, or run the suite on a machine without)`,
    );
  wasEnabled = /^enabled (\d)/m.exec(status)?.[1] ?? "0";
  writeFileSync(
    join(dir, "auditd.conf"),
    [
      "log_file = " + join(dir, "audit.log"),
      "log_format = RAW",
      "flush = INCREMENTAL_ASYNC",
      "freq = 1",
      "space_left = 75",
      "admin_space_left = 50",
      "max_log_file = 8",
      "num_logs = 2",
      "",
    ].join("\n"),
    { mode: 0o640 },
  );
  auditd = spawn("auditd", ["-n", "-c", dir], { stdio: "ignore" });
  for (let i = 0; i < 100 && !/^pid [1-9]/m.test(auditctl("-s")); i++) await new Promise((r) => setTimeout(r, 100));
  auditctl("-e", "1");
  for (const cli of CLIS) auditctl("-w", cli, "-p", "x", "-k", KEY);
}

async function stopAuditd(): Promise<void> {
  spawnSync("auditctl", ["-D", "-k", KEY], { stdio: "ignore" });
  if (auditd && auditd.exitCode === null) {
    const exited = new Promise((r) => auditd!.once("exit", r));
    auditd.kill("SIGTERM");
    await exited;
  }
  if (wasEnabled) spawnSync("auditctl", ["-e", wasEnabled], { stdio: "ignore" });
}

beforeAll(async () => {
  mkdirSync(ENGINE_ROOT, { recursive: true });
  dir = mkdtempSync(join(ENGINE_ROOT, "exec-log-"));
  const network = await createNetwork("exec-log");
  target = await createContainer({ ...hardenedSpec(network), hint: "exec-log-target", start: true });
  quiet = await createContainer({ ...hardenedSpec(network), hint: "exec-log-quiet", start: true });
  composeWeb1 = await createContainer({
    ...hardenedSpec(network),
    Labels: composeLabels("web", 1),
    hint: "compose-web-1",
    start: true,
  });
  composeWeb2 = await createContainer({
    ...hardenedSpec(network),
    Labels: composeLabels("web", 2),
    hint: "compose-web-2",
    start: true,
  });
  const removed = await createContainer({ ...hardenedSpec(network), hint: "exec-log-removed", start: true });
  // Secrets on command lines: an exec's, and a process's (the shell stays: `sleep` is not its last command).
  secretive = await createContainer({
    ...hardenedSpec(network),
    Cmd: ["sh", "-c", "sleep 3600; true", `--token=${PROCESS_CANARY}`],
    hint: "exec-log-secretive",
    start: true,
  });
  const projectDir = join(dir, PROJECT);
  mkdirSync(projectDir);
  await startAuditd();
  try {
    expect(dockerCli("exec", "-u", "root", target, "id").status).toBe(0);
    // refused here (the kernel denies its capabilities), recorded all the same
    dockerCli("exec", "--privileged", target, "true");
    // the project: this directory's name
    dockerCliIn(projectDir, "compose", "exec", "--privileged", "--index", "2", "web", "sh");
    dockerCli("compose", "-p", PROJECT, "exec", "-T", "-u", "root", "web", "id");
    // then the container is removed: the run must not vanish
    dockerCli("exec", "--privileged", "-u", "root", removed, "true");
    expect(dockerCli("exec", "-u", "root", secretive, "env", `DB_PASSWORD=${EXEC_CANARY}`, "true").status).toBe(0);
  } finally {
    await stopAuditd();
  }
  await removeContainers([removed]);
  removedId = removed;

  // The host as the audit reads it: auditd.conf, the rules, the log auditd wrote, the CLIs.
  const root = join(dir, "root");
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put("/etc/audit/auditd.conf", "log_file = /var/log/audit/audit.log\nnum_logs = 2\n");
  put("/etc/audit/rules.d/docker.rules", CLIS.map((c) => `-w ${c} -p x -k docker\n`).join(""));
  for (const cli of CLIS) put(cli, "");
  mkdirSync(join(root, "/var/log/audit"), { recursive: true });
  copyFileSync(join(dir, "audit.log"), join(root, "/var/log/audit/audit.log"));

  const report = await runAudit({ hosts: [process.env.DOCKER_HOST!], hostProbe: { root } });
  reportText = JSON.stringify(report);
  processes = processesFromTop(await docker().getContainer(secretive).top());
  findings = report.hosts[0]!.findings;
  notes = report.hosts[0]!.notes;
});

afterAll(async () => {
  await stopAuditd();
  await cleanupEngineObjects();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const finding = (rule: string, id: string) => findings.find((f) => f.ruleId === rule && f.subjectId === id)!;

test("the audit reads the runs from the log auditd wrote", () => {
  expect(notes.find((n) => n.startsWith("docker exec runs read from"))).toMatch(
    /^docker exec runs read from \/var\/log\/audit\/audit.log: \d+ run\(s\) since /,
  );
});

test("5.23 fails on the container a `docker exec --privileged` ran into, with no session in the engine", () => {
  expect(finding("5.23", target).verdict).toMatchObject({
    status: "fail",
    field: expect.stringMatching(/^execAuditEvents\[\d+\]\.privileged$/),
    detail: expect.stringMatching(/^privileged `true` as 10001:10001 at \d{4}-/),
  });
});

test("5.24 lists the `docker exec -u root` run (ended: only the log knows it)", () => {
  expect(finding("5.24", target).verdict).toEqual({
    status: "manual",
    guidance: expect.any(String),
    report: [expect.objectContaining({ privileged: false, user: "root", command: "id" })],
  });
});

test("a container no exec ran into passes 5.23, saying what the log covered", () => {
  expect(finding("5.23", quiet).verdict).toEqual({
    status: "pass",
    detail: expect.stringMatching(/^no privileged exec in the host's audit log since \d{4}-.*docker CLI/),
  });
  expect(finding("5.24", quiet).verdict).toMatchObject({
    status: "manual",
    guidance: expect.stringMatching(/^No exec as root in the host's audit log/),
    report: [],
  });
});

test(
  "Compose: a privileged `docker compose exec --index 2 web` from the " +
    "project's directory fails 5.23 on web's container 2 only",
  () => {
    expect(finding("5.23", composeWeb2).verdict).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        new RegExp(
          `^privileged \`sh\` as 10001:10001 at .* by compose exec web --index 2 \\(project "${PROJECT}", ` +
            `named after .*/${PROJECT}\\)$`,
        ),
      ),
    });
    expect(finding("5.23", composeWeb1).verdict.status).toBe("pass");
  },
);

test("Compose: `docker compose -p P exec -u root web` is listed under 5.24 on web's first container", () => {
  expect(finding("5.24", composeWeb1).verdict).toEqual({
    status: "manual",
    guidance: expect.any(String),
    report: [
      expect.objectContaining({
        privileged: false,
        user: "root",
        command: "id",
        via: `compose exec web (project "${PROJECT}")`,
      }),
    ],
  });
  expect(finding("5.24", composeWeb2).verdict).toMatchObject({ status: "manual", report: [] });
});

test(
  "a privileged run into a container removed since is not lost: " +
    "a note names it (5.23 judges only the containers there are)",
  () => {
    const note = notes.find((n) =>
      n.startsWith("docker exec runs (5.23, 5.24) into containers the engine no longer has"),
    );
    expect(note).toMatch(
      new RegExp(`1 privileged or as root — ${removedId}: --privileged --user root \`true\` at \\d{4}-\\S+ by uid 0$`),
    );
    expect(findings.some((f) => f.subjectId === removedId)).toBe(false);
  },
);

test(
  "a secret on a command line never reaches the report: the exec's (from the log) " +
    "and a process's (from the engine) are hidden",
  () => {
    expect(finding("5.24", secretive).verdict).toMatchObject({
      status: "manual",
      report: [expect.objectContaining({ user: "root", command: "env DB_PASSWORD=*** true" })],
    });
    expect(processes).toContain("sh -c sleep 3600; true --token=***");
    expect(reportText).not.toContain(EXEC_CANARY);
    expect(reportText).not.toContain(PROCESS_CANARY);
    expect(reportText).toContain("DB_PASSWORD=***"); // the report does carry the commands: hidden, not dropped
  },
);
