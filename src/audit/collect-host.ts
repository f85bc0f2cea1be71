/**
 * Host probes for the live audit: the facts CIS sections 1–3 need that no Engine API call gives —
 * the running dockerd's argv and the config file it names (→ DaemonFacts, the effective daemon
 * configuration), the mount table, audit rules, owners and modes of the daemon's files, the
 * docker group, dockerd's hard limits. Everything is read through a HostAccess (the local
 * filesystem under a root prefix, or SSH), so tests point it at a fake tree.
 *
 * Which dockerd: the host may run several (as the tests do). The one audited is the one serving
 * the engine we talk to: it listens on the audited unix socket, or its data root is the engine's
 * DockerRootDir; with no engine to match, a lone dockerd.
 */
import { configFileFromArgv, daemonFactsFromConfig, DEFAULT_CONFIG_FILE } from "../adapters/daemon-config";
import { parseExecAuditLog, type ExecAuditLog } from "../adapters/exec-audit-log";
import {
  nonRecursiveAuditPaths,
  parseAuditRuleWatches,
  parseGroupMembers,
  parseListeningSockets,
  parseMountInfo,
  type AuditWatch,
} from "../adapters/host-parsers";
import { isPathWithin, normalisePath } from "../facts/normalise";
import type { DaemonFacts, FileStat, HostFacts, HostLocations, SwarmFacts } from "../facts/types";
import { isWildcardAddress } from "../rules/predicates";
import { splitListenAddr, SWARM_PORT } from "../rules/kit/swarm";
import type { HostAccess, ProcessInfo, RawStat } from "./host-access";

export interface HostProbeInput {
  access: HostAccess;
  /** What the engine reported (docker info), to pick the dockerd that serves it. */
  engine?: {
    dataRoot?: string;
    serverVersion?: string;
    minApiVersion?: string;
    imageStore?: "containerd" | "graphdriver";
  };
  /** The unix socket the audit connected to, when it did over one. */
  socketPath?: string;
}

export interface HostProbeResult {
  host: HostFacts;
  /** The effective configuration of the dockerd serving the engine; undefined when not found. */
  daemon?: DaemonFacts;
  dockerd?: ProcessInfo;
  /** TCP addresses listening in dockerd's network namespace (`/proc/PID/net/tcp{,6}`); undefined when not readable. */
  listening?: string[];
  /**
   * `docker exec` runs of this host's docker CLI, from the audit log (CIS 5.23/5.24); undefined
   * when the log cannot tell them all (not read, or a docker CLI whose runs auditd does not record).
   */
  execLog?: ExecAuditLog & { files: string[] };
  /** What could not be read, and what was read instead: one line each, for the report. */
  notes: string[];
}

/** Directories searched for the binaries of 1.1.3 and 1.1.14–1.1.18 (in order). */
const BIN_DIRS = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"];
/**
 * Programs whose runs can `docker exec` (5.23/5.24): the docker CLI (with Compose as its plugin) and
 * standalone docker-compose.
 */
const EXEC_CLIS = ["docker", "docker-compose"];
/** systemd unit directories, highest precedence first. */
const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];
const DEFAULT_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock"];
const DEFAULT_EXEC_ROOT = "/var/run/docker";

// ───────────────────────────── small parsers ─────────────────────────────

/** `/proc/PID/limits` row titles → Docker ulimit names. */
const LIMIT_NAMES: Record<string, string> = {
  "Max cpu time": "cpu",
  "Max file size": "fsize",
  "Max data size": "data",
  "Max stack size": "stack",
  "Max core file size": "core",
  "Max resident set": "rss",
  "Max processes": "nproc",
  "Max open files": "nofile",
  "Max locked memory": "memlock",
  "Max file locks": "locks",
  "Max pending signals": "sigpending",
  "Max msgqueue size": "msgqueue",
  "Max nice priority": "nice",
  "Max realtime priority": "rtprio",
  "Max realtime timeout": "rttime",
};

/** `/proc/PID/limits` → hard limits by Docker ulimit name; `unlimited` rows are left out. */
export function parseProcLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const name = m ? LIMIT_NAMES[m[1]!] : undefined;
    if (name && /^\d+$/.test(m![3]!)) out[name] = Number(m![3]);
  }
  return out;
}

/** /etc/os-release → id, version, pretty name. */
export function parseOsRelease(text: string): HostFacts["os"] {
  const kv: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) kv[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  if (!kv.ID) return undefined;
  return { id: kv.ID, version: kv.VERSION_ID ?? "", ...(kv.PRETTY_NAME ? { prettyName: kv.PRETTY_NAME } : {}) };
}

/** uid/gid → name from passwd/group text (first entry wins, as NSS reads them). */
export function idNames(text: string | undefined): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && f[0] && !names.has(Number(f[2]))) names.set(Number(f[2]), f[0]);
  }
  return names;
}

/** The value of a dockerd flag the daemon-config adapter does not model (`--flag=V` / `--flag V`), last one wins. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === `--${flag}`) value = argv[i + 1];
    else if (a.startsWith(`--${flag}=`)) value = a.slice(flag.length + 3);
  });
  return value;
}

// ───────────────────────────── dockerd ─────────────────────────────

interface DockerdCandidate {
  proc: ProcessInfo;
  daemon?: DaemonFacts;
  problem?: string;
}

async function readDaemon(access: HostAccess, proc: ProcessInfo): Promise<DockerdCandidate> {
  const configFile = configFileFromArgv(proc.argv);
  if (configFile === undefined) return { proc, problem: `dockerd (pid ${proc.pid}): --config-file without a value` };
  try {
    const configText = await access.readFile(configFile);
    if (configText === undefined && configFile !== DEFAULT_CONFIG_FILE) {
      return {
        proc,
        problem: `dockerd (pid ${proc.pid}) names config file ${configFile}, which does not exist (any more)`,
      };
    }
    const daemon = daemonFactsFromConfig({
      ...(configText !== undefined ? { configText } : {}),
      configFile,
      argv: proc.argv,
      origin: "live",
    });
    return { proc, daemon };
  } catch (err) {
    return { proc, problem: `dockerd (pid ${proc.pid}): ${(err as Error).message}` };
  }
}

function listensOn(daemon: DaemonFacts, socketPath: string): boolean {
  const want = normalisePath(socketPath).replace(/^\/var\/run\//, "/run/");
  const unix = daemon.hosts
    .filter((h) => h.startsWith("unix://"))
    .map((h) => normalisePath(h.slice(7) || "/var/run/docker.sock").replace(/^\/var\/run\//, "/run/"));
  // No -H at all: dockerd's default socket. `fd://` (socket activation) is the default socket too.
  if (daemon.hosts.length === 0 || daemon.hosts.some((h) => h.startsWith("fd://"))) unix.push("/run/docker.sock");
  return unix.includes(want);
}

function servesDataRoot(daemon: DaemonFacts, engineDataRoot: string): boolean {
  // Under userns-remap the engine reports <data-root>/<uid>.<gid>.
  return (
    isPathWithin(engineDataRoot, daemon.dataRoot) &&
    normalisePath(engineDataRoot).split("/").length - normalisePath(daemon.dataRoot).split("/").length <= 1
  );
}

/** The dockerd serving the engine (see the module comment), or why none could be chosen. */
function chooseDockerd(
  cands: DockerdCandidate[],
  input: HostProbeInput,
): { chosen?: DockerdCandidate; problem?: string } {
  if (cands.length === 0) return { problem: "no dockerd process found on the host" };
  const score = (c: DockerdCandidate): number => {
    if (!c.daemon) return 0;
    let s = 0;
    if (input.socketPath && listensOn(c.daemon, input.socketPath)) s += 2;
    if (input.engine?.dataRoot && servesDataRoot(c.daemon, input.engine.dataRoot)) s += 1;
    return s;
  };
  const scored = cands.map((c) => ({ c, s: score(c) }));
  const best = Math.max(...scored.map((x) => x.s));
  const top = scored.filter((x) => x.s === best).map((x) => x.c);
  if (best === 0) {
    // Nothing to match against (host-only probe): a lone dockerd is the one.
    if (cands.length === 1 && !input.engine && !input.socketPath)
      return cands[0]!.daemon ? { chosen: cands[0] } : { problem: cands[0]!.problem };
    const why = cands
      .map((c) => c.problem)
      .filter(Boolean)
      .join("; ");
    return {
      problem:
        `none of the ${cands.length} dockerd process(es) serves this engine (socket ${input.socketPath ?? "-"}, ` +
        `data root ${input.engine?.dataRoot ?? "-"})${why ? `: ${why}` : ""}`,
    };
  }
  if (top.length > 1)
    return {
      problem:
        `${top.length} dockerd processes match this engine (pids ${top.map((c) => c.proc.pid).join(", ")}); ` +
        `cannot tell which one serves it`,
    };
  return { chosen: top[0] };
}

// ───────────────────────────── locations ─────────────────────────────

/** The first of `paths` that exists (all are probed at once: over SSH each probe is a round trip). */
async function firstExisting(access: HostAccess, paths: readonly string[]): Promise<string | undefined> {
  const found = await Promise.all(paths.map((p) => access.stat(p)));
  return paths[found.findIndex((s) => s !== undefined)];
}

const existing = async (access: HostAccess, path: string | undefined): Promise<string | undefined> =>
  path !== undefined && (await access.stat(path)) !== undefined ? path : undefined;

const binary = (access: HostAccess, name: string) =>
  firstExisting(
    access,
    BIN_DIRS.map((d) => `${d}/${name}`),
  );

async function resolveLocations(
  access: HostAccess,
  input: HostProbeInput,
  dockerd: ProcessInfo | undefined,
  daemon: DaemonFacts | undefined,
): Promise<HostLocations> {
  const argv = dockerd?.argv ?? [];
  const execRoot =
    flagValue(argv, "exec-root") ??
    (typeof daemon?.extra["exec-root"] === "string" ? (daemon.extra["exec-root"] as string) : DEFAULT_EXEC_ROOT);
  const containerdFlag =
    flagValue(argv, "containerd") ??
    (typeof daemon?.extra.containerd === "string" ? (daemon.extra.containerd as string) : undefined);

  // dockerd's binary: the process's executable (a " (deleted)" suffix means it was upgraded underneath).
  const exe = dockerd ? (await access.readlink(`/proc/${dockerd.pid}/exe`))?.replace(/ \(deleted\)$/, "") : undefined;
  const dockerdBinary =
    (await existing(access, exe)) ??
    (argv[0]?.startsWith("/") ? await existing(access, argv[0]) : undefined) ??
    (await binary(access, "dockerd"));

  const unixHosts = (daemon?.hosts ?? []).filter((h) => h.startsWith("unix://")).map((h) => h.slice(7));
  const dockerSocket =
    (await existing(access, input.socketPath)) ?? (await firstExisting(access, [...unixHosts, ...DEFAULT_SOCKETS]));

  const etcDocker = await existing(access, "/etc/docker");
  const certsDir = `${etcDocker ?? "/etc/docker"}/certs.d`;
  const registryCertFiles: string[] = [];
  for (const registry of (await access.readdir(certsDir)) ?? []) {
    for (const f of (await access.readdir(`${certsDir}/${registry}`)) ?? [])
      registryCertFiles.push(`${certsDir}/${registry}/${f}`);
  }

  const tls = async (p: string | undefined) => (p ? existing(access, p) : undefined);
  const dataRoot = input.engine?.dataRoot ?? daemon?.dataRoot ?? "/var/lib/docker";
  // Probed concurrently: over SSH each one is a round trip.
  const [
    containerdRunDir,
    dockerServiceUnit,
    dockerSocketUnit,
    containerdSocket,
    etcDefaultDocker,
    daemonConfig,
    containerdConfig,
    etcSysconfigDocker,
  ] = await Promise.all([
    firstExisting(access, ["/run/containerd", `${execRoot}/containerd`]),
    firstExisting(
      access,
      UNIT_DIRS.map((d) => `${d}/docker.service`),
    ),
    firstExisting(
      access,
      UNIT_DIRS.map((d) => `${d}/docker.socket`),
    ),
    // An external containerd (--containerd), else the one dockerd supervises under its exec root, else the system one.
    firstExisting(access, [
      ...(containerdFlag ? [containerdFlag.replace(/^unix:\/\//, "")] : []),
      `${execRoot}/containerd/containerd.sock`,
      "/run/containerd/containerd.sock",
    ]),
    existing(access, "/etc/default/docker"),
    existing(access, daemon?.source.configFile ?? (dockerd ? configFileFromArgv(argv) : DEFAULT_CONFIG_FILE)),
    existing(access, "/etc/containerd/config.toml"),
    existing(access, "/etc/sysconfig/docker"),
  ]);
  const [containerdBinary, containerdShimBinary, containerdShimRuncV1Binary, containerdShimRuncV2Binary, runcBinary] =
    await Promise.all(
      ["containerd", "containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2", "runc"].map((b) =>
        binary(access, b),
      ),
    );
  const [tlsCaCert, tlsCert, tlsKey] = await Promise.all([
    tls(daemon?.tlsCaCert),
    tls(daemon?.tlsCert),
    tls(daemon?.tlsKey),
  ]);
  // With the containerd image store, images live under containerd's root (config.toml `root`).
  const containerdRoot =
    input.engine?.imageStore === "containerd"
      ? (containerdRootOf((containerdConfig && (await access.readFile(containerdConfig))) || "") ??
        DEFAULT_CONTAINERD_ROOT)
      : undefined;
  return {
    dataRoot,
    ...(containerdRoot ? { containerdRoot } : {}),
    dockerdBinary,
    containerdRunDir,
    etcDocker,
    dockerServiceUnit,
    dockerSocketUnit,
    containerdSocket,
    etcDefaultDocker,
    daemonConfig,
    containerdConfig,
    etcSysconfigDocker,
    containerdBinary,
    containerdShimBinary,
    containerdShimRuncV1Binary,
    containerdShimRuncV2Binary,
    runcBinary,
    dockerSocket,
    registryCertFiles,
    tlsCaCert,
    tlsCert,
    tlsKey,
  };
}

/** Every path of the locations (single paths and the certificate list). */
function locationPaths(l: HostLocations): string[] {
  const out: string[] = [];
  for (const v of Object.values(l)) {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) out.push(...v);
  }
  return [...new Set(out)];
}

// ───────────────────────────── audit rules ─────────────────────────────

/** Loaded rules (`auditctl -l`) when auditctl answers; else the persistent rules files. */
async function readAuditRules(
  access: HostAccess,
  notes: string[],
): Promise<{ text: string; source: string } | undefined> {
  const loaded = await access.run(["auditctl", "-l"]).catch(() => undefined);
  if (loaded && loaded.code === 0) return { text: loaded.stdout, source: "auditctl -l" };
  const dir = "/etc/audit/rules.d";
  const files = ((await access.readdir(dir)) ?? []).filter((f) => f.endsWith(".rules")).sort();
  if (files.length > 0) {
    const texts = await Promise.all(files.map((f) => access.readFile(`${dir}/${f}`)));
    notes.push(
      `audit rules read from ${dir}/*.rules (${loaded ? "auditctl -l failed" : "auditctl not available"}): ` +
        `rules not loaded yet would count`,
    );
    return { text: texts.map((t) => t ?? "").join("\n"), source: `${dir}/*.rules` };
  }
  const merged = await access.readFile("/etc/audit/audit.rules");
  if (merged !== undefined) return { text: merged, source: "/etc/audit/audit.rules" };
  notes.push(
    "no audit rules found (auditctl not available, no /etc/audit/rules.d): " +
      "audit items 1.1.3–1.1.18 fail for lack of evidence",
  );
  return undefined;
}

// ───────────────────────────── docker exec runs (the audit log) ─────────────────────────────

const AUDITD_CONF = "/etc/audit/auditd.conf";
const DEFAULT_AUDIT_LOG = "/var/log/audit/audit.log";
/** auditd's default `num_logs`: the live log and its rotations .1 … .4. */
const DEFAULT_NUM_LOGS = 5;
/** At most this much log is read, newest file first; `since` then says where the reading began. */
const EXEC_LOG_MAX_BYTES = 64 * 1024 * 1024;

/** `log_file` and `num_logs` of auditd.conf (`key = value` lines). */
function auditdLogFiles(conf: string | undefined): string[] {
  const value = (key: string) =>
    conf
      ?.split("\n")
      .map((l) => /^\s*(\w+)\s*=\s*(.*?)\s*$/.exec(l))
      .find((m) => m?.[1] === key)?.[2];
  const logFile = value("log_file") || DEFAULT_AUDIT_LOG;
  const num = Number(value("num_logs") ?? DEFAULT_NUM_LOGS);
  const count = Number.isInteger(num) && num > 1 ? Math.min(num, 99) : 1;
  return [logFile, ...Array.from({ length: count - 1 }, (_, i) => `${logFile}.${i + 1}`)];
}

/** Where a symlink at `from` points: `target` as is when absolute, else relative to `from`'s directory. */
const linkTarget = (from: string, target: string): string =>
  normalisePath(target.startsWith("/") ? target : `${from.slice(0, from.lastIndexOf("/")) || "/"}/${target}`);

/**
 * A path with its directory's and its own symlinks followed (e.g. /bin/docker on a merged-/usr host → /usr/bin/docker).
 */
async function realPath(access: HostAccess, path: string): Promise<string> {
  const slash = path.lastIndexOf("/");
  let dir = path.slice(0, slash) || "/";
  const dirLink = await access.readlink(dir);
  if (dirLink) dir = linkTarget(dir, dirLink);
  let file = `${dir}/${path.slice(slash + 1)}`;
  for (let hops = 0; hops < 8; hops++) {
    const link = await access.readlink(file);
    if (!link) break;
    file = linkTarget(file, link);
  }
  return file;
}

/**
 * The `docker exec` runs in the host's audit log — only when the log can tell them all: every
 * docker CLI and standalone docker-compose in the usual bin directories is watched for
 * executions, and the log is readable. Otherwise a note says why, and 5.23/5.24 rest on the
 * engine's open exec sessions alone.
 */
async function readExecLog(
  access: HostAccess,
  watches: readonly AuditWatch[] | undefined,
  notes: string[],
): Promise<HostProbeResult["execLog"]> {
  const skip = (why: string) => void notes.push(`docker exec runs (5.23, 5.24) not read from the audit log: ${why}`);
  // Optional evidence: whatever goes wrong reading it is a note, never the end of the host's facts.
  try {
    if (!watches) return skip("no audit rules were read");
    // docker-compose (standalone) talks to the engine itself: its execs are in the log only if its runs are.
    const paths = EXEC_CLIS.flatMap((cli) => BIN_DIRS.map((d) => `${d}/${cli}`));
    const found = await Promise.all(
      paths.map(async (p) => ((await access.stat(p))?.type === "file" ? realPath(access, p) : undefined)),
    );
    const clis = [...new Set(found.filter((p): p is string => p !== undefined))];
    if (clis.length === 0) return skip(`no docker CLI in ${BIN_DIRS.join(", ")}`);
    const unwatched = clis.filter((cli) => !watches.some((w) => w.executions && w.path === cli));
    if (unwatched.length)
      return skip(
        `auditd does not record runs of ${unwatched.join(", ")} (add \`-w ` +
          `${unwatched[0]} -p x -k docker\` to the audit rules)`,
      );
    const logFiles = auditdLogFiles(await access.readFile(AUDITD_CONF));
    const files: string[] = [];
    let text = "";
    for (const file of logFiles) {
      if (text.length >= EXEC_LOG_MAX_BYTES) break;
      const part = await access.readFile(file);
      if (part === undefined) break;
      files.push(file);
      text = part.slice(-EXEC_LOG_MAX_BYTES + text.length) + "\n" + text;
    }
    if (files.length === 0) return skip(`no audit log at ${logFiles[0]} (auditd.conf log_file)`);
    const log = parseExecAuditLog(text);
    if (log.records === 0) return skip(`${files.join(", ")} holds no audit records`);
    notes.push(`docker exec runs read from ${files.join(", ")}: ${log.execs.length} run(s) since ${log.since}`);
    return { ...log, files };
  } catch (err) {
    return skip((err as Error).message.split("\n")[0]!);
  }
}

// ───────────────────────────── the probe ─────────────────────────────

/** Collect HostFacts (and the live daemon configuration) through `access`. */
export async function collectHost(input: HostProbeInput): Promise<HostProbeResult> {
  const { access } = input;
  const notes: string[] = [];

  const procs = await access.processes("dockerd");
  const cands = await Promise.all(procs.map((p) => readDaemon(access, p)));
  const { chosen, problem } = chooseDockerd(cands, input);
  if (problem) notes.push(`daemon configuration not read: ${problem}`);
  const dockerd = chosen?.proc;
  const daemon = chosen?.daemon;

  const [
    passwd,
    group,
    mountinfo,
    hostnameText,
    osRelease,
    apparmor,
    selinuxEnforce,
    limits,
    audit,
    locations,
    tcp4,
    tcp6,
  ] = await Promise.all([
    access.readFile("/etc/passwd"),
    access.readFile("/etc/group"),
    access.readFile("/proc/self/mountinfo"),
    access.readFile("/proc/sys/kernel/hostname").then(async (h) => h ?? (await access.readFile("/etc/hostname"))),
    access.readFile("/etc/os-release"),
    access.readFile("/sys/module/apparmor/parameters/enabled"),
    access.stat("/sys/fs/selinux/enforce"),
    dockerd ? access.readFile(`/proc/${dockerd.pid}/limits`) : Promise.resolve(undefined),
    readAuditRules(access, notes),
    resolveLocations(access, input, dockerd, daemon),
    dockerd ? access.readFile(`/proc/${dockerd.pid}/net/tcp`) : Promise.resolve(undefined),
    dockerd ? access.readFile(`/proc/${dockerd.pid}/net/tcp6`) : Promise.resolve(undefined),
  ]);

  const users = idNames(passwd);
  const groups = idNames(group);
  const files: Record<string, FileStat> = {};
  const stats = await Promise.all(locationPaths(locations).map(async (p) => [p, await access.stat(p)] as const));
  for (const [path, s] of stats) if (s) files[path] = fileStat(path, s, users, groups);

  const watches = audit ? parseAuditRuleWatches(audit.text, audit.source) : undefined;
  const nonRecursive = watches ? nonRecursiveAuditPaths(watches) : [];
  if (!mountinfo) notes.push("/proc/self/mountinfo not readable: 1.1.1 cannot see the data root's filesystem");

  const host: HostFacts = {
    kind: "host",
    hostname: hostnameText?.trim() || access.label,
    mounts: mountinfo ? parseMountInfo(mountinfo) : [],
    locations,
    ...(watches ? { auditWatches: [...new Set(watches.map((w) => w.path))] } : {}),
    ...(nonRecursive.length ? { auditNonRecursiveWatches: nonRecursive } : {}),
    files,
    dockerGroupMembers: group !== undefined ? parseGroupMembers(group, passwd ?? "", "docker") : [],
    ...(input.engine?.serverVersion ? { engineVersion: input.engine.serverVersion } : {}),
    ...(input.engine?.minApiVersion ? { engineMinApiVersion: input.engine.minApiVersion } : {}),
    ...(limits !== undefined ? { ulimitHardLimits: parseProcLimits(limits) } : {}),
    apparmorEnabled: apparmor?.trim().toUpperCase().startsWith("Y") ?? false,
    selinuxEnabled: selinuxEnforce !== undefined,
    ...(osRelease ? { os: parseOsRelease(osRelease) } : {}),
  };
  const listening =
    tcp4 === undefined && tcp6 === undefined
      ? undefined
      : [...parseListeningSockets(tcp4 ?? ""), ...parseListeningSockets(tcp6 ?? "")];
  const execLog = await readExecLog(access, watches, notes);
  return {
    host,
    ...(daemon ? { daemon } : {}),
    ...(dockerd ? { dockerd } : {}),
    ...(listening ? { listening } : {}),
    ...(execLog ? { execLog } : {}),
    notes,
  };
}

/** The port this manager takes swarm management on: its advertised address's, else 2377. */
export const swarmManagementPort = (swarm: Pick<SwarmFacts, "managementAddr">): number =>
  swarm.managementAddr ? splitListenAddr(swarm.managementAddr).port : SWARM_PORT;

/**
 * The swarm's management listen address, from the sockets dockerd listens on: the one on this
 * manager's management port (swarmManagementPort). A wildcard wins over a specific address (it
 * is what exposes the port). Undefined when no socket is on that port.
 */
export function swarmListenAddr(
  swarm: Pick<SwarmFacts, "managementAddr">,
  listening: readonly string[],
): string | undefined {
  const port = swarmManagementPort(swarm);
  const onPort = listening.filter((a) => splitListenAddr(a).port === port);
  return onPort.find((a) => isWildcardAddress(splitListenAddr(a).host)) ?? onPort[0];
}

function fileStat(path: string, s: RawStat, users: Map<number, string>, groups: Map<number, string>): FileStat {
  // An id without a name is reported as the number: it is still not "root".
  return {
    path,
    type: s.type,
    owner: users.get(s.uid) ?? String(s.uid),
    group: groups.get(s.gid) ?? String(s.gid),
    mode: s.mode,
  };
}

/** containerd's default root (where the containerd image store keeps images). */
export const DEFAULT_CONTAINERD_ROOT = "/var/lib/containerd";

/** The top-level `root = "…"` of a containerd config.toml (before any [table]), if set. */
export function containerdRootOf(toml: string): string | undefined {
  for (const line of toml.split("\n")) {
    if (/^\s*\[/.test(line)) return undefined; // tables start: top-level keys are over
    const m = /^\s*root\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:#.*)?$/.exec(line);
    if (m) return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
  }
  return undefined;
}
