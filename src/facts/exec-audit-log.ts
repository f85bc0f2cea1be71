/**
 * `docker exec` runs read from the host's audit log (auditd, CIS 5.23/5.24: "ausearch -k docker |
 * grep exec"). When auditd watches the docker CLI binary for execution, each run of it leaves an
 * EXECVE record with its arguments; this module turns those records into the exec runs they
 * are: which container, `--privileged`, `--user`, the command, when and by whom.
 *
 * The log is read as auditd writes it (RAW format; ENRICHED adds fields this parser ignores):
 *   type=SYSCALL msg=audit(1795908315.691:11): … uid=0 … auid=1000 … exe="/usr/bin/docker" …
 *   type=EXECVE msg=audit(1795908315.691:11): argc=9 a0="/usr/bin/docker" a1="exec" a2="--privileged" … a8=6563686F202261206222
 * An argument is quoted when it is plain, hex-encoded when it holds a space, a quote or a control
 * character, and split into `aN_len=… aN[0]=… aN[1]=…` pieces (over several EXECVE records of
 * the same event) when it is long.
 */
import type { ContainerFacts, ExecAuditEvent } from "./types";

/** One run of `docker exec` (or `docker container exec`) found in the audit log. */
export interface LoggedDockerExec {
  /** The container as named on the command line: a name or an ID prefix. */
  container: string;
  event: ExecAuditEvent;
  /** Login uid (auid) and uid of the process, when the SYSCALL record was read. */
  auid?: number;
  uid?: number;
  /** Global options that point the CLI at some engine (`-H`, `--host`, `-c`, `--context`), as given. */
  engineOptions: string[];
}

export interface ExecAuditLog {
  execs: LoggedDockerExec[];
  /** The time of the first record read (ISO 8601): the log says nothing of what came before. */
  since?: string;
  /** Records read (every type): an empty log covers no period. */
  records: number;
}

interface PendingEvent {
  at: string;
  argc?: number;
  args: Map<number, string>;
  /** aN_len pieces: index → pieces by their number. */
  pieces: Map<number, Map<number, string>>;
  uid?: number;
  auid?: number;
}

const RECORD = /^type=(\w+) msg=audit\((\d+)\.(\d+):(\d+)\):\s?(.*)$/;
/** key=value where value is "quoted", (null), or a bare token. Fields after the ENRICHED separator (\x1d) are ignored. */
const FIELD = /([\w[\]]+)=("[^"]*"|\S+)/g;

/** `"text"` as is; a hex string decoded as UTF-8; `(null)` → empty. */
function decodeArg(raw: string): string {
  if (raw.startsWith('"')) return raw.slice(1, raw.endsWith('"') ? -1 : undefined);
  if (raw === "(null)") return "";
  if (/^(?:[0-9A-Fa-f]{2})+$/.test(raw)) return Buffer.from(raw, "hex").toString("utf8");
  return raw;
}

/**
 * Parse an audit log's text into the `docker exec` runs it records. Lines that are not audit
 * records are skipped (a log may be cut mid-line where it was read); records of other programs
 * only count towards `since` and `records`.
 */
export function parseExecAuditLog(text: string): ExecAuditLog {
  const events = new Map<string, PendingEvent>();
  let first: number | undefined;
  let records = 0;
  for (const line of text.split("\n")) {
    const m = RECORD.exec(line);
    if (!m) continue;
    records++;
    const [, type, seconds, millis, serial, rest] = m;
    const epochMs = Number(seconds) * 1000 + Number(millis!.padEnd(3, "0").slice(0, 3));
    if (first === undefined || epochMs < first) first = epochMs;
    if (type !== "EXECVE" && type !== "SYSCALL") continue;
    const key = `${seconds}.${millis}:${serial}`;
    let ev = events.get(key);
    if (!ev) events.set(key, (ev = { at: new Date(epochMs).toISOString(), args: new Map(), pieces: new Map() }));
    const body = rest!.split("\x1d")[0]!;
    for (const f of body.matchAll(FIELD)) {
      const [, name, value] = f;
      if (type === "SYSCALL") {
        if (name === "uid") ev.uid = Number(value);
        else if (name === "auid") ev.auid = Number(value);
        continue;
      }
      if (name === "argc") ev.argc = Number(value);
      let a = /^a(\d+)$/.exec(name!);
      if (a) {
        ev.args.set(Number(a[1]), decodeArg(value!));
        continue;
      }
      a = /^a(\d+)\[(\d+)\]$/.exec(name!);
      if (a) {
        const index = Number(a[1]);
        if (!ev.pieces.has(index)) ev.pieces.set(index, new Map());
        ev.pieces.get(index)!.set(Number(a[2]), decodeArg(value!));
      }
    }
  }
  const execs: LoggedDockerExec[] = [];
  for (const ev of events.values()) {
    if (ev.argc === undefined) continue; // a SYSCALL without its EXECVE: not an execution we can read
    const argv: string[] = [];
    for (let i = 0; i < ev.argc; i++) {
      const pieces = ev.pieces.get(i);
      argv.push(pieces ? [...pieces.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => p).join("") : (ev.args.get(i) ?? ""));
    }
    const exec = dockerExecFromArgv(argv);
    if (!exec) continue;
    execs.push({
      container: exec.container,
      event: { privileged: exec.privileged, ...(exec.user !== undefined ? { user: exec.user } : {}), at: ev.at, command: exec.command.join(" ") },
      ...(ev.auid !== undefined ? { auid: ev.auid } : {}),
      ...(ev.uid !== undefined ? { uid: ev.uid } : {}),
      engineOptions: exec.engineOptions,
    });
  }
  execs.sort((x, y) => (x.event.at! < y.event.at! ? -1 : x.event.at! > y.event.at! ? 1 : 0));
  return { execs, ...(first !== undefined ? { since: new Date(first).toISOString() } : {}), records };
}

// ───────────────────────────── the docker CLI's argv ─────────────────────────────

/** Global options of the docker CLI (20.10–27) that take a value. */
const GLOBAL_WITH_VALUE = new Set(["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"]);
const ENGINE_OPTIONS = new Set(["-H", "--host", "-c", "--context"]);
/** `docker exec` options that take a value (short letters: e, u, w). */
const EXEC_WITH_VALUE = new Set(["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys"]);
const EXEC_SHORT_WITH_VALUE = new Set(["e", "u", "w"]);

export interface ParsedDockerExec {
  container: string;
  privileged: boolean;
  /** The last --user given (the CLI keeps the last); undefined = none. */
  user?: string;
  command: string[];
  engineOptions: string[];
}

/**
 * Read a docker CLI command line as the CLI (cobra/pflag) does: global options, then `exec` or
 * `container exec`, its options (`-it`, `-uroot`, `--user=0`, `--privileged=false`, `--`), then
 * the container and its command. Undefined when it is not an exec run.
 */
export function dockerExecFromArgv(argv: readonly string[]): ParsedDockerExec | undefined {
  const program = (argv[0] ?? "").split("/").pop() ?? "";
  if (program !== "docker") return undefined;
  const engineOptions: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") break;
    const name = a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    if (ENGINE_OPTIONS.has(name)) engineOptions.push(a.includes("=") ? a : `${a} ${argv[i + 1] ?? ""}`);
    if (GLOBAL_WITH_VALUE.has(name) && !a.includes("=")) i++;
  }
  if (argv[i] === "container") i++;
  if (argv[i] !== "exec") return undefined;
  i++;
  let privileged = false;
  let user: string | undefined;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a : a.slice(0, eq);
      const value = eq < 0 ? undefined : a.slice(eq + 1);
      if (name === "--privileged") privileged = value === undefined ? true : value !== "false" && value !== "0";
      else if (name === "--user") user = value ?? argv[++i] ?? "";
      else if (EXEC_WITH_VALUE.has(name) && value === undefined) i++;
      continue;
    }
    // A cluster of short options: -it, -uroot, -itu root, -e=A=1.
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      if (!EXEC_SHORT_WITH_VALUE.has(letter)) continue;
      let value = a.slice(k + 1);
      if (value.startsWith("=")) value = value.slice(1);
      if (value === "") value = argv[++i] ?? "";
      if (letter === "u") user = value;
      break;
    }
  }
  const container = argv[i];
  if (container === undefined) return undefined;
  return { container, privileged, ...(user !== undefined ? { user } : {}), command: argv.slice(i + 1), engineOptions };
}

// ───────────────────────────── onto the engine's containers ─────────────────────────────

/** The container a command line names, as the engine resolves it: exact name or ID, else a unique ID prefix. */
function resolveContainer(ref: string, containers: readonly ContainerFacts[]): ContainerFacts | undefined {
  const name = ref.startsWith("/") ? ref.slice(1) : ref;
  const exact = containers.find((c) => c.id === ref || c.name === name || c.name === `/${name}`);
  if (exact) return exact;
  if (!/^[0-9a-f]+$/.test(ref)) return undefined;
  const byPrefix = containers.filter((c) => c.id.startsWith(ref));
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}

/**
 * Each container with the exec runs the log records for it (`execAuditCoverage: "audit-log"`,
 * from `log.since`), plus the exec sessions the engine holds that the log does not show (made
 * through the API, not this host's CLI). A run without `--user` is listed with the user it ran
 * as: the container's, else its image's, else root.
 */
export function withLoggedExecs(containers: readonly ContainerFacts[], log: ExecAuditLog): ContainerFacts[] {
  const byContainer = new Map<ContainerFacts, ExecAuditEvent[]>();
  for (const x of log.execs) {
    const c = resolveContainer(x.container, containers);
    if (!c) continue;
    const user = x.event.user ?? (c.user || c.imageConfig?.user || "root");
    (byContainer.get(c) ?? byContainer.set(c, []).get(c)!).push({ ...x.event, user });
  }
  return containers.map((c) => {
    const logged = byContainer.get(c) ?? [];
    const sameRun = (s: ExecAuditEvent) => logged.some((l) => l.privileged === s.privileged && l.command === s.command?.replace(/ \(created, not started\)$/, ""));
    const sessions = (c.execAuditEvents ?? []).filter((s) => !sameRun(s));
    return { ...c, execAuditEvents: [...logged, ...sessions], execAuditCoverage: "audit-log", ...(log.since ? { execAuditSince: log.since } : {}) };
  });
}
