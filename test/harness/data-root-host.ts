/**
 * A Docker host for HardenedHost's data-root step, for real: a dockerd of the test file's own
 * (scripts/test-engine.sh with its own DIR; the project-wide engine is not touched), stopped and
 * started by the stand-in `systemctl` of ./systemctl-stand-in.ts (no systemd here), loop devices on sparse files,
 * and an fstab, drop-in directory and state directory of its own. Shared by the migration tests
 * and the interruption tests.
 *
 * Cleanup (`stop`, also after failures): the engine stopped (test-engine.sh unmounts everything
 * under DIR), every mount of the loop devices unmounted, the devices detached, their files removed.
 * `cleanStale` does the same for a host of an earlier run whose process is gone.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMountInfo } from "../../src/adapters/host-parsers";
import type { DataRootOptions } from "../../src/scripts/data-root";
import { runScript, type ScriptRun } from "./daemon-host";
import { ENGINE_ROOT, parseEngineEnv, TEST_ENGINE_SCRIPT } from "./engine-env";
import { standInSystemctl } from "./systemctl-stand-in";

export const IMAGE = "hd-busybox:latest";

export function sh(cmd: string, args: string[], input?: string | Buffer): string {
  return execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

export function mountinfo() {
  return parseMountInfo(readFileSync("/proc/self/mountinfo", "utf8"));
}

/** major:minor of the filesystem mounted exactly at `path` (the top one), or undefined. */
export function deviceMountedAt(path: string): string | undefined {
  return mountinfo()
    .filter((m) => m.mountPoint === path)
    .pop()?.device;
}

export function majMin(dev: string): string {
  return sh("lsblk", ["-dnro", "MAJ:MIN", dev]).trim();
}

/** sha256 of a whole block device (or file), read through its node. */
export function deviceHash(dev: string): string {
  const h = createHash("sha256");
  const fd = openSync(dev, "r");
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

export function writeDevice(dev: string, offset: number, bytes: Buffer): void {
  const fd = openSync(dev, "r+");
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

export const explain = (r: ScriptRun) => `status ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

/** A process with this pid exists (signal 0). */
export const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export class DataRootHost {
  readonly dir: string;
  readonly data: string;
  readonly work: string;
  readonly bin: string;
  readonly fstab: string;
  readonly dropInDir: string;
  readonly stateFile: string;
  readonly loops: { dev: string; file: string }[] = [];
  dockerHost = "";

  /** `tag`: a short name of the test file (engine dir `<tag>-<pid>`, loop files under /tmp/hd-<tag>-<pid>). */
  constructor(private readonly tag: string) {
    this.dir = join(ENGINE_ROOT, `${tag}-${process.pid}`);
    this.data = join(this.dir, "data");
    this.work = join(tmpdir(), `hd-${tag}-${process.pid}`);
    this.bin = join(this.work, "bin");
    this.fstab = join(this.dir, "fstab");
    this.dropInDir = join(this.dir, "docker.service.d");
    this.stateFile = join(this.dir, "state", "data-root.state");
  }

  /** Hosts of earlier runs of this tag whose process is gone: engines stopped, loop devices freed. */
  cleanStale(): void {
    if (existsSync(ENGINE_ROOT)) {
      for (const e of readdirSync(ENGINE_ROOT)) {
        const m = new RegExp(`^${this.tag}-(\\d+)$`).exec(e);
        if (m && !processAlive(Number(m[1])))
          spawnSync("bash", [TEST_ENGINE_SCRIPT, "stop", join(ENGINE_ROOT, e)], { stdio: "ignore" });
      }
    }
    const list = JSON.parse(sh("losetup", ["-J", "-l"]) || '{"loopdevices":[]}') as {
      loopdevices: { name: string; "back-file": string | null }[];
    };
    for (const l of list.loopdevices) {
      const m = new RegExp(`/hd-${this.tag}-(\\d+)/`).exec(l["back-file"] ?? "");
      if (m && !processAlive(Number(m[1]))) {
        for (const mp of mountinfo()
          .filter((x) => x.source === l.name)
          .map((x) => x.mountPoint)
          .reverse())
          spawnSync("umount", [mp]);
        spawnSync("losetup", ["-d", l.name]);
      }
    }
  }

  /** Start the engine, put the systemctl stand-in first on PATH, and an empty fstab. */
  start(): void {
    this.cleanStale();
    mkdirSync(this.work, { recursive: true });
    execFileSync("bash", [TEST_ENGINE_SCRIPT, "start", this.dir], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    const env = parseEngineEnv(readFileSync(join(this.dir, "env"), "utf8"));
    this.dockerHost = env.DOCKER_HOST;
    // The stand-in restarts dockerd with exactly the argv test-engine.sh gave it (one a line).
    const argvFile = join(this.work, "dockerd.argv");
    const argv = readFileSync(`/proc/${this.dockerdPid()}/cmdline`, "utf8")
      .split("\0")
      .filter((a) => a !== "");
    writeFileSync(argvFile, argv.join("\n") + "\n");
    mkdirSync(this.bin, { recursive: true });
    writeFileSync(
      join(this.bin, "systemctl"),
      standInSystemctl({
        engineDir: this.dir,
        netns: env.HD_TEST_NETNS,
        unitArgvFile: argvFile,
        callsFile: join(this.dir, "systemctl.calls"),
      }),
    );
    chmodSync(join(this.bin, "systemctl"), 0o755);
    writeFileSync(this.fstab, "");
  }

  stop(): void {
    spawnSync("bash", [TEST_ENGINE_SCRIPT, "stop", this.dir], { stdio: "ignore", timeout: 120_000 });
    for (const { dev } of this.loops) this.freeLoop(dev);
    rmSync(this.work, { recursive: true, force: true });
  }

  docker(...args: string[]): string {
    return execFileSync("docker", args, {
      encoding: "utf8",
      env: { ...process.env, DOCKER_HOST: this.dockerHost },
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  }

  /** The engine answers (one short try). */
  answers(): boolean {
    return (
      spawnSync("docker", ["info", "--format", "{{.ID}}"], {
        env: { ...process.env, DOCKER_HOST: this.dockerHost },
        stdio: "ignore",
        timeout: 15_000,
      }).status === 0
    );
  }

  /** Images, containers and volumes, one "kind id" per line, sorted (what the script compares). */
  inventory(): string[] {
    const lines = (text: string, kind: string) =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => `${kind} ${l}`);
    return [
      ...lines(this.docker("image", "ls", "-aq", "--no-trunc"), "image"),
      ...lines(this.docker("ps", "-aq", "--no-trunc"), "container"),
      ...lines(this.docker("volume", "ls", "-q"), "volume"),
    ]
      .sort()
      .filter((l, i, a) => a.indexOf(l) === i);
  }

  dockerdPid(): number {
    return Number(readFileSync(join(this.dir, "docker.pid"), "utf8").trim());
  }

  /** The stand-in systemctl, as the scripts call it. */
  systemctl(...args: string[]): void {
    sh(join(this.bin, "systemctl"), args);
  }

  /** Start dockerd through the stand-in and wait (bounded) until it answers. */
  startEngine(): void {
    this.systemctl("start", "docker");
    for (let i = 0; i < 300 && !this.answers(); i++) execFileSync("sleep", ["0.2"]);
    if (!this.answers()) throw new Error(`the test engine did not come back:\n${this.logTail()}`);
  }

  logTail(): string {
    const log = join(this.dir, "dockerd.log");
    return existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-20).join("\n") : "(no log)";
  }

  /** A new loop device on a sparse file of `mib` MiB. */
  loopDevice(name: string, mib: number): string {
    const file = join(this.work, `${name}.img`);
    sh("truncate", ["-s", `${mib}M`, file]);
    const dev = sh("losetup", ["-f", "--show", file]).trim();
    this.loops.push({ dev, file });
    return dev;
  }

  /** Unmount everything of a loop device, detach it and remove its file. */
  freeLoop(dev: string): void {
    let major: string | undefined;
    try {
      major = majMin(dev);
    } catch {
      major = undefined;
    }
    for (const m of mountinfo()
      .filter((x) => x.device === major || x.source === dev)
      .reverse())
      spawnSync("umount", [m.mountPoint]);
    spawnSync("losetup", ["-d", dev]);
    const i = this.loops.findIndex((l) => l.dev === dev);
    if (i >= 0) {
      rmSync(this.loops[i].file, { force: true });
      this.loops.splice(i, 1);
    }
  }

  options(source: DataRootOptions["source"], over: Partial<DataRootOptions> = {}): DataRootOptions {
    return {
      dataRoot: this.data,
      source,
      label: "hd-docker-data",
      fstab: this.fstab,
      stateFile: this.stateFile,
      unitDropInDir: this.dropInDir,
      dockerSocket: join(this.dir, "docker.sock"),
      pidFile: join(this.dir, "docker.pid"),
      allowWipe: false,
      timeoutSeconds: 60,
      ...over,
    };
  }

  /** PATH for the scripts: `extra` directories (wrappers) first, then the systemctl stand-in. */
  path(...extra: string[]): string {
    return [...extra, this.bin, process.env.PATH].join(":");
  }

  /** Run a rendered script to its end (bounded). */
  run(
    script: string,
    o: { env?: Record<string, string>; shell?: "bash" | "dash"; extraPath?: string[] } = {},
  ): ScriptRun {
    return runScript(script, { shell: o.shell ?? "bash", env: { PATH: this.path(...(o.extraPath ?? [])), ...o.env } });
  }

  /**
   * Start a rendered script in a process group of its own. `reached` resolves once `signalFile`
   * exists (the script's HD_STOP_AT hook, or a wrapper, touches it) and rejects if the script ends
   * first or the wait runs out; `kill` SIGKILLs the whole group, as a cancelled deploy would kill
   * it, and resolves with what it printed.
   */
  startUntil(
    script: string,
    o: { env: Record<string, string>; signalFile: string; extraPath?: string[]; timeoutMs?: number },
  ) {
    rmSync(o.signalFile, { force: true });
    const child = spawn("bash", ["-s"], {
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PATH: this.path(...(o.extraPath ?? [])), ...o.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    void exit.then(() => (exited = true));
    child.stdin.end(script);
    const kill = async () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
      await exit;
      return { stdout, stderr };
    };
    const reached = (async () => {
      const deadline = Date.now() + (o.timeoutMs ?? 120_000);
      while (!existsSync(o.signalFile)) {
        if (exited) throw new Error(`the script ended before reaching its stop point\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) {
          await kill();
          throw new Error(`the script did not reach its stop point in time\n${stdout}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return { reached, kill };
  }

  /** Run a rendered script until it reaches `signalFile`, then SIGKILL its process group. */
  async runUntilKilled(
    script: string,
    o: { env: Record<string, string>; signalFile: string; extraPath?: string[]; timeoutMs?: number },
  ) {
    const run = this.startUntil(script, o);
    await run.reached;
    return run.kill();
  }
}
