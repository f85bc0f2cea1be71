/**
 * The host script that applies a daemon.json (SecureDaemon). Rendered here, as text, so the unit
 * tests read it and the integration tests run exactly what Pulumi sends to the host: a header of
 * validated, quoted inputs and shared functions, then the body ./sh/daemon-apply.sh.
 *
 * What the script does, in order:
 * 1. Refuses to run unless root; takes the host lock (flock, ./shell-prelude.ts: one
 *    hardened-docker command changes a host at a time; a second waits `lockWaitSeconds`, then
 *    fails saying so, having changed nothing); checks its tools.
 * 2. Checks every `default-ulimits` hard limit against the running dockerd's own hard limit
 *    (/proc/<pid>/limits): above it, containers fail to start (CIS 2.8). Such a configuration is
 *    refused once the journal is read (an interrupted apply of it is rolled back, not completed);
 *    nothing else is changed.
 * 3. Decodes the configuration (embedded as base64 in a quoted heredoc: no byte of it is ever
 *    shell syntax) to `<config>.hd-new` in the config's own directory, and checks its sha256.
 * 4. Reads the journal (`stateFile`). An apply that did not finish (the script was killed: a
 *    cancelled deploy, a lost SSH session, a reboot) is completed when it is this configuration
 *    and got as far as `restarting` (restart and verify; rolled back if that fails), and rolled
 *    back first otherwise (previous files restored, the engine restarted when it may have seen
 *    the new ones); one that was verified only has its backups dropped.
 * 5. Compares the configuration with the file in place, and staged TLS material (see
 *    ./daemon-tls.ts) with the live files. Nothing differs → no restart; it only checks that the
 *    engine answers.
 * 6. Otherwise a journaled commit; each phase is written to the journal (atomically, fsync'd)
 *    before the step that follows it: `staged` (the plan: sha256, which files, whether dockerd
 *    runs and its pid) → copies of the previous files, synced → `previous-saved` → `restarting`
 *    → the new files renamed into place (atomic within a directory) → live-restore enabled in the
 *    running daemon by a reload (so running containers survive the restart) → `systemctl restart
 *    docker` → verified: the engine answers on its socket, as another dockerd process than before
 *    (a restart really happened), and daemon.json on disk is still ours → `verified` → backups
 *    dropped → `done`. If another writer replaced daemon.json during the restart, the apply is
 *    not reported as applied: exit 1 names the file's sha256 and says that dockerd runs with it
 *    (journal `replaced`). With icc off, it warns when the default bridge still has icc on: a
 *    dockerd that live-restores running containers keeps its networks as they were.
 * 7. If the engine does not come back: `rolling-back` → stop dockerd (a stop also replaces a
 *    start job that hangs) → the previous files restored → start → `rolled-back`; prints the
 *    engine's error (journald, or a log file) and exits 1. A rollback that cannot finish exits 2,
 *    saying what daemon.json and dockerd are now and the command that recovers the host.
 *
 * Every wait is bounded: each `systemctl restart|reload|stop|start` runs under
 * `timeout --foreground -k 5 <timeoutSeconds>`, with the lock's fd closed so that a dockerd it
 * starts never holds the lock; the engine is waited for at most `timeoutSeconds` after each.
 *
 * POSIX sh (runs under dash and bash). `systemctl` is looked up on PATH, so a test can put a
 * stand-in first; every host path is a rendered, validated and quoted value. With
 * `failureInjection` (tests only; SecureDaemon never sets it) the script stops at the step
 * boundary named by HD_STOP_AT (DAEMON_APPLY_STEPS), touching HD_STOP_SIGNAL, so that a test can
 * SIGKILL its process group there.
 */
import { createHash } from "crypto";
import { DOCKER_SERVICE_FUNCTIONS, engineShellFunctions } from "./engine-shell";
import { assertHostPath, parentDir } from "./host-paths";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import {
  DEFAULT_STATE_DIR,
  DURABLE_FILE_FUNCTIONS,
  hostLockFile,
  hostLockFor,
  messageFunctions,
  REQUIRE_ROOT,
  stepBoundaries,
} from "./shell-prelude";

/** The labels of /proc/<pid>/limits for Docker's ulimit names (go-units). */
export const PROC_LIMIT_LABELS: Readonly<Record<string, string>> = {
  core: "Max core file size",
  cpu: "Max cpu time",
  data: "Max data size",
  fsize: "Max file size",
  locks: "Max file locks",
  memlock: "Max locked memory",
  msgqueue: "Max msgqueue size",
  nice: "Max nice priority",
  nofile: "Max open files",
  nproc: "Max processes",
  rss: "Max resident set",
  rtprio: "Max realtime priority",
  rttime: "Max realtime timeout",
  sigpending: "Max pending signals",
  stack: "Max stack size",
};

/**
 * The TLS files dockerd reads from the TLS directory, with their CIS modes (3.10, 3.12: ≤ 0444;
 * 3.14: exactly 0400).
 */
export const TLS_FILES = [
  { file: "ca.pem", mode: "0444", key: "tlscacert" },
  { file: "server-cert.pem", mode: "0444", key: "tlscert" },
  { file: "server-key.pem", mode: "0400", key: "tlskey" },
] as const;

/** Suffix of TLS files written by the TLS step and committed by the apply step. */
export const STAGED_SUFFIX = ".hd-staged";

/** Name of the apply's journal in the state directory. */
export const DAEMON_APPLY_STATE_NAME = "daemon-apply.state";

/** The apply's journal in a state directory. */
export function daemonApplyStateFile(stateDir: string = DEFAULT_STATE_DIR): string {
  return `${stateDir}/${DAEMON_APPLY_STATE_NAME}`;
}

/**
 * Every step boundary of an apply, in order: the journal phases (recorded durably before the host
 * changes further) and the sub-steps between them (`installed`: the new files renamed into place;
 * `reloaded`: live-restore on in the running daemon, when it needed a reload; `restarted`:
 * `systemctl restart` returned). A test can stop the script at any of them (HD_STOP_AT).
 */
export const DAEMON_APPLY_STEPS = [
  "staged",
  "previous-saved",
  "restarting",
  "installed",
  "reloaded",
  "restarted",
  "verified",
  "done",
] as const;
/**
 * The step boundaries of a rollback, in order (`engine-stopped` and `restored` only when the new
 * files went into place).
 */
export const DAEMON_ROLLBACK_STEPS = ["rolling-back", "engine-stopped", "restored", "rolled-back"] as const;
export type DaemonApplyStep = (typeof DAEMON_APPLY_STEPS)[number] | (typeof DAEMON_ROLLBACK_STEPS)[number] | "replaced";

export interface DaemonApplyOptions {
  /** daemon.json content, byte for byte. */
  configText: string;
  /** Where dockerd reads it (default layout: /etc/docker/daemon.json). */
  configFile: string;
  /** dockerd's unix socket; the script waits for `docker info` there. */
  dockerSocket: string;
  /** dockerd's pid file (for its hard limits). */
  pidFile: string;
  /** A file dockerd logs to; undefined = read journald (`journalctl -u docker.service`). */
  engineLog?: string;
  /** Seconds each systemctl call may take, and to wait for the engine to answer after one. */
  timeoutSeconds: number;
  /** The new configuration enables live-restore: enable it on the running daemon before restarting. */
  liveRestore: boolean;
  /** The new configuration turns icc off: check that the default bridge really has it off. */
  iccOff: boolean;
  /** TLS directory when the daemon listens on TCP: staged material there is applied with the config. */
  tlsDir?: string;
  /** `default-ulimits` hard limits to check against dockerd's own. */
  ulimits: readonly { name: string; hard: number }[];
  /** The apply's journal (default: daemon-apply.state in /var/lib/hardened-docker). */
  stateFile?: string;
  /** The host lock every component command takes (default: host.lock beside the journal). */
  lockFile?: string;
  /** Seconds to wait for the host lock before failing (default 600). */
  lockWaitSeconds?: number;
  /** TESTS ONLY: honour HD_STOP_AT (stop at a step boundary to be killed there). SecureDaemon never sets it. */
  failureInjection?: boolean;
}

/** sha256 (hex) of a configuration text, as the script and the component's output compute it. */
export function configSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Base64 in lines of 76 characters (what `base64` prints; `base64 -d` reads it back). */
function base64Lines(text: string): string {
  return (
    Buffer.from(text, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\n");
}

/** Heredoc delimiter: `-` is outside the base64 alphabet, so no line of the payload can equal it. */
const CONFIG_END = "HD-CONFIG-END";

/** Render the apply script. Validates every value it embeds; throws Error on a bad one. */
export function renderDaemonApplyScript(o: DaemonApplyOptions): string {
  const configFile = assertHostPath("configFile", o.configFile);
  const socket = assertHostPath("dockerSocket", o.dockerSocket);
  const pidFile = assertHostPath("pidFile", o.pidFile);
  const engineLog = o.engineLog === undefined ? "" : assertHostPath("engineLog", o.engineLog);
  const tlsDir = o.tlsDir === undefined ? "" : assertHostPath("tlsDir", o.tlsDir);
  const stateFile = assertHostPath("stateFile", o.stateFile ?? daemonApplyStateFile());
  const lock = hostLockFor(o, hostLockFile(parentDir(stateFile)));
  if (!Number.isSafeInteger(o.timeoutSeconds) || o.timeoutSeconds < 1 || o.timeoutSeconds > 3600)
    throw new Error(`timeoutSeconds = ${JSON.stringify(o.timeoutSeconds)}: must be an integer from 1 to 3600`);
  if (o.configText.includes("\0")) throw new Error("configText: must not contain NUL bytes");
  const limitChecks = o.ulimits.map(({ name, hard }) => {
    const label = PROC_LIMIT_LABELS[name];
    if (!label) throw new Error(`ulimits: unknown ulimit name ${JSON.stringify(name)}`);
    if (!Number.isSafeInteger(hard) || hard < 0)
      throw new Error(`ulimits.${name}: hard limit must be a non-negative integer`);
    return `  check_limit ${shellQuote(label)} ${name} ${hard}`;
  });
  const q = shellQuote;

  return `#!/bin/sh
# hardened-docker SecureDaemon: apply daemon.json (rendered by src/scripts/daemon-apply.ts, see
# there for every step): these inputs, then the shared functions, then the body
# src/scripts/sh/daemon-apply.sh. Restarts dockerd only when the configuration changed; restores
# the previous one if dockerd does not come back; resumes an apply that was interrupted.
set -eu
umask 077
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

config=${q(configFile)}
config_dir=${q(parentDir(configFile))}
socket=${q(socket)}
pidfile=${q(pidFile)}
engine_log=${q(engineLog)}
timeout_s=${o.timeoutSeconds}
sha256=${configSha256(o.configText)}
live_restore=${o.liveRestore ? "true" : "false"}
icc_off=${o.iccOff ? "true" : "false"}
tls_dir=${q(tlsDir)}
tls_files=${q(TLS_FILES.map((f) => f.file).join(" "))}
staged_suffix=${STAGED_SUFFIX}
state_file=${q(stateFile)}

# default-ulimits hard limits, each against dockerd's own (check_limit is in the body).
check_ulimits() {
${limitChecks.length ? limitChecks.join("\n") : "  :"}
}
# The configuration, byte for byte (base64: no byte of it is shell syntax).
write_config() {
  base64 -d <<'${CONFIG_END}'
${base64Lines(o.configText)}
${CONFIG_END}
}

${messageFunctions("hd-apply")}
${DURABLE_FILE_FUNCTIONS}
${stepBoundaries(o.failureInjection)}
# The engine on this host's socket (engine, engine_answers, wait_engine_up → engine_out).
${engineShellFunctions({ callTimeoutSeconds: 15, pollSeconds: 1 })}
${DOCKER_SERVICE_FUNCTIONS}
${REQUIRE_ROOT}
${lock}

${shFile("daemon-apply.sh")}`;
}
