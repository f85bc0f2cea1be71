/**
 * The host script that applies a daemon.json (SecureDaemon). Rendered here, as text, so the unit
 * tests read it and the integration test runs exactly what Pulumi sends to the host.
 *
 * What the script does, in order:
 * 1. Refuses to run unless root; checks its tools.
 * 2. Checks every `default-ulimits` hard limit against the running dockerd's own hard limit
 *    (/proc/<pid>/limits): above it, containers fail to start (CIS 2.8). Nothing is changed then.
 * 3. Decodes the configuration (embedded as base64 in a quoted heredoc: no byte of it is ever
 *    shell syntax) into a temp file in the config's own directory, and checks its sha256.
 * 4. Compares it with the file in place, and staged TLS material (see ./daemon-tls.ts) with the
 *    live files. Nothing differs → no restart; it only checks that the engine answers.
 * 5. Otherwise: backs up the previous files, renames the new ones into place (atomic within a
 *    directory), enables live-restore on the running daemon by a reload first (so running
 *    containers survive the restart), runs `systemctl restart docker`, and waits for
 *    `docker info` to answer on the daemon's socket.
 *    With icc off, it warns when the default bridge still has icc on: a dockerd that live-restores
 *    running containers keeps its networks as they were (seen on dockerd 20.10).
 * 6. If the engine does not come back: restores the previous files, restarts again, prints the
 *    engine's error (journald, or a log file) and exits 1 (2 if even the old configuration fails).
 *
 * POSIX sh (runs under dash and bash). `systemctl` is looked up on PATH, so a test can put a
 * stand-in first; every host path is a rendered, validated and quoted value.
 */
import { createHash } from "crypto";
import { engineShellFunctions } from "./engine-shell";
import { assertHostPath, parentDir } from "./host-paths";
import { shellQuote } from "./quote";
import { messageFunctions, REQUIRE_ROOT } from "./shell-prelude";

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

/** The TLS files dockerd reads from the TLS directory, with their CIS modes (3.10, 3.12: ≤ 0444; 3.14: exactly 0400). */
export const TLS_FILES = [
  { file: "ca.pem", mode: "0444", key: "tlscacert" },
  { file: "server-cert.pem", mode: "0444", key: "tlscert" },
  { file: "server-key.pem", mode: "0400", key: "tlskey" },
] as const;

/** Suffix of TLS files written by the TLS step and committed by the apply step. */
export const STAGED_SUFFIX = ".hd-staged";

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
  /** Seconds to wait for the engine to answer after a restart. */
  timeoutSeconds: number;
  /** The new configuration enables live-restore: enable it on the running daemon before restarting. */
  liveRestore: boolean;
  /** The new configuration turns icc off: check that the default bridge really has it off. */
  iccOff: boolean;
  /** TLS directory when the daemon listens on TCP: staged material there is applied with the config. */
  tlsDir?: string;
  /** `default-ulimits` hard limits to check against dockerd's own. */
  ulimits: readonly { name: string; hard: number }[];
}

/** sha256 (hex) of a configuration text, as the script and the component's output compute it. */
export function configSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Base64 in lines of 76 characters (what `base64` prints; `base64 -d` reads it back). */
function base64Lines(text: string): string {
  return (Buffer.from(text, "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\n");
}

/** Heredoc delimiter: `-` is outside the base64 alphabet, so no line of the payload can equal it. */
const CONFIG_END = "HD-CONFIG-END";

/** Render the apply script. Validates every value it embeds; throws Error on a bad one. */
export function renderDaemonApplyScript(o: DaemonApplyOptions): string {
  const configFile = assertHostPath("configFile", o.configFile);
  const socket = assertHostPath("dockerSocket", o.dockerSocket);
  const pidFile = assertHostPath("pidFile", o.pidFile);
  const engineLog = o.engineLog === undefined ? "" : assertHostPath("engineLog", o.engineLog);
  const tlsDir = o.tlsDir === undefined ? undefined : assertHostPath("tlsDir", o.tlsDir);
  if (!Number.isSafeInteger(o.timeoutSeconds) || o.timeoutSeconds < 1 || o.timeoutSeconds > 3600)
    throw new Error(`timeoutSeconds = ${JSON.stringify(o.timeoutSeconds)}: must be an integer from 1 to 3600`);
  if (o.configText.includes("\0")) throw new Error("configText: must not contain NUL bytes");
  const limitChecks = o.ulimits.map(({ name, hard }) => {
    const label = PROC_LIMIT_LABELS[name];
    if (!label) throw new Error(`ulimits: unknown ulimit name ${JSON.stringify(name)}`);
    if (!Number.isSafeInteger(hard) || hard < 0) throw new Error(`ulimits.${name}: hard limit must be a non-negative integer`);
    return `check_limit ${shellQuote(label)} ${name} ${hard}`;
  });
  const tlsFileNames = TLS_FILES.map((f) => f.file).join(" ");

  return `#!/bin/sh
# hardened-docker SecureDaemon: apply daemon.json (rendered by src/scripts/daemon-apply.ts).
# Restarts dockerd only when the configuration changed; restores the previous one if dockerd
# does not come back.
set -eu
umask 077
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

config=${shellQuote(configFile)}
socket=${shellQuote(socket)}
pidfile=${shellQuote(pidFile)}
engine_log=${shellQuote(engineLog)}
timeout_s=${o.timeoutSeconds}
sha256=${configSha256(o.configText)}
live_restore=${o.liveRestore ? "true" : "false"}
icc_off=${o.iccOff ? "true" : "false"}
tls_dir=${shellQuote(tlsDir ?? "")}

${messageFunctions("hd-apply")}

${REQUIRE_ROOT}
for tool in docker systemctl base64 sha256sum cmp mktemp timeout awk; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool on the host: $tool"
done

# The engine on this host's socket (engine, engine_answers, wait_engine_up → engine_out).
${engineShellFunctions({ callTimeoutSeconds: 15, pollSeconds: 1 })}

# What dockerd logged since log_mark: the engine's own words for a failed start.
mark_time=0
mark_size=0
log_mark() {
  mark_time=$(date +%s)
  mark_size=0
  if [ -n "$engine_log" ] && [ -f "$engine_log" ]; then mark_size=$(wc -c <"$engine_log" | tr -d ' '); fi
}
log_since() {
  if [ -n "$engine_log" ]; then
    if [ -f "$engine_log" ]; then tail -c +"$((mark_size + 1))" "$engine_log" | tail -n 40; fi
  elif command -v journalctl >/dev/null 2>&1; then
    journalctl -u docker.service --since "@$mark_time" --no-pager -o cat 2>/dev/null | tail -n 40
  fi
  return 0
}

# A dockerd that live-restores running containers keeps its networks as they were (it skips the
# network configuration), so icc off in daemon.json does not reach docker0 while any container
# runs across the restart: say so, naming those on docker0.
check_bridge_icc() {
  [ "$icc_off" = true ] || return 0
  bridge_icc=$(engine network inspect bridge --format '{{index .Options "com.docker.network.bridge.enable_icc"}}' 2>/dev/null || true)
  [ "$bridge_icc" = true ] || return 0
  names=$(engine network inspect bridge --format '{{range .Containers}}{{.Name}} {{end}}' 2>/dev/null || true)
  warn "WARNING: icc is off in daemon.json, but the default bridge still lets containers talk to each other: dockerd keeps its networks as they were while it live-restores running containers (on docker0: \${names:-none}). Restart docker when no container runs (HardenedContainers never use docker0): the bridge is then rebuilt with icc off."
}

restart() {
  if ! out=$(systemctl restart docker 2>&1); then
    engine_out="systemctl restart docker failed: $out"
    return 1
  fi
  wait_engine_up
}

# ── 1. default-ulimits within dockerd's own hard limits (CIS 2.8) ──
dockerd_pid=$(cat "$pidfile" 2>/dev/null || true)
case $dockerd_pid in '' | *[!0-9]*) dockerd_pid= ;; esac
if [ -n "$dockerd_pid" ] && [ ! -r "/proc/$dockerd_pid/limits" ]; then dockerd_pid=; fi
check_limit() { # LABEL NAME HARD
  [ -n "$dockerd_pid" ] || return 0
  max=$(awk -v l="$1" 'index($0, l) == 1 { print substr($0, 48, 20) }' "/proc/$dockerd_pid/limits" | tr -d ' ')
  case $max in '' | unlimited) return 0 ;; esac
  [ "$3" -le "$max" ] || die "default-ulimits.$2: hard limit $3 is above dockerd's own hard limit $max (/proc/$dockerd_pid/limits); containers would fail to start. Lower it, or raise the limit of docker.service. Nothing was changed."
}
${limitChecks.length ? limitChecks.join("\n") : ":"}
[ -n "$dockerd_pid" ] || say "dockerd is not running: default-ulimits not checked against its hard limits"

# ── 2. the new configuration, next to the old one ──
config_dir=${shellQuote(parentDir(configFile))}
if [ ! -d "$config_dir" ]; then
  mkdir -p -- "$config_dir"
  chown 0:0 -- "$config_dir"
  chmod 0755 -- "$config_dir"
fi
new=$(mktemp "$config_dir/.daemon.json.hd-XXXXXX")
cleanup() { rm -f -- "$new"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
base64 -d >"$new" <<'${CONFIG_END}'
${base64Lines(o.configText)}
${CONFIG_END}
got=$(sha256sum <"$new")
got=\${got%% *}
[ "$got" = "$sha256" ] || die "the decoded configuration has sha256 $got, expected $sha256"
chown 0:0 -- "$new"
chmod 0644 -- "$new"

# ── 3. changed? ──
changed=
if [ -f "$config" ] && cmp -s -- "$new" "$config"; then :; else changed="$config"; fi
tls_new=
if [ -n "$tls_dir" ]; then
  for f in ${tlsFileNames}; do
    staged="$tls_dir/$f${STAGED_SUFFIX}"
    [ -f "$staged" ] || continue
    if [ -f "$tls_dir/$f" ] && cmp -s -- "$staged" "$tls_dir/$f"; then rm -f -- "$staged"; else tls_new="$tls_new $f"; fi
  done
  [ -z "$tls_new" ] || changed="\${changed:+$changed and }TLS material:$tls_new"
fi

if [ -z "$changed" ]; then
  rm -f -- "$new"
  if wait_engine_up; then
    say "unchanged: $config sha256=$sha256; dockerd not restarted"
    check_bridge_icc
    exit 0
  fi
  die "the configuration is unchanged, but the engine on unix://$socket does not answer: $engine_out"
fi
say "changed: $changed"

# ── 4. commit: back up, rename into place, restart ──
log_mark
had_config=
if [ -f "$config" ]; then
  cp -p -- "$config" "$config.hd-previous"
  had_config=1
fi
tls_absent=
for f in $tls_new; do
  if [ -f "$tls_dir/$f" ]; then cp -p -- "$tls_dir/$f" "$tls_dir/$f.hd-previous"; else tls_absent="$tls_absent $f"; fi
done
mv -f -- "$new" "$config"
for f in $tls_new; do mv -f -- "$tls_dir/$f${STAGED_SUFFIX}" "$tls_dir/$f"; done

# live-restore is reloadable: turning it on in the running daemon first keeps its containers
# running through the restart below.
if [ "$live_restore" = true ] && lr=$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null) && [ "$lr" = false ]; then
  if systemctl reload docker >/dev/null 2>&1; then
    i=0
    while [ "$i" -lt 10 ] && [ "$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null || true)" != true ]; do
      sleep 1
      i=$((i + 1))
    done
  fi
  [ "$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null || true)" = true ] ||
    warn "could not enable live-restore before the restart: running containers will stop"
fi

if restart; then
  rm -f -- "$config.hd-previous"
  for f in $tls_new; do rm -f -- "$tls_dir/$f.hd-previous"; done
  say "applied: $config sha256=$sha256; dockerd restarted"
  check_bridge_icc
  exit 0
fi

# ── 5. rollback ──
failure=$engine_out
cause=$(log_since)
warn "dockerd did not come back with the new configuration ($failure); restoring the previous one"
if [ -n "$had_config" ]; then mv -f -- "$config.hd-previous" "$config"; else rm -f -- "$config"; fi
for f in $tls_new; do
  case " $tls_absent " in
    *" $f "*) rm -f -- "$tls_dir/$f" ;;
    *) mv -f -- "$tls_dir/$f.hd-previous" "$tls_dir/$f" ;;
  esac
done
log_mark
if restart; then
  warn "the previous configuration is restored and the engine answers again"
  warn "the engine's error with the new configuration:"
  printf '%s\\n' "$cause" >&2
  exit 1
fi
warn "the previous configuration did not bring dockerd back either ($engine_out)"
warn "the engine's error with the new configuration:"
printf '%s\\n' "$cause" >&2
warn "and with the previous one:"
log_since >&2
exit 2
`;
}
