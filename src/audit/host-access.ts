/**
 * How host probes reach a host's files and processes: the local filesystem under a root prefix
 * (`/` on the Docker host itself; a fake tree in tests), or an SSH session. The host collector
 * (./collect-host) only talks to this interface.
 *
 * Every method answers `undefined` for "absent" (no such file, no such command), so "absent"
 * and "empty" stay apart; other failures (permission denied, I/O errors) throw.
 */
import { readFile, readdir, readlink, stat } from "node:fs/promises";
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { SshSession } from "./ssh";

export interface RawStat {
  type: "file" | "directory" | "socket" | "symlink" | "other";
  uid: number;
  gid: number;
  /** Permission bits with the special bits (0o7777 mask). */
  mode: number;
}

export interface ProcessInfo {
  pid: number;
  /** Command line, NUL-split. */
  argv: string[];
}

export interface HostAccess {
  /** For messages: `local` or `local root /tmp/x` or an ssh:// label. */
  readonly label: string;
  readFile(path: string): Promise<string | undefined>;
  /** stat following symlinks (the file a path names, as CIS section 3 means). */
  stat(path: string): Promise<RawStat | undefined>;
  readdir(path: string): Promise<string[] | undefined>;
  /** Target of a symlink, e.g. /proc/PID/exe. */
  readlink(path: string): Promise<string | undefined>;
  /** Processes whose command name (`/proc/PID/comm`) is `comm`. */
  processes(comm: string): Promise<ProcessInfo[]>;
  /** Run a program; undefined when it does not exist or cannot be run here. */
  run(argv: string[]): Promise<{ code: number; stdout: string } | undefined>;
}

const isAbsent = (err: unknown): boolean => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");

function typeOf(s: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
}): RawStat["type"] {
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "directory";
  if (s.isSocket()) return "socket";
  if (s.isSymbolicLink()) return "symlink";
  return "other";
}

/**
 * The local host, every absolute path read below `root` (default `/`). Programs run only when
 * `root` is `/` (a fake tree has no auditctl to run).
 */
export class LocalHostAccess implements HostAccess {
  readonly label: string;
  constructor(readonly root = "/") {
    this.label = root === "/" ? "local" : `local root ${root}`;
  }

  private at(path: string): string {
    return this.root === "/" ? path : join(this.root, path);
  }

  async readFile(path: string): Promise<string | undefined> {
    try {
      return await readFile(this.at(path), "utf8");
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw err;
    }
  }

  async stat(path: string): Promise<RawStat | undefined> {
    try {
      const s = await stat(this.at(path));
      return { type: typeOf(s), uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 };
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw err;
    }
  }

  async readdir(path: string): Promise<string[] | undefined> {
    try {
      return await readdir(this.at(path));
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw err;
    }
  }

  async readlink(path: string): Promise<string | undefined> {
    try {
      return await readlink(this.at(path));
    } catch (err) {
      if (isAbsent(err) || (err as NodeJS.ErrnoException).code === "EINVAL") return undefined;
      throw err;
    }
  }

  async processes(comm: string): Promise<ProcessInfo[]> {
    const entries = (await this.readdir("/proc")) ?? [];
    const found = await Promise.all(
      entries
        .filter((e) => /^\d+$/.test(e))
        .map(async (pid): Promise<ProcessInfo | undefined> => {
          try {
            const name = (await readFile(this.at(`/proc/${pid}/comm`), "utf8")).trim();
            if (name !== comm) return undefined;
            const argv = (await readFile(this.at(`/proc/${pid}/cmdline`), "utf8")).split("\0");
            if (argv[argv.length - 1] === "") argv.pop();
            return { pid: Number(pid), argv };
          } catch {
            return undefined; // the process ended meanwhile, or is not ours to read
          }
        }),
    );
    return found.filter((p): p is ProcessInfo => p !== undefined);
  }

  async run(argv: string[]): Promise<{ code: number; stdout: string } | undefined> {
    if (this.root !== "/") return undefined;
    return new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
        if (!err) return resolve({ code: 0, stdout });
        // A string code is a failure to start the program; a number is its exit status.
        const code = (err as { code?: unknown }).code;
        resolve(
          typeof code === "number"
            ? { code, stdout }
            : code === "ENOENT" || code === "EACCES"
              ? undefined
              : { code: 1, stdout },
        );
      });
    });
  }
}

// ───────────────────────────── over SSH ─────────────────────────────

/** Single-quote for a POSIX shell. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const FILE_TYPES: Record<string, RawStat["type"]> = {
  "regular file": "file",
  "regular empty file": "file",
  directory: "directory",
  socket: "socket",
  "symbolic link": "symlink",
};

/**
 * A host reached over SSH: each probe is one exec channel running coreutils (`cat`, `stat`,
 * `ls`, `readlink`), at most `limit` at a time (sshd's MaxSessions is 10 by default, and the
 * Engine API channels share the connection).
 */
export class SshHostAccess implements HostAccess {
  readonly label: string;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly ssh: SshSession,
    private readonly limit = 6,
  ) {
    this.label = ssh.label;
  }

  private async exec(command: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await this.ssh.exec(command);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Exit status 2 from our wrapper = absent; anything else non-zero = an error naming the command. */
  private async probe(command: string, path: string): Promise<string | undefined> {
    const r = await this.exec(`[ -e ${q(path)} ] || [ -L ${q(path)} ] || exit 2; ${command}`);
    if (r.code === 2) return undefined;
    if (r.code !== 0)
      throw new Error(`${this.label}: ${command}: ${r.stderr.trim().split("\n")[0] || `exit status ${r.code}`}`);
    return r.stdout.toString("utf8");
  }

  readFile(path: string): Promise<string | undefined> {
    return this.probe(`cat -- ${q(path)}`, path);
  }

  async stat(path: string): Promise<RawStat | undefined> {
    const out = await this.probe(`stat -L -c '%u|%g|%a|%F' -- ${q(path)}`, path);
    if (out === undefined) return undefined;
    const [uid, gid, mode, type] = out.trim().split("|");
    return { uid: Number(uid), gid: Number(gid), mode: parseInt(mode!, 8), type: FILE_TYPES[type ?? ""] ?? "other" };
  }

  async readdir(path: string): Promise<string[] | undefined> {
    const out = await this.probe(`ls -1A -- ${q(path)}`, path);
    return out === undefined ? undefined : out.split("\n").filter((l) => l !== "");
  }

  async readlink(path: string): Promise<string | undefined> {
    // Not a symlink: no target (as EINVAL is locally), not an error.
    const out = await this.probe(`if [ -L ${q(path)} ]; then readlink -- ${q(path)}; fi`, path);
    return out === undefined ? undefined : out.trim() || undefined;
  }

  async processes(comm: string): Promise<ProcessInfo[]> {
    // One round trip: pid, then the NUL-separated command line, one process per record (RS-separated).
    // `read` is a shell builtin: no process per pid.
    const script =
      `for d in /proc/[0-9]*; do c=; read -r c < "$d/comm" 2>/dev/null; [ "$c" = ${q(comm)} ] || continue; ` +
      `printf '%s\\n' "\${d#/proc/}"; cat "$d/cmdline" 2>/dev/null; printf '\\036'; done`;
    const r = await this.exec(script);
    return r.stdout
      .toString("utf8")
      .split("\x1e")
      .filter((rec) => rec.includes("\n"))
      .map((rec) => {
        const nl = rec.indexOf("\n");
        const argv = rec.slice(nl + 1).split("\0");
        if (argv[argv.length - 1] === "") argv.pop();
        return { pid: Number(rec.slice(0, nl)), argv };
      })
      .filter((p) => Number.isInteger(p.pid) && p.argv.length > 0);
  }

  async run(argv: string[]): Promise<{ code: number; stdout: string } | undefined> {
    const r = await this.exec(`command -v ${q(argv[0]!)} >/dev/null 2>&1 || exit 127; ${argv.map(q).join(" ")}`);
    if (r.code === 127) return undefined;
    return { code: r.code, stdout: r.stdout.toString("utf8") };
  }
}
