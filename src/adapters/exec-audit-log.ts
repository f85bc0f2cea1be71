/**
 * `docker exec` runs read from the host's audit log (auditd, CIS 5.23/5.24: "ausearch -k docker |
 * grep exec"). When auditd watches the docker CLI binary for execution, each run of it leaves an
 * EXECVE record with its arguments; this module turns those records into the exec runs they
 * are: which container, `--privileged`, `--user`, the command, when and by whom.
 *
 * The log is read as auditd writes it (RAW format; ENRICHED adds fields this parser ignores):
 *   type=SYSCALL msg=audit(1795908315.691:11): … uid=0 … auid=1000 … exe="/usr/bin/docker" …
 *   type=EXECVE msg=audit(1795908315.691:11): argc=9 a0="/usr/bin/docker" a1="exec" a2="--privileged" …
 *     a8=6563686F202261206222
 * An argument is quoted when it is plain, hex-encoded when it holds a space, a quote or a control
 * character, and split into `aN_len=… aN[0]=… aN[1]=…` pieces (over several EXECVE records of
 * the same event) when it is long. The event's CWD record gives the working directory, which
 * names a Compose project when the command line does not.
 *
 * Runs read: `docker exec`, `docker container exec`, and Compose's `docker compose exec` (the
 * plugin, run through the docker CLI) and `docker-compose exec` (the standalone program, also as
 * a script its interpreter runs), which name a service rather than a container. Their commands
 * are kept for reports with the secrets named on them hidden (redact.ts).
 */
import { posix } from "node:path";
import { parseGoBool } from "../facts/normalise";
import { redactCommandLine } from "../facts/redact";
import type { ContainerFacts, ExecAuditEvent } from "../facts/types";

/**
 * A Compose service an exec names (`docker compose exec SERVICE`), and what the command line
 * tells of its project. Compose names the project after `-p`, else COMPOSE_PROJECT_NAME or the
 * file's top-level `name:` (neither is in the log), else the project directory.
 */
export interface ComposeExecTarget {
  service: string;
  /** `--index`; undefined = the service's first container. */
  index?: number;
  /** `-p` / `--project-name`, normalised as Compose does. */
  project?: string;
  /**
   * Without `-p`: the directory the project is named after (`--project-directory`, else the first
   * `-f` file's directory, else the working directory); undefined when the log does not tell it
   * (a relative path without the event's working directory).
   */
  projectDirectory?: string;
}

/** One exec run found in the audit log: into a container by name or ID, or into a Compose service. */
export interface LoggedDockerExec {
  /** `docker exec`: the container as named on the command line (a name or an ID prefix). */
  container?: string;
  /** Compose's exec: the service, and what the command line tells of its project. */
  compose?: ComposeExecTarget;
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
  cwd?: string;
}

const RECORD = /^type=(\w+) msg=audit\((\d+)\.(\d+):(\d+)\):\s?(.*)$/;
/**
 * key=value where value is "quoted", (null), or a bare token.
 * Fields after the ENRICHED separator (\x1d) are ignored.
 */
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
    if (type !== "EXECVE" && type !== "SYSCALL" && type !== "CWD") continue;
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
      if (type === "CWD") {
        if (name === "cwd") ev.cwd = decodeArg(value!);
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
      argv.push(
        pieces
          ? [...pieces.entries()]
              .sort((x, y) => x[0] - y[0])
              .map(([, p]) => p)
              .join("")
          : (ev.args.get(i) ?? ""),
      );
    }
    const exec = dockerExecFromArgv(argv, ev.cwd);
    if (!exec) continue;
    execs.push({
      ...(exec.container !== undefined ? { container: exec.container } : {}),
      ...(exec.compose ? { compose: exec.compose } : {}),
      event: {
        privileged: exec.privileged,
        ...(exec.user !== undefined ? { user: exec.user } : {}),
        at: ev.at,
        command: redactCommandLine(exec.command.join(" ")),
      },
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
const GLOBAL_WITH_VALUE = new Set([
  "-H",
  "--host",
  "-c",
  "--context",
  "--config",
  "-l",
  "--log-level",
  "--tlscacert",
  "--tlscert",
  "--tlskey",
]);
const ENGINE_OPTIONS = new Set(["-H", "--host", "-c", "--context"]);
/** `docker exec` options that take a value (short letters: e, u, w). */
const EXEC_WITH_VALUE = new Set(["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys"]);
/** Compose's global options that take a value (v2, and v1's engine and TLS options). */
const COMPOSE_GLOBAL_WITH_VALUE = new Set([
  ...GLOBAL_WITH_VALUE,
  "-f",
  "--file",
  "-p",
  "--project-name",
  "--project-directory",
  "--workdir",
  "--env-file",
  "--profile",
  "--ansi",
  "--progress",
  "--parallel",
]);
/** `docker compose exec` / `docker-compose exec` options that take a value. */
const COMPOSE_EXEC_WITH_VALUE = new Set(["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"]);
const SHORT_WITH_VALUE = new Set(["e", "u", "w"]);

export interface ParsedDockerExec {
  /** `docker exec`: the container named. */
  container?: string;
  /** Compose's exec: the service named. */
  compose?: ComposeExecTarget;
  privileged: boolean;
  /** The last --user given (the CLI keeps the last); undefined = none. */
  user?: string;
  command: string[];
  engineOptions: string[];
}

/** Compose's project name rule: lower case, only [a-z0-9_-], no leading `_` or `-`. */
export const composeProjectName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[-_]+/, "");

/**
 * Read an exec command line as the program does (cobra/pflag for the docker CLI and Compose v2):
 * global options, then `exec` or `container exec` (the docker CLI) or `compose … exec` (Compose),
 * their options (`-it`, `-uroot`, `--user=0`, `--privileged=false`, `--`), then the container or
 * service and its command. `cwd` (the event's working directory) places Compose's relative paths.
 * Undefined when it is not an exec run.
 */
export function dockerExecFromArgv(argv: readonly string[], cwd?: string): ParsedDockerExec | undefined {
  const program = posix.basename(argv[0] ?? "");
  if (program !== "docker" && program !== "docker-compose") {
    // A script run by its interpreter (`docker-compose` 1.x is Python): the kernel's argv is the
    // interpreter, its option or `env`'s program, then the script's path as executed (with a `/`).
    const script = argv.slice(1, 4).findIndex((a) => a.includes("/") && posix.basename(a) === "docker-compose");
    return script >= 0 ? dockerExecFromArgv(argv.slice(script + 1), cwd) : undefined;
  }
  if (program === "docker-compose") {
    // The plugin as the docker CLI runs it (`docker-compose compose …`):
    // that run is the docker CLI's, recorded as such.
    if (argv[1] === "compose") return undefined;
    return composeExec(argv, 1, [], cwd);
  }
  const engineOptions: string[] = [];
  let i = globalOptions(argv, 1, GLOBAL_WITH_VALUE, engineOptions);
  if (argv[i] === "compose") return composeExec(argv, i + 1, engineOptions, cwd);
  if (argv[i] === "container") i++;
  if (argv[i] !== "exec") return undefined;
  const options = execOptions(argv, i + 1, EXEC_WITH_VALUE);
  const container = argv[options.next];
  if (container === undefined) return undefined;
  return {
    container,
    privileged: options.privileged,
    ...(options.user !== undefined ? { user: options.user } : {}),
    command: argv.slice(options.next + 1),
    engineOptions,
  };
}

/**
 * Skip global options from `i`, as pflag reads them (`--name value`, `--name=value`, `-n value`,
 * `-nvalue`): keeps those that point at an engine, hands each valued one to `seen`. Returns the
 * index of the first argument that is not an option.
 */
function globalOptions(
  argv: readonly string[],
  i: number,
  withValue: ReadonlySet<string>,
  engineOptions: string[],
  seen?: (name: string, value: string) => void,
): number {
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-") || a === "-") break;
    const eq = a.indexOf("=");
    const [name, attached] = a.startsWith("--")
      ? eq < 0
        ? [a, undefined]
        : [a.slice(0, eq), a.slice(eq + 1)]
      : a.length > 2
        ? [a.slice(0, 2), a.slice(a[2] === "=" ? 3 : 2)]
        : [a, undefined];
    if (ENGINE_OPTIONS.has(name)) engineOptions.push(attached !== undefined ? a : `${a} ${argv[i + 1] ?? ""}`);
    if (!withValue.has(name)) continue;
    const value = attached ?? argv[++i] ?? "";
    seen?.(name, value);
  }
  return i;
}

/**
 * `docker compose [globals] exec [options] SERVICE COMMAND…`, from `i`
 * (just after `compose`, or after the program for docker-compose).
 */
function composeExec(
  argv: readonly string[],
  i: number,
  engineOptions: string[],
  cwd: string | undefined,
): ParsedDockerExec | undefined {
  let project: string | undefined;
  let projectDirectory: string | undefined;
  let firstFile: string | undefined;
  i = globalOptions(argv, i, COMPOSE_GLOBAL_WITH_VALUE, engineOptions, (name, value) => {
    if (name === "-p" || name === "--project-name") project = composeProjectName(value);
    else if (name === "--project-directory" || name === "--workdir") projectDirectory = value;
    else if ((name === "-f" || name === "--file") && firstFile === undefined) firstFile = value;
  });
  if (argv[i] !== "exec") return undefined;
  const options = execOptions(argv, i + 1, COMPOSE_EXEC_WITH_VALUE);
  const service = argv[options.next];
  if (service === undefined) return undefined;
  const target: ComposeExecTarget = { service, ...(options.index !== undefined ? { index: options.index } : {}) };
  if (project) target.project = project;
  else {
    // The project directory: given, else the first file's
    // (a file from stdin, `-`, leaves the working directory), else the working directory.
    const dir = projectDirectory ?? (firstFile !== undefined && firstFile !== "-" ? posix.dirname(firstFile) : ".");
    const absolute = dir.startsWith("/") || cwd?.startsWith("/") ? posix.resolve(cwd ?? "/", dir) : undefined;
    if (absolute !== undefined) target.projectDirectory = absolute;
  }
  return {
    compose: target,
    privileged: options.privileged,
    ...(options.user !== undefined ? { user: options.user } : {}),
    command: argv.slice(options.next + 1),
    engineOptions,
  };
}

/** An exec's own options from `i`, up to the container or service (`next`). */
function execOptions(
  argv: readonly string[],
  i: number,
  withValue: ReadonlySet<string>,
): { next: number; privileged: boolean; user?: string; index?: number } {
  let privileged = false;
  let user: string | undefined;
  let index: number | undefined;
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
      // pflag: a bool flag's value is Go's ParseBool (the CLI refuses anything else).
      if (name === "--privileged") privileged = value === undefined ? true : parseGoBool(value) === true;
      else if (name === "--user") user = value ?? argv[++i] ?? "";
      else if (name === "--index" && withValue.has(name)) index = Number(value ?? argv[++i]);
      else if (withValue.has(name) && value === undefined) i++;
      continue;
    }
    // A cluster of short options: -it, -uroot, -itu root, -Tu root, -e=A=1.
    for (let k = 1; k < a.length; k++) {
      const letter = a[k]!;
      if (!SHORT_WITH_VALUE.has(letter)) continue;
      let value = a.slice(k + 1);
      if (value.startsWith("=")) value = value.slice(1);
      if (value === "") value = argv[++i] ?? "";
      if (letter === "u") user = value;
      break;
    }
  }
  return {
    next: i,
    privileged,
    ...(user !== undefined ? { user } : {}),
    ...(index !== undefined && Number.isInteger(index) && index > 0 ? { index } : {}),
  };
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

/** The labels Compose (v1 and v2) puts on the containers it creates. */
const COMPOSE_PROJECT = "com.docker.compose.project";
const COMPOSE_SERVICE = "com.docker.compose.service";
const COMPOSE_NUMBER = "com.docker.compose.container-number";
const COMPOSE_ONEOFF = "com.docker.compose.oneoff";

/**
 * The containers a Compose exec ran in, and how they were found (for reports). Compose takes the
 * project's container of the service with that number (`--index`), else its lowest-numbered one;
 * `docker compose run` containers (one-off) are never exec targets. Without `-p`, the project
 * named after the directory is taken when it has the service; otherwise the project was named in
 * a way the log does not show (COMPOSE_PROJECT_NAME, the file's `name:`), and the service's
 * container in every project is listed: the run went into one of them, so a privileged run fails
 * each.
 */
function resolveComposeService(
  t: ComposeExecTarget,
  containers: readonly ContainerFacts[],
): { containers: ContainerFacts[]; via: string } {
  const ofService = containers.filter(
    (c) =>
      c.labels[COMPOSE_SERVICE] === t.service &&
      c.labels[COMPOSE_PROJECT] !== undefined &&
      c.labels[COMPOSE_ONEOFF] !== "True",
  );
  const dirProject =
    t.projectDirectory !== undefined ? composeProjectName(posix.basename(t.projectDirectory)) : undefined;
  let candidates = ofService;
  let how: string;
  if (t.project !== undefined) {
    candidates = ofService.filter((c) => c.labels[COMPOSE_PROJECT] === t.project);
    how = `project "${t.project}"`;
  } else if (dirProject && ofService.some((c) => c.labels[COMPOSE_PROJECT] === dirProject)) {
    candidates = ofService.filter((c) => c.labels[COMPOSE_PROJECT] === dirProject);
    how = `project "${dirProject}", named after ${t.projectDirectory}`;
  } else {
    const why =
      t.projectDirectory !== undefined
        ? `no project named after ${t.projectDirectory} has this service`
        : "no project directory recorded";
    how = `project not told by the log: ${why}`;
  }
  const number = (c: ContainerFacts) => Number(c.labels[COMPOSE_NUMBER] ?? NaN);
  const chosen: ContainerFacts[] = [];
  for (const project of new Set(candidates.map((c) => c.labels[COMPOSE_PROJECT]))) {
    const mine = candidates.filter((c) => c.labels[COMPOSE_PROJECT] === project);
    const pick =
      t.index !== undefined
        ? mine.find((c) => number(c) === t.index)
        : [...mine].sort((a, b) => (number(a) || Infinity) - (number(b) || Infinity))[0];
    if (pick) chosen.push(pick);
  }
  const among =
    chosen.length > 1
      ? `; ran in one of ${chosen.length} containers: ${chosen.map((c) => c.name.replace(/^\//, "")).join(", ")}`
      : "";
  return {
    containers: chosen,
    via: `compose exec ${t.service}${t.index !== undefined ? ` --index ${t.index}` : ""} (${how}${among})`,
  };
}

/**
 * The containers a logged run went into (none: removed since, or on another engine),
 * and how a Compose run's were found.
 */
function execTargets(
  x: LoggedDockerExec,
  containers: readonly ContainerFacts[],
): { containers: ContainerFacts[]; via?: string } {
  if (x.compose !== undefined) return resolveComposeService(x.compose, containers);
  const c = resolveContainer(x.container ?? "", containers);
  return { containers: c ? [c] : [] };
}

/**
 * Each container with the exec runs the log records for it (`execAuditCoverage: "audit-log"`,
 * from `log.since`), plus the exec sessions the engine holds that the log does not show (made
 * through the API, not this host's CLI). A run without `--user` is listed with the user it ran
 * as: the container's, else its image's, else root. A Compose run is listed with how its
 * container was found (`via`). `unplaced`: the runs into no container the engine has now.
 */
export function withLoggedExecs(
  containers: readonly ContainerFacts[],
  log: ExecAuditLog,
): { containers: ContainerFacts[]; unplaced: LoggedDockerExec[] } {
  const byContainer = new Map<ContainerFacts, ExecAuditEvent[]>();
  const unplaced: LoggedDockerExec[] = [];
  for (const x of log.execs) {
    const found = execTargets(x, containers);
    if (found.containers.length === 0) unplaced.push(x);
    for (const c of found.containers) {
      const user = x.event.user ?? (c.user || c.imageConfig?.user || "root");
      (byContainer.get(c) ?? byContainer.set(c, []).get(c)!).push({
        ...x.event,
        user,
        ...(found.via !== undefined ? { via: found.via } : {}),
      });
    }
  }
  const withRuns = containers.map((c): ContainerFacts => {
    const logged = byContainer.get(c) ?? [];
    const sameRun = (s: ExecAuditEvent) =>
      logged.some(
        (l) => l.privileged === s.privileged && l.command === s.command?.replace(/ \(created, not started\)$/, ""),
      );
    const sessions = (c.execAuditEvents ?? []).filter((s) => !sameRun(s));
    return {
      ...c,
      execAuditEvents: [...logged, ...sessions],
      execAuditCoverage: "audit-log",
      ...(log.since ? { execAuditSince: log.since } : {}),
    };
  });
  return { containers: withRuns, unplaced };
}
