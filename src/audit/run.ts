/**
 * The live audit: connect to each engine (concurrently), collect its facts (./collect-engine)
 * and, where the audit can reach the host's files (a local unix socket, or ssh://), the host's
 * (./collect-host); evaluate the catalog honouring exemption labels; and,
 * given stack exports, compare declared with live state (./drift). Returns a report object;
 * rendering and exit codes belong to the CLI (src/cli/audit.ts).
 *
 * Rules whose subject could not be collected (the host and daemon of a remote tcp engine) are
 * reported as `unknown` with the reason, never silently dropped or passed.
 */
import type { DaemonFacts, Facts, HostFacts, SubjectKind, SwarmFacts } from "../facts/types";
import type { VulnReport } from "../facts/vulns";
import { DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";
import { catalogFor } from "../rules/catalog";
import { withLoggedExecs, type LoggedDockerExec } from "../adapters/exec-audit-log";
import { evaluate, type Finding } from "../rules/evaluate";
import { isRootUser } from "../rules/predicates";
import { DEFAULT_SETTINGS, type AnyRule, type RuleContext, type RuleSettings } from "../rules/types";
import { collectEngine, DEFAULT_CONCURRENCY, type EngineSnapshot } from "./collect-engine";
import { collectHost, swarmListenAddr, swarmManagementPort } from "./collect-host";
import {
  AuditConnectionError,
  classifyError,
  connect,
  defaultHost,
  parseTarget,
  type ConnectOptions,
  type ConnectionProblem,
  type EngineConnection,
  type EngineTarget,
  type TargetKind,
} from "./connect";
import { computeDrift, parseStackExport, type DeclaredState, type DriftReport, type LiveHost } from "./drift";
import { LocalHostAccess, SshHostAccess, type HostAccess } from "./host-access";

export type AuditStatus = Finding["status"] | "unknown";

/** A catalog finding on one audited host (`unknown`: the subject could not be collected). */
export interface AuditFinding extends Omit<Finding, "status"> {
  status: AuditStatus;
  /** The audited host (target label) it belongs to. */
  target: string;
}

export interface HostAudit {
  /** The address audited (unix:///…, tcp://h:p, ssh://u@h). */
  target: string;
  kind: TargetKind;
  /** Set when the engine could not be audited at all. */
  error?: { problem: ConnectionProblem; message: string };
  engine?: { serverVersion: string; apiVersion?: string; operatingSystem?: string; kernelVersion?: string };
  counts?: { containers: number; running: number; networks: number; images: number };
  /** How host facts were read: `local`, `local root DIR`, an ssh label, or `none`. */
  hostProbe: string;
  /** The dockerd whose configuration was read, when one was. */
  dockerd?: { pid: number; configFile?: string; argv: string[] };
  findings: AuditFinding[];
  /** What was not collected, and why (one line each). */
  notes: string[];
  durationMs: number;
}

export interface AuditReport {
  tool: { name: string; version: string };
  /** The benchmark version judged (absent: the default). */
  benchmark?: Benchmark;
  startedAt: string;
  durationMs: number;
  hosts: HostAudit[];
  drift?: DriftReport;
}

export interface AuditProgress {
  target: string;
  done: number;
  total: number;
}

export interface AuditOptions {
  /** Addresses to audit (default: DOCKER_HOST, else the default socket). */
  hosts?: string[];
  connect?: ConnectOptions;
  /** Engine requests in flight per host (default 16). */
  concurrency?: number;
  settings?: Partial<RuleSettings>;
  /**
   * Host probes: `auto` (local for a unix socket, over SSH for ssh://, none otherwise), `none`, or `{ root }` to read a
   * local tree under `root` (tests).
   */
  hostProbe?: "auto" | "none" | { root: string };
  /** Stack exports for drift: their text or parsed JSON, with a name for reports. */
  expect?: { source: string; json: unknown }[];
  now?: Date;
  /**
   * Vulnerability scanners' reports (parseVulnReport in src/adapters/vuln-report.ts): CIS 4.4 judges
   * each image one covers (matched by image id or repo digest) by its critical/high findings.
   */
  vulnReports?: readonly VulnReport[];
  /** The CIS Docker Benchmark version judged and reported (default cis-1.6.0). */
  benchmark?: Benchmark;
  /** Rules to judge (default: the benchmark's). */
  rules?: readonly AnyRule[];
  onProgress?: (p: AuditProgress) => void;
  env?: NodeJS.ProcessEnv;
}

export const TOOL = { name: "hardened-docker", version: "0.1.0" };

function hostAccessFor(
  target: EngineTarget,
  conn: EngineConnection,
  mode: AuditOptions["hostProbe"],
): HostAccess | string {
  if (mode === "none") return "host probes disabled (--no-host-probe)";
  if (typeof mode === "object") return new LocalHostAccess(mode.root);
  // A unix socket is on this machine. A loopback tcp address may be a tunnel to another host: not probed.
  if (target.kind === "unix") return new LocalHostAccess("/");
  if (target.kind === "ssh" && conn.ssh) return new SshHostAccess(conn.ssh);
  return `host facts are not readable over ${target.kind}:// (audit on the host itself, or use ssh://)`;
}

/** Findings `unknown` for every rule on a subject kind that could not be collected. */
function unknownFindings(rules: readonly AnyRule[], kind: SubjectKind, why: string, target: string): AuditFinding[] {
  return rules
    .filter((r) => r.subject === kind)
    .map((r) => ({
      ruleId: r.id,
      title: r.title,
      section: r.section,
      level: r.level,
      automated: r.automated,
      subject: kind,
      subjectId: kind,
      subjectName: kind,
      status: "unknown" as const,
      verdict: { status: "manual" as const, guidance: why },
      target,
    }));
}

interface HostResult {
  audit: HostAudit;
  live?: LiveHost;
}

/** auditd's "unset" login uid (a process not started from a login, e.g. a service). */
const UNSET_AUID = 4294967295;

/**
 * A note of the privileged or root runs among the logged exec runs into no container the engine
 * has now (`withLoggedExecs`' unplaced: removed since, or on another engine): 5.23/5.24 judge
 * containers, so without it such a run — a privileged exec, then the container removed — would
 * leave no trace in the report.
 */
export function execsIntoNoContainer(unplaced: readonly LoggedDockerExec[]): string | undefined {
  const gone = unplaced.filter((x) => x.event.privileged || isRootUser(x.event.user));
  if (gone.length === 0) return undefined;
  const shown = gone.slice(0, 5).map((x) => {
    const into =
      x.container ??
      `compose service ${x.compose!.service}${x.compose!.project ? ` (project ${x.compose!.project})` : ""}`;
    const how = [x.event.privileged ? "--privileged" : "", x.event.user !== undefined ? `--user ${x.event.user}` : ""]
      .filter(Boolean)
      .join(" ");
    const who =
      x.auid !== undefined && x.auid !== UNSET_AUID
        ? ` by login uid ${x.auid}`
        : x.uid !== undefined
          ? ` by uid ${x.uid}`
          : "";
    return `${into}: ${how} \`${x.event.command}\` at ${x.event.at}${who}`;
  });
  const more = gone.length > shown.length ? `; and ${gone.length - shown.length} more` : "";
  return (
    `docker exec runs (5.23, 5.24) into containers the engine no longer has (removed since, ` +
    `or on another engine): ${gone.length} privileged or as root — ${shown.join("; ")}${more}`
  );
}

async function auditHost(address: string, o: AuditOptions, rules: readonly AnyRule[]): Promise<HostResult> {
  const started = Date.now();
  const notes: string[] = [];
  const target = parseTarget(address, o.connect);
  const failed = (err: AuditConnectionError): HostResult => ({
    audit: {
      target: target.label,
      kind: target.kind,
      error: { problem: err.problem, message: err.message },
      hostProbe: "none",
      findings: [],
      notes,
      durationMs: Date.now() - started,
    },
  });

  let conn: EngineConnection;
  try {
    conn = await connect(target, o.connect);
  } catch (err) {
    return failed(classifyError(target, err));
  }
  try {
    let snap: EngineSnapshot;
    try {
      await conn.docker.ping();
      snap = await collectEngine(conn.docker, {
        concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
        onProgress: (done, total) => o.onProgress?.({ target: target.label, done, total }),
      });
    } catch (err) {
      return failed(
        conn.ssh?.dialFailure
          ? new AuditConnectionError(target.label, "ssh", conn.ssh.dialFailure)
          : classifyError(target, err),
      );
    }
    notes.push(...snap.notes);

    let host: HostFacts | undefined;
    let daemon: DaemonFacts | undefined;
    let dockerd: HostAudit["dockerd"];
    let listening: string[] | undefined;
    const access = hostAccessFor(target, conn, o.hostProbe ?? "auto");
    if (typeof access === "string") notes.push(access);
    else {
      try {
        const probe = await collectHost({
          access,
          engine: {
            dataRoot: snap.engine.dataRoot,
            serverVersion: snap.engine.serverVersion,
            ...(snap.engine.minApiVersion ? { minApiVersion: snap.engine.minApiVersion } : {}),
            imageStore: snap.engine.imageStore,
          },
          ...(target.kind === "unix" ? { socketPath: target.socketPath } : {}),
        });
        host = probe.host;
        daemon = probe.daemon;
        notes.push(...probe.notes);
        listening = probe.listening;
        if (probe.execLog) {
          const { containers, unplaced } = withLoggedExecs(snap.containers, probe.execLog);
          snap.containers = containers;
          const gone = execsIntoNoContainer(unplaced);
          if (gone) notes.push(gone);
        }
        if (probe.dockerd)
          dockerd = {
            pid: probe.dockerd.pid,
            argv: probe.dockerd.argv,
            ...(daemon?.source.configFile ? { configFile: daemon.source.configFile } : {}),
          };
      } catch (err) {
        notes.push(`host probes failed (${access.label}): ${(err as Error).message.split("\n")[0]}`);
      }
    }

    const settings: RuleSettings = {
      ...DEFAULT_SETTINGS,
      ...(host?.locations.dockerSocket
        ? { dockerSocketPath: host.locations.dockerSocket }
        : target.kind === "unix"
          ? { dockerSocketPath: target.socketPath! }
          : {}),
      ...o.settings,
    };
    // The Engine API does not say where swarm management listens (7.2); dockerd's sockets do.
    const managementAddr = snap.swarm.active && listening ? swarmListenAddr(snap.swarm, listening) : undefined;
    const swarm: SwarmFacts = managementAddr ? { ...snap.swarm, listenAddr: managementAddr } : snap.swarm;
    const ctx: RuleContext = {
      settings,
      ...(daemon ? { daemon } : {}),
      // Without host probes, the engine says which LSMs it uses.
      host: host ?? { apparmorEnabled: snap.engine.security.apparmor, selinuxEnabled: snap.engine.security.selinux },
      swarm,
      ...(o.vulnReports?.length ? { vulnReports: o.vulnReports } : {}),
      now: o.now ?? new Date(),
    };
    const subjects: Facts[] = [
      ...(host ? [host] : []),
      ...(daemon ? [daemon] : []),
      swarm,
      ...snap.networks,
      ...snap.images,
      snap.inventory,
      ...snap.containers,
    ];
    let findings: AuditFinding[] = evaluate(subjects, ctx, rules).map((f) => ({ ...f, target: target.label }));
    if (swarm.active && swarm.listenAddr === undefined) {
      // Not a failure: the address could not be seen.
      const why = listening
        ? `no socket of dockerd listens on the swarm management port ${swarmManagementPort(swarm)}`
        : "the swarm management listen address is read from dockerd's sockets " +
          "on the host (/proc/PID/net/tcp), which were not read";
      findings = findings.flatMap((f) =>
        f.ruleId === "7.2"
          ? unknownFindings(
              rules.filter((r) => r.id === "7.2"),
              "swarm",
              why,
              target.label,
            )
          : [f],
      );
    }
    if (!host)
      findings.unshift(
        ...unknownFindings(
          rules,
          "host",
          `host facts not collected: ${notes.find((n) => n.startsWith("host")) ?? "see notes"}`,
          target.label,
        ),
      );
    if (!daemon) {
      const why =
        notes.find((n) => n.startsWith("daemon configuration")) ??
        (typeof access === "string" ? access : "the daemon configuration was not read");
      findings.unshift(...unknownFindings(rules, "daemon", why, target.label));
    }

    return {
      audit: {
        target: target.label,
        kind: target.kind,
        engine: {
          serverVersion: snap.engine.serverVersion,
          ...(snap.engine.apiVersion ? { apiVersion: snap.engine.apiVersion } : {}),
          ...(snap.engine.minApiVersion ? { minApiVersion: snap.engine.minApiVersion } : {}),
          ...(snap.engine.operatingSystem ? { operatingSystem: snap.engine.operatingSystem } : {}),
          ...(snap.engine.kernelVersion ? { kernelVersion: snap.engine.kernelVersion } : {}),
        },
        counts: {
          containers: snap.containers.length,
          running: snap.inventory.runningContainers,
          networks: snap.networks.length,
          images: snap.images.length,
        },
        hostProbe: typeof access === "string" ? "none" : access.label,
        ...(dockerd ? { dockerd } : {}),
        findings,
        notes,
        durationMs: Date.now() - started,
      },
      live: {
        label: target.label,
        ...(target.host ? { hostName: target.host } : {}),
        containers: snap.containers,
        networks: snap.networks,
        ...(daemon ? { daemon } : {}),
        ctx,
      },
    };
  } finally {
    conn.close();
  }
}

/** Parse the stack exports first: a bad one is a usage error before any engine is contacted. */
export function readStacks(expect: NonNullable<AuditOptions["expect"]>): DeclaredState[] {
  return expect.map((e) => parseStackExport(e.json, e.source));
}

/** Run the audit on every host concurrently; one report. Address and stack-export problems throw (usage errors). */
export async function runAudit(o: AuditOptions = {}): Promise<AuditReport> {
  const started = new Date();
  const benchmark = o.benchmark ?? DEFAULT_BENCHMARK;
  const rules = o.rules ?? catalogFor(benchmark);
  const addresses = o.hosts && o.hosts.length > 0 ? o.hosts : [defaultHost(o.env ?? o.connect?.env)];
  for (const a of addresses) parseTarget(a, o.connect); // fail fast on a malformed address
  const stacks = o.expect ? readStacks(o.expect) : undefined;

  const results = await Promise.all(addresses.map((a) => auditHost(a, o, rules)));
  const report: AuditReport = {
    tool: TOOL,
    benchmark,
    startedAt: started.toISOString(),
    durationMs: 0,
    hosts: results.map((r) => r.audit),
  };
  if (stacks)
    report.drift = computeDrift(
      stacks,
      results.flatMap((r) => (r.live ? [r.live] : [])),
      rules,
    );
  report.durationMs = Date.now() - started.getTime();
  return report;
}
