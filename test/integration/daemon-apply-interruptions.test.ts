/**
 * SecureDaemon's apply survives interruption, shown by killing it on a real dockerd (20.10, its own
 * engine from scripts/test-engine.sh, in a network namespace of its own; the suite's shared engine
 * is never touched). The only stand-in is `systemctl` (test/harness/systemctl-stand-in.ts, first on
 * PATH), which is this engine's docker.service.
 *
 * The apply script is rendered with `failureInjection` (never set by SecureDaemon): run detached
 * (its own process group) with HD_STOP_AT naming a step boundary, it touches HD_STOP_SIGNAL there
 * and sleeps; the test then SIGKILLs the whole group, as a cancelled deploy or a lost host would.
 * Each configuration carries the label `hd-apply=<name>`, so `docker info` shows which one the
 * running engine holds.
 *
 * What is proven:
 * - killed at EVERY step boundary of an apply, a re-run with the same arguments converges (exit 0,
 *   daemon.json and the running engine hold the new configuration, the journal says done, no
 *   backup left), and a third run changes nothing (no systemctl call);
 * - killed at every step boundary of a rollback (dockerd refuses the configuration), a re-run
 *   finishes the rollback and fails truthfully (exit 1) with the engine answering on the old one;
 * - a dockerd that never answers on the socket (its API moved elsewhere by `hosts`: the stand-in's
 *   restart blocks) ends the apply within its bound, rolled back, engine up on the old labels;
 *   killed in the middle of that wait, a re-run rolls back as well;
 * - two applies at once: both outcomes are true and the file and the engine hold the one that
 *   ran last; with a short lock wait the second fails clearly on the host lock, changing nothing;
 * - daemon.json replaced by another writer during the restart is never reported as applied.
 * The table of host states after each kill is printed at the end (console.log).
 */
import { spawn, spawnSync, execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  configSha256,
  DAEMON_APPLY_STEPS,
  DAEMON_ROLLBACK_STEPS,
  renderDaemonApplyScript,
} from "../../src/scripts/daemon-apply";
import { parseEngineEnv, TEST_ENGINE_SCRIPT } from "../harness/engine-env";
import { standInSystemctl } from "../harness/systemctl-stand-in";

jest.setTimeout(120_000);

/** restartTimeoutSeconds of every apply here: short, so that the waits that must expire do so quickly. */
const TIMEOUT_S = 6;

// Short paths: unix socket paths are limited to 107 bytes.
const DIR = mkdtempSync("/tmp/hd-ai-");
const E = join(DIR, "e"); // test-engine.sh's DIR
const BIN = join(DIR, "bin");
const HOOKS = join(DIR, "hooks");
const STATE = join(DIR, "state");
const UNIT_ARGV = join(DIR, "unit.argv");
const CALLS = join(DIR, "systemctl.calls");
const ETC = join(DIR, "etc");
const CONFIG = join(ETC, "daemon.json");
const SOCKET = join(E, "docker.sock");
const JOURNAL = join(STATE, "daemon-apply.state");

let started = false;
const ENV = () => ({ PATH: `${BIN}:${process.env.PATH}` });

/**
 * A daemon.json for this engine, labelled `hd-apply=<name>`;
 * the unit passes no -H, so `hosts` says where the API listens.
 */
function configText(name: string, extra: Record<string, unknown> = {}): string {
  return (
    JSON.stringify(
      {
        "deprecated-key-path": join(E, "key.json"),
        hosts: [`unix://${SOCKET}`],
        labels: [`hd-apply=${name}`],
        ...extra,
      },
      null,
      2,
    ) + "\n"
  );
}
/** What SecureDaemon's apply would be for that configuration, with the test hooks and short waits. */
function applyScript(name: string, o: { extra?: Record<string, unknown>; lockWaitSeconds?: number } = {}): string {
  return renderDaemonApplyScript({
    configText: configText(name, { "live-restore": true, ...o.extra }),
    configFile: CONFIG,
    dockerSocket: SOCKET,
    pidFile: join(E, "docker.pid"),
    engineLog: join(E, "dockerd.log"),
    timeoutSeconds: TIMEOUT_S,
    liveRestore: true,
    iccOff: false,
    ulimits: [],
    stateFile: JOURNAL,
    lockWaitSeconds: o.lockWaitSeconds ?? 60,
    failureInjection: true,
  });
}
/** dockerd refuses an unknown daemon.json key at start. */
const REFUSED = { "x-hd-unknown": true };
/** The API on another socket: nothing ever answers on ours. */
const NEVER_READY = { hosts: [`unix://${join(DIR, "elsewhere.sock")}`] };

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Start a rendered script as `bash -s` in a process group of its own. */
function start(script: string, env: Record<string, string> = {}): { pid: number; done: Promise<Run> } {
  const t0 = Date.now();
  const child = spawn("bash", ["-s"], {
    detached: true,
    env: { ...process.env, ...ENV(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(script);
  const done = new Promise<Run>((resolve) =>
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - t0 })),
  );
  return { pid: child.pid!, done };
}
const run = (script: string) => start(script).done;

async function waitFor(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Run until the script stops at `step`, then SIGKILL its whole process group. */
async function killAt(step: string, script: string): Promise<Run> {
  const signal = join(DIR, `stopped-at-${step}`);
  rmSync(signal, { force: true });
  const p = start(script, { HD_STOP_AT: step, HD_STOP_SIGNAL: signal });
  let ended: Run | undefined;
  void p.done.then((r) => (ended = r));
  await waitFor(`the apply to stop at ${step}`, () => existsSync(signal) || ended !== undefined);
  if (ended)
    throw new Error(`the apply ended (${ended.status}) before step ${step}:\n${ended.stdout}\n${ended.stderr}`);
  process.kill(-p.pid, "SIGKILL");
  return p.done;
}

const logTail = () =>
  existsSync(join(E, "dockerd.log"))
    ? readFileSync(join(E, "dockerd.log"), "utf8").split("\n").slice(-20).join("\n")
    : "(no log)";
const calls = () => (existsSync(CALLS) ? readFileSync(CALLS, "utf8").trim().split("\n").filter(Boolean) : []);
const dockerdPid = () => readFileSync(join(E, "docker.pid"), "utf8").trim();
/** The labels of the engine answering on our socket, or undefined. */
function engineLabels(): string[] | undefined {
  const r = spawnSync("docker", ["info", "--format", "{{json .Labels}}"], {
    encoding: "utf8",
    env: { ...process.env, DOCKER_HOST: `unix://${SOCKET}` },
    timeout: 20_000,
  });
  return r.status === 0 ? (JSON.parse(r.stdout) as string[]) : undefined;
}
const fileLabel = () => (JSON.parse(readFileSync(CONFIG, "utf8")) as { labels: string[] }).labels.join(",");
const journalPhase = () =>
  existsSync(JOURNAL) ? (/^phase=(.*)$/m.exec(readFileSync(JOURNAL, "utf8"))?.[1] ?? "?") : "none";
const leftovers = () => readdirSync(ETC).filter((f) => f !== "daemon.json");

/** One line of the report's table: the journal, daemon.json, the engine. */
function hostState(): string {
  const labels = engineLabels();
  return (
    `journal ${journalPhase()}; file ${fileLabel()}; engine ` +
    `${labels ? labels.join(",") : "not answering"}${leftovers().length ? `; also ${leftovers().join(" ")}` : ""}`
  );
}
const table: string[] = [
  "| step killed | host after the kill | after the re-run | after a third run |",
  "|---|---|---|---|",
];

/** daemon.json and the running engine hold `name`, the journal is done, nothing is left over. */
function expectConverged(name: string): void {
  expect(engineLabels()).toEqual([`hd-apply=${name}`]);
  expect(fileLabel()).toBe(`hd-apply=${name}`);
  expect(journalPhase()).toBe("done");
  expect(leftovers()).toEqual([]);
}
/** The engine answers with `name`, daemon.json is `name`, the journal says the apply was rolled back. */
function expectRolledBack(name: string): void {
  expect(engineLabels()).toEqual([`hd-apply=${name}`]);
  expect(fileLabel()).toBe(`hd-apply=${name}`);
  expect(journalPhase()).toBe("rolled-back");
  expect(leftovers()).toEqual([]);
}
const detail = (r: Run) =>
  `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}\n${r.stdout}\n${r.stderr}\n--- dockerd.log ---\n${logTail()}`;

beforeAll(() => {
  mkdirSync(BIN);
  mkdirSync(HOOKS);
  mkdirSync(ETC);
  try {
    execFileSync("bash", [TEST_ENGINE_SCRIPT, "start", E], {
      encoding: "utf8",
      timeout: 240_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    throw new Error(`test-engine.sh start failed: ${(err as { stderr?: string }).stderr ?? err}`);
  }
  started = true;
  const netns = parseEngineEnv(readFileSync(join(E, "env"), "utf8")).HD_TEST_NETNS ?? "";
  writeFileSync(
    join(BIN, "systemctl"),
    standInSystemctl({
      engineDir: E,
      netns,
      unitArgvFile: UNIT_ARGV,
      callsFile: CALLS,
      configFile: CONFIG,
      hooksDir: HOOKS,
    }),
  );
  chmodSync(join(BIN, "systemctl"), 0o755);
  // The "unit": no -H (daemon.json's `hosts` says where the API listens), the host tree's daemon.json.
  const argv = [
    "dockerd",
    "--data-root",
    join(E, "data"),
    "--exec-root",
    join(E, "exec"),
    "--pidfile",
    join(E, "docker.pid"),
    "--storage-driver",
    "vfs",
    "--config-file",
    CONFIG,
  ];
  writeFileSync(UNIT_ARGV, argv.join("\n") + "\n");
  // Before any apply: the engine runs `initial` (live-restore off, so the first apply reloads).
  writeFileSync(CONFIG, configText("initial"));
  const r = spawnSync(join(BIN, "systemctl"), ["restart", "docker"], {
    encoding: "utf8",
    env: { ...process.env, ...ENV() },
  });
  if (r.status !== 0) throw new Error(`initial restart failed: ${r.stderr}\n${logTail()}`);
  expect(engineLabels()).toEqual(["hd-apply=initial"]);
});

afterAll(() => {
  console.log(`daemon apply, killed at each step boundary (restartTimeoutSeconds ${TIMEOUT_S}):\n${table.join("\n")}`);
  if (started) {
    const r = spawnSync("bash", [TEST_ENGINE_SCRIPT, "stop", E], { encoding: "utf8", timeout: 240_000 });
    if (r.status !== 0) console.error(`test-engine.sh stop failed: ${r.stderr}`);
  }
  rmSync(DIR, { recursive: true, force: true });
});

describe("the daemon apply, killed at every step boundary, converges when run again", () => {
  it.each([...DAEMON_APPLY_STEPS])("killed at %s", async (step) => {
    const name = `kill-${step}`;
    const script = applyScript(name);
    await killAt(step, script);
    const afterKill = hostState();

    const again = await run(script);
    if (again.status !== 0) throw new Error(`re-run after a kill at ${step}: ${detail(again)}`);
    // A kill after `done` lost only the report: the re-run truthfully has nothing to do.
    expect(again.stdout).toContain(
      step === "done"
        ? `unchanged: ${CONFIG} sha256=${configSha256(configText(name, { "live-restore": true }))}`
        : `applied: ${CONFIG} sha256=`,
    );
    expectConverged(name);
    const afterRerun = hostState();

    const pid = dockerdPid();
    const before = calls().length;
    const third = await run(script);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain("unchanged");
    expect(calls().length).toBe(before); // no restart, no reload
    expect(dockerdPid()).toBe(pid);
    expectConverged(name);
    table.push(
      `| ${step} | ${afterKill} | exit 0, ${again.stdout.match(/(applied|unchanged)/)![1]}: ` +
        `${afterRerun} | exit 0, unchanged, no systemctl call |`,
    );
  });
});

describe("a rollback, killed at every step boundary, is finished by the next run", () => {
  let good = "kill-done"; // what the previous describe left running
  beforeAll(() => {
    good = /hd-apply=(.*)/.exec(fileLabel())![1]!;
  });

  it.each([...DAEMON_ROLLBACK_STEPS])("killed at %s", async (step) => {
    const script = applyScript(`refused-${step}`, { extra: REFUSED });
    await killAt(step, script);
    const afterKill = hostState();

    const again = await run(script);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("rolled back: the previous configuration is restored and the engine answers again");
    expect(again.stderr).toContain("x-hd-unknown"); // the engine's own words
    expectRolledBack(good);
    const afterRerun = hostState();

    const third = await run(script);
    expect(third.status).toBe(1);
    expectRolledBack(good);
    table.push(
      `| ${step} (rollback of a refused config) | ${afterKill} | exit 1, rolled back: ` +
        `${afterRerun} | exit 1 again (still refused), rolled back: ${hostState()} |`,
    );
  });
});

describe("bounded waits", () => {
  const good = () => /hd-apply=(.*)/.exec(fileLabel())![1]!;

  it("a dockerd that never answers: the apply ends in its bound, rolled back, engine on the old labels", async () => {
    const old = good();
    const r = await run(applyScript("never-ready", { extra: NEVER_READY }));
    console.log(`never-ready apply: ${r.ms} ms (restartTimeoutSeconds ${TIMEOUT_S})`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`systemctl restart docker failed or did not finish within ${TIMEOUT_S}s`);
    expect(r.ms).toBeLessThan(TIMEOUT_S * 3 * 1000);
    expectRolledBack(old);
  });

  it("killed in the middle of that wait, the re-run rolls back and the engine answers again", async () => {
    const old = good();
    const script = applyScript("never-ready", { extra: NEVER_READY });
    const before = calls().length;
    const p = start(script);
    await waitFor(
      "the restart to be under way",
      () => journalPhase() === "restarting" && calls().slice(before).includes("restart"),
    );
    await new Promise((r) => setTimeout(r, 1500)); // well inside the stand-in's blocked restart
    process.kill(-p.pid, "SIGKILL");
    await p.done;
    const afterKill = hostState();
    expect(engineLabels()).toBeUndefined(); // the dockerd that does not answer is running

    const again = await run(script);
    console.log(`re-run after a kill mid-wait: ${again.ms} ms`);
    expect(again.status).toBe(1);
    expect(again.ms).toBeLessThan(TIMEOUT_S * 3 * 1000);
    expectRolledBack(old);
    table.push(
      `| mid-wait (systemctl restart blocked, never-ready config) ` +
        `| ${afterKill} | exit 1, rolled back: ${hostState()} | — |`,
    );
  });
});

describe("one apply at a time", () => {
  it("two applies at once: both outcomes true; the file and the engine hold the one that ran last", async () => {
    const a = start(applyScript("concurrent-a"));
    const b = start(applyScript("concurrent-b"));
    const ended: string[] = [];
    const [ra, rb] = await Promise.all([
      a.done.then((r) => (ended.push("a"), r)),
      b.done.then((r) => (ended.push("b"), r)),
    ]);
    for (const [n, r] of [
      ["a", ra],
      ["b", rb],
    ] as const) {
      if (r.status !== 0) throw new Error(`apply ${n}: ${detail(r)}`);
      expect(r.stdout).toContain(
        `applied: ${CONFIG} sha256=${configSha256(configText(`concurrent-${n}`, { "live-restore": true }))}`,
      );
    }
    expectConverged(`concurrent-${ended[1]}`);
  });

  it("with a short lock wait, the second apply fails clearly on the host lock and changes nothing", async () => {
    writeFileSync(join(HOOKS, "start-delay"), "3"); // the first apply holds the lock through a slow restart
    try {
      const before = calls().length;
      const a = start(applyScript("lock-holder"));
      await waitFor("the first apply to restart", () => calls().length > before);
      const b = await run(applyScript("lock-waiter", { lockWaitSeconds: 1 }));
      expect(b.status).toBe(1);
      expect(b.stderr).toContain("another hardened-docker command still holds the host lock");
      expect(b.stderr).toContain("Nothing was changed");
      expect(b.stdout).not.toContain("applied");
      const ra = await a.done;
      if (ra.status !== 0) throw new Error(`lock holder: ${detail(ra)}`);
      expectConverged("lock-holder");
    } finally {
      rmSync(join(HOOKS, "start-delay"), { force: true });
    }
  });
});

describe("another writer", () => {
  it("daemon.json replaced during the restart is not reported applied: exit 1 names the file that runs", async () => {
    const intruder = configText("intruder", { "live-restore": true });
    writeFileSync(join(HOOKS, "replace-on-start"), intruder);
    const r = await run(applyScript("victim"));
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain("applied:");
    expect(r.stderr).toContain(
      `NOT applied: while dockerd restarted, another writer replaced ${CONFIG} (now sha256=${configSha256(intruder)}`,
    );
    expect(r.stderr).toContain("dockerd runs with that file");
    expect(engineLabels()).toEqual(["hd-apply=intruder"]);
    expect(fileLabel()).toBe("hd-apply=intruder");
    expect(journalPhase()).toBe("replaced");
    expect(leftovers()).toEqual([]);
    // Run again: this configuration is applied over the other writer's.
    const again = await run(applyScript("victim"));
    if (again.status !== 0) throw new Error(detail(again));
    expectConverged("victim");
  });
});
