/**
 * HardenedHost's data-root migration interrupted, for real: the script is SIGKILLed with its whole
 * process group (as a cancelled deploy kills it) at every step boundary, mid-copy and while a mount
 * hangs, on loop devices against a real dockerd. The same script is then run again, as the next
 * `pulumi up` would, and again. After every kill:
 *  - the re-run converges: exit 0, "migrated", the data root on the device, mounted through fstab;
 *  - nothing is lost: the engine that answers lists every image, container and volume it listed
 *    before, and a volume file has the same sha256;
 *  - dockerd runs;
 *  - a third run changes nothing (dockerd not restarted, fstab untouched).
 * And the failures a run meets on its own: disk full and out of inodes mid-copy, a new filesystem
 * that mounts read-only, a dockerd that never comes back on the new root, an engine that lists
 * other objects on the new root, a mount that hangs on every try — each rolled back within its
 * bound (exit 1) to the old data root with everything on it; a kill during that rollback; and a
 * second run while the first holds the host lock, which fails clearly and changes nothing.
 *
 * Between cases the test puts the data root back on the parent filesystem by hand, from the
 * renamed old root the migration kept (it is never deleted).
 * HD_PRINT_TABLE=1 prints a table of the host's state after each kill and each run.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  DATA_ROOT_STEPS,
  DROPIN_NAME,
  FSTAB_MARKER,
  renderDataRootScript,
  type DataRootOptions,
} from "../../src/scripts/data-root";
import { parseHostReport } from "../../src/scripts/host-report";
import type { ScriptRun } from "../harness/daemon-host";
import { DataRootHost, deviceMountedAt, explain, IMAGE, majMin, sh } from "../harness/data-root-host";

jest.setTimeout(180_000);

const H = new DataRootHost("hi");
const VOLUME = "hi-vol";
const SIGNAL = () => join(H.work, "stopped-here");
const which = (tool: string) => sh("bash", ["-c", `command -v ${tool}`]).trim();

let before: string[] = [];
let fileSha = "";
const volumeFile = () => join(H.data, "volumes", VOLUME, "_data", "file.bin");
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const rows: string[] = [];

beforeAll(() => {
  H.start();
  H.docker("volume", "create", VOLUME);
  H.docker(
    "run",
    "--name",
    "hi-writer",
    "-v",
    `${VOLUME}:/data`,
    IMAGE,
    "sh",
    "-c",
    "head -c 1048576 /dev/urandom >/data/file.bin",
  );
  H.docker("create", "--name", "hi-created", IMAGE, "true");
  before = H.inventory();
  fileSha = sha256(volumeFile());
}, 180_000);

afterAll(() => {
  if (process.env.HD_PRINT_TABLE)
    console.log(
      [
        "| case | after the kill (or run 1) | after the re-run | after a third run |",
        "|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
  H.stop();
}, 180_000);

// ───────────── the host, observed and reset ─────────────

function journalPhase(): string {
  return existsSync(H.stateFile) ? (/^phase=(.*)$/m.exec(readFileSync(H.stateFile, "utf8"))?.[1] ?? "?") : "none";
}

/** One line of what the host is now: where the data root is, the engine, the journal. */
function describe_(dev: string): string {
  const mounted = deviceMountedAt(H.data) === majMin(dev) ? "on the device" : existsSync(H.data) ? "on /" : "missing";
  const old = readdirSync(H.dir).some((f) => f.startsWith("data.hd-old-")) ? ", old root kept aside" : "";
  const engine = H.answers()
    ? `docker answers (${H.inventory().length === before.length ? "all objects" : "OBJECTS MISSING"})`
    : "docker stopped";
  return `data root ${mounted}${old}; ${engine}; journal: ${journalPhase()}`;
}

/** Everything is on the device and nothing is lost. */
function expectMigrated(dev: string, r: ScriptRun, action: "migrated" | "unchanged" = "migrated"): void {
  expect({ status: r.status, action: parseHostReport(r.stdout).facts.action }).toEqual({ status: 0, action: [action] });
  expect(H.answers()).toBe(true);
  expect(H.docker("info", "--format", "{{.DockerRootDir}}")).toBe(H.data);
  expect(deviceMountedAt(H.data)).toBe(majMin(dev));
  expect(H.inventory()).toEqual(before);
  expect(sha256(volumeFile())).toBe(fileSha);
  expect(H.docker("run", "--rm", "-v", `${VOLUME}:/data`, IMAGE, "sha256sum", "/data/file.bin").split(" ")[0]).toBe(
    fileSha,
  );
  const uuid = sh("blkid", ["-p", "-s", "UUID", "-o", "value", dev]).trim();
  expect(readFileSync(H.fstab, "utf8")).toBe(`${FSTAB_MARKER}\nUUID=${uuid} ${H.data} ext4 defaults 0 2\n`);
  expect(existsSync(`${H.data}.hd-staging`)).toBe(false);
  expect(journalPhase()).toBe("done");
}

/** The old data root is in place, with everything, and the engine runs on it. */
function expectRolledBack(r: ScriptRun): void {
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/rolled back: .* and docker runs on it/);
  expect(H.answers()).toBe(true);
  expect(H.docker("info", "--format", "{{.DockerRootDir}}")).toBe(H.data);
  for (const l of H.loops) expect(deviceMountedAt(H.data)).not.toBe(majMin(l.dev));
  expect(H.inventory()).toEqual(before);
  expect(sha256(volumeFile())).toBe(fileSha);
  expect(readFileSync(H.fstab, "utf8")).toBe("");
  expect(existsSync(join(H.dropInDir, DROPIN_NAME))).toBe(false);
  expect(readdirSync(H.dir).filter((f) => f.startsWith("data.hd-"))).toEqual([]);
  expect(journalPhase()).toBe("rolled-back");
}

/** A third run: unchanged, dockerd not restarted, fstab untouched. */
function expectThirdRunChangesNothing(script: string): void {
  const pid = H.dockerdPid();
  const fstab = readFileSync(H.fstab, "utf8");
  const r = H.run(script);
  expect({
    status: r.status,
    facts: parseHostReport(r.stdout).facts.action,
    done: parseHostReport(r.stdout).done,
  }).toEqual({ status: 0, facts: ["unchanged"], done: [] });
  expect(H.dockerdPid()).toBe(pid);
  expect(readFileSync(H.fstab, "utf8")).toBe(fstab);
  expect(H.inventory()).toEqual(before);
}

/** Back to the start: the data root on the parent filesystem (from the kept old root), no journal. */
function reset(): void {
  H.systemctl("stop", "docker");
  for (const l of [...H.loops]) H.freeLoop(l.dev);
  const old = readdirSync(H.dir).find((f) => f.startsWith("data.hd-old-"));
  if (old) {
    if (existsSync(H.data)) rmdirSync(H.data);
    renameSync(join(H.dir, old), H.data);
  }
  rmSync(`${H.data}.hd-staging`, { recursive: true, force: true });
  writeFileSync(H.fstab, "");
  rmSync(join(H.dropInDir, DROPIN_NAME), { force: true });
  rmSync(join(H.dir, "state"), { recursive: true, force: true });
  H.startEngine();
  expect(H.inventory()).toEqual(before);
}

let n = 0;
function newDevice(mib = 128): string {
  return H.loopDevice(`dev-${++n}`, mib);
}
const render = (dev: string, over: Partial<DataRootOptions> = {}) =>
  renderDataRootScript(H.options({ kind: "device", device: dev }, { timeoutSeconds: 10, ...over }));

/** A directory of PATH wrappers (each `name` → shell text), first on PATH where a case asks. */
function wrappers(name: string, tools: Record<string, string>): string {
  const dir = join(H.work, `wrap-${name}`);
  mkdirSync(dir, { recursive: true });
  for (const [tool, text] of Object.entries(tools)) {
    writeFileSync(join(dir, tool), `#!/bin/sh\n${text}\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}

// ───────────── killed at every step boundary ─────────────

describe("killed (SIGKILL of the process group) at a step boundary, then run again", () => {
  afterEach(reset);

  it.each([...DATA_ROOT_STEPS])(
    "at %s: the re-run converges, nothing is lost, a third run changes nothing",
    async (step) => {
      const dev = newDevice();
      const killed = await H.runUntilKilled(render(dev, { failureInjection: true }), {
        env: { HD_STOP_AT: step, HD_STOP_SIGNAL: SIGNAL() },
        signalFile: SIGNAL(),
      });
      expect(killed.stderr).not.toMatch(/rolled back/); // killed, not failed
      const afterKill = describe_(dev);
      const script = render(dev);
      const again = H.run(script);
      if (again.status !== 0) throw new Error(explain(again));
      expectMigrated(dev, again, step === "done" ? "unchanged" : "migrated");
      if (step !== "done") {
        const stoppedAt =
          step === "renamed" || step === "fstab-written" || step === "mounted"
            ? "switching"
            : step === "staged"
              ? "formatted"
              : step;
        expect(again.stderr).toContain(`an earlier run stopped at step "${stoppedAt}"`);
      }
      const afterRerun = describe_(dev);
      expectThirdRunChangesNothing(script);
      rows.push(
        `| killed at ${step} | ${afterKill} | ${afterRerun}: ` +
          `${step === "done" ? "unchanged" : "migrated"} | unchanged |`,
      );
    },
  );

  it("killed as its rollback begins (after a failure past the switch): the re-run converges", async () => {
    const dev = newDevice();
    await H.runUntilKilled(render(dev, { failureInjection: true }), {
      env: { HD_FAIL_AT: "after-switch", HD_STOP_AT: "rolling-back", HD_STOP_SIGNAL: SIGNAL() },
      signalFile: SIGNAL(),
    });
    const afterKill = describe_(dev);
    const again = H.run(render(dev));
    expectMigrated(dev, again);
    expect(again.stderr).toContain('an earlier run stopped at step "rolling-back"');
    expectThirdRunChangesNothing(render(dev));
    rows.push(`| killed as its rollback began | ${afterKill} | ${describe_(dev)}: migrated | unchanged |`);
  });

  it(
    "mid-copy (rsync killed with a partial copy on the new filesystem): " +
      "the re-run starts the copy over and converges",
    async () => {
      const slowRsync = wrappers("slow-rsync", {
        rsync: `${which("rsync")} --bwlimit=256 "$@" &\nsleep 1\n: >"$HD_COPY_SIGNAL"\nwait $!`,
      });
      const dev = newDevice();
      await H.runUntilKilled(render(dev, { copyTool: "rsync" }), {
        env: { HD_COPY_SIGNAL: SIGNAL() },
        signalFile: SIGNAL(),
        extraPath: [slowRsync],
      });
      const afterKill = describe_(dev);
      expect(H.answers()).toBe(false); // docker was stopped for the copy
      const again = H.run(render(dev));
      expectMigrated(dev, again);
      expect(again.stderr).toContain('an earlier run stopped at step "stopped"');
      expectThirdRunChangesNothing(render(dev));
      rows.push(`| killed mid-copy | ${afterKill} | ${describe_(dev)}: migrated | unchanged |`);
    },
  );

  it("while the fstab mount hangs: the re-run finishes the switch", async () => {
    const hangingMount = wrappers("hanging-mount", {
      mount: `case " $* " in *" -T "*) : >"$HD_MOUNT_SIGNAL"; exec sleep 3600 ;; esac\nexec ${which("mount")} "$@"`,
    });
    const dev = newDevice();
    await H.runUntilKilled(render(dev), {
      env: { HD_MOUNT_SIGNAL: SIGNAL() },
      signalFile: SIGNAL(),
      extraPath: [hangingMount],
    });
    const afterKill = describe_(dev);
    const again = H.run(render(dev));
    expectMigrated(dev, again);
    expect(again.stderr).toContain('an earlier run stopped at step "switching"');
    expectThirdRunChangesNothing(render(dev));
    rows.push(`| killed while the fstab mount hung | ${afterKill} | ${describe_(dev)}: migrated | unchanged |`);
  });
});

// ───────────── failures met within a run ─────────────

describe("failures within a run are rolled back, within their bounds", () => {
  afterEach(reset);

  it("a mount hanging on every try: the re-run times out and rolls back; a later run migrates", async () => {
    const hangingMount = wrappers("hanging-mount", {
      mount: `case " $* " in *" -T "*) : >"$HD_MOUNT_SIGNAL"; exec sleep 3600 ;; esac\nexec ${which("mount")} "$@"`,
    });
    const dev = newDevice();
    const script = render(dev, { timeoutSeconds: 5 });
    await H.runUntilKilled(script, {
      env: { HD_MOUNT_SIGNAL: SIGNAL() },
      signalFile: SIGNAL(),
      extraPath: [hangingMount],
    });
    const afterKill = describe_(dev);
    const t0 = Date.now();
    const again = H.run(script, { extraPath: [hangingMount], env: { HD_MOUNT_SIGNAL: SIGNAL() } });
    const elapsed = (Date.now() - t0) / 1000;
    expect(again.stderr).toMatch(/did not finish within 5s/);
    expectRolledBack(again);
    expect(elapsed).toBeLessThan(60); // 5 s mount bound (+5 s kill grace), then the rollback's own bounded steps
    const afterRerun = describe_(dev);
    expectMigrated(dev, H.run(script));
    rows.push(
      `| killed while the mount hung; it hangs again | ${afterKill} | ${afterRerun}: ` +
        `rolled back in ${elapsed.toFixed(1)} s | migrated (mount fixed) |`,
    );
  });

  it("dockerd never comes back on the new data root: rolled back after its timeout, docker on the old root", () => {
    const neverStarts = wrappers("never-starts", {
      systemctl:
        `if [ "$1 $2" = "start docker" ] && ${which("mountpoint")} -q ${H.data}; then exit 0; fi\n` +
        `exec ${join(H.bin, "systemctl")} "$@"`,
    });
    const dev = newDevice();
    const t0 = Date.now();
    const r = H.run(render(dev, { timeoutSeconds: 5 }), { extraPath: [neverStarts] });
    const elapsed = (Date.now() - t0) / 1000;
    expect(r.stderr).toMatch(/docker did not come back on the new data root/);
    expectRolledBack(r);
    expect(elapsed).toBeLessThan(60);
    rows.push(
      `| dockerd never answers on the new root | — | ${describe_(dev)}: rolled back in ${elapsed.toFixed(1)} s | — |`,
    );
  });

  it("disk full mid-copy (the data grew after the space check): rolled back", () => {
    const dev = newDevice(64);
    const big = join(H.data, "volumes", VOLUME, "_data", "big.bin");
    writeFileSync(big, randomBytes(80 << 20));
    const lyingDu = wrappers("lying-du", { du: `printf '1\\t%s\\n' "$3"` });
    try {
      const r = H.run(render(dev), { extraPath: [lyingDu] });
      expect(r.stderr).toMatch(/copying .* failed|No space left on device/);
      expectRolledBack(r);
      expect(existsSync(big)).toBe(true);
    } finally {
      rmSync(big, { force: true });
    }
    rows.push(`| disk full mid-copy | — | rolled back | — |`);
  });

  it("out of inodes mid-copy: rolled back", () => {
    const fewInodes = wrappers("few-inodes", { "mkfs.ext4": `exec ${which("mkfs.ext4")} -N 16 "$@"` });
    const dev = newDevice();
    const r = H.run(render(dev), { extraPath: [fewInodes] });
    expect(r.stderr).toMatch(/copying .* failed/);
    expectRolledBack(r);
    rows.push(`| out of inodes mid-copy | — | rolled back | — |`);
  });

  it("a new filesystem that mounts read-only: rolled back", () => {
    const readOnly = wrappers("read-only", {
      mount: `case " $* " in *" -t ext4 "*) exec ${which("mount")} -o ro "$@" ;; esac\nexec ${which("mount")} "$@"`,
    });
    const dev = newDevice();
    const r = H.run(render(dev), { extraPath: [readOnly] });
    expect(r.stderr).toMatch(/copying .* failed/);
    expectRolledBack(r);
    rows.push(`| new filesystem read-only | — | rolled back | — |`);
  });

  it("the engine on the new root lists other objects (a volume gone): rolled back, the old root has it", () => {
    const losesVolume = wrappers("loses-volume", {
      systemctl:
        `if [ "$1 $2" = "start docker" ] && ${which("mountpoint")} -q ${H.data}; ` +
        `then rm -rf ${join(H.data, "volumes", VOLUME)}; fi\nexec ${join(H.bin, "systemctl")} "$@"`,
    });
    const dev = newDevice();
    const r = H.run(render(dev), { extraPath: [losesVolume] });
    expect(r.stderr).toMatch(/lists other images, containers or volumes than before: volume hi-vol/);
    expectRolledBack(r);
    rows.push(`| the new root lacks a volume | — | rolled back | — |`);
  });

  it(
    "a rollback that cannot finish (someone wrote into the empty data root meanwhile) " +
      "exits 2 naming the state and the recovery; once fixed, the next run converges",
    async () => {
      const dev = newDevice();
      await H.runUntilKilled(render(dev, { failureInjection: true }), {
        env: { HD_STOP_AT: "renamed", HD_STOP_SIGNAL: SIGNAL() },
        signalFile: SIGNAL(),
      });
      // Killed between the rename and making the mount point: someone makes it, and writes into it.
      mkdirSync(H.data, { recursive: true });
      writeFileSync(join(H.data, "written-meanwhile"), "not ours\n");
      const failingMount = wrappers("failing-mount", {
        mount:
          `case " $* " in *" -T "*) echo "mount: simulated failure" >&2; exit 32 ;; esac\n` +
          `exec ${which("mount")} "$@"`,
      });
      const r = H.run(render(dev), { extraPath: [failingMount] });
      expect(r.status).toBe(2);
      const old = readdirSync(H.dir).find((f) => f.startsWith("data.hd-old-"))!;
      expect(r.stderr).toMatch(/simulated failure/);
      expect(r.stderr).toContain(`HOST NEEDS ATTENTION: ${H.data} is a directory`);
      expect(r.stderr).toContain(`the old data root, intact, is at ${join(H.dir, old)}`);
      expect(r.stderr).toContain(
        `umount ${H.data}; rmdir ${H.data} && mv ${join(H.dir, old)} ${H.data} && systemctl start docker`,
      );
      expect(journalPhase()).toBe("rolling-back");
      const afterFailure = describe_(dev);
      // The person removes what was written there; the next run resumes from the journal.
      rmSync(join(H.data, "written-meanwhile"));
      const again = H.run(render(dev));
      expect(again.stderr).toContain('an earlier run stopped at step "rolling-back"');
      expectMigrated(dev, again);
      expectThirdRunChangesNothing(render(dev));
      rows.push(
        `| killed after the rename; a file written into the empty data root; ` +
          `the mount fails | ${afterFailure} (exit 2) | migrated (after the file was removed) | unchanged |`,
      );
    },
  );

  it("a second run while the first holds the host lock fails clearly in its wait and changes nothing", async () => {
    const dev = newDevice();
    const first = H.startUntil(render(dev, { failureInjection: true }), {
      env: { HD_STOP_AT: "stopped", HD_STOP_SIGNAL: SIGNAL() },
      signalFile: SIGNAL(),
    });
    // The first run holds the lock, stopped at "stopped" (docker down), while the second asks.
    await first.reached;
    const journal = readFileSync(H.stateFile, "utf8");
    const t0 = Date.now();
    const second = H.run(render(dev, { lockWaitSeconds: 2 }));
    const elapsed = (Date.now() - t0) / 1000;
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another hardened-docker command still holds the host lock .* after 2s/);
    expect(readFileSync(H.stateFile, "utf8")).toBe(journal);
    expect(elapsed).toBeLessThan(10);
    await first.kill();
    expectMigrated(dev, H.run(render(dev)));
    rows.push(
      `| a second run during the first | lock held | second: refused after 2 s, ` +
        `nothing changed | first re-run: migrated |`,
    );
  });
});

it("the steps the tests kill at are every journal phase and switch sub-step of the script", () => {
  const body = readFileSync(join(__dirname, "../../src/scripts/sh/data-root.sh"), "utf8");
  const inScript = [...body.matchAll(/^\s*(?:journal|step) '?([a-z-]+)'?$/gm)].map((m) => m[1]);
  expect(new Set(inScript)).toEqual(new Set<string>([...DATA_ROOT_STEPS, "rolling-back", "rolled-back"]));
});
