/**
 * A stand-in for `systemctl` (there is no systemd on the test machines): a script, put first on
 * PATH, that is docker.service for one test engine started by scripts/test-engine.sh.
 *
 * - `start`: nothing when dockerd runs; else dockerd is started in the engine's network namespace
 *   with the unit's argv (one argument a line in `unitArgvFile`), and the call returns when the
 *   API answers on the engine's socket (0), when dockerd exits (1), or after 90 s (1). A dockerd
 *   that never answers there (its API on another socket) makes `start` block, as a start job of
 *   systemd's would.
 * - `stop`: SIGTERM to dockerd (pid file, else the pid it was started with), SIGKILL after 60 s.
 * - `restart`: stop, then start. `reload`: SIGHUP. `daemon-reload` and docker.socket: nothing.
 * Each call appends its verb to `callsFile`. Hooks for tests, files in `hooksDir` (optional):
 * `replace-on-start` is moved over `configFile` before dockerd starts (another writer replacing
 * daemon.json during a restart); `start-delay` holds a number of seconds to wait before starting.
 */
import { shellQuote } from "../../src/scripts/quote";

export interface StandInOptions {
  /** test-engine.sh's DIR: docker.pid, docker.sock, dockerd.log are there. */
  engineDir: string;
  /** The engine's network namespace (HD_TEST_NETNS). */
  netns: string;
  /** dockerd's argv, one argument a line. */
  unitArgvFile: string;
  /** Where each call's verb is appended. */
  callsFile: string;
  /** daemon.json of the unit (for the replace-on-start hook). */
  configFile?: string;
  /** Directory of the hook files. */
  hooksDir?: string;
}

export function standInSystemctl(o: StandInOptions): string {
  const q = shellQuote;
  return `#!/bin/sh
# Stand-in for systemctl (test only): docker.service of the test engine in ${o.engineDir}.
set -u
E=${q(o.engineDir)}
NETNS=${q(o.netns)}
HOOKS=${q(o.hooksDir ?? "")}
CONFIG=${q(o.configFile ?? "")}
alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
dockerd_pid() {
  p=$(cat "$E/docker.pid" 2>/dev/null || true)
  alive "$p" || p=$(cat "$E/dockerd.launcher.pid" 2>/dev/null || true)
  alive "$p" && echo "$p"
}
# daemon-reload, and docker.socket (socket activation is not stood in): nothing to do.
case "$*" in daemon-reload | "stop docker.socket" | "start docker.socket") echo "$*" >>${q(o.callsFile)}; exit 0 ;; esac
case \${2:-} in docker | docker.service) ;; *) echo "systemctl stand-in: unknown unit \${2:-}" >&2; exit 5 ;; esac
echo "$1" >>${q(o.callsFile)}

stop() {
  pid=$(dockerd_pid) || return 0
  kill -TERM "$pid"
  i=0
  while alive "$pid"; do
    i=$((i + 1)); [ "$i" -eq 600 ] && kill -KILL "$pid"
    sleep 0.1
  done
}
start() {
  dockerd_pid >/dev/null && return 0
  if [ -n "$HOOKS" ] && [ -f "$HOOKS/start-delay" ]; then sleep "$(cat "$HOOKS/start-delay")"; fi
  if [ -n "$HOOKS" ] && [ -f "$HOOKS/replace-on-start" ]; then mv -f "$HOOKS/replace-on-start" "$CONFIG"; fi
  set --
  while IFS= read -r a; do set -- "$@" "$a"; done <${q(o.unitArgvFile)}
  nsenter --net="/var/run/netns/$NETNS" setsid "$@" >>"$E/dockerd.log" 2>&1 </dev/null &
  new=$!
  echo "$new" >"$E/dockerd.launcher.pid"
  i=0
  while [ "$i" -lt 900 ]; do
    DOCKER_HOST="unix://$E/docker.sock" docker info --format '{{.ID}}' >/dev/null 2>&1 && return 0
    alive "$new" || { echo "docker.service: dockerd exited, see $E/dockerd.log" >&2; return 1; }
    sleep 0.1
    i=$((i + 1))
  done
  echo "docker.service: start timed out" >&2
  return 1
}

case $1 in
  reload) pid=$(dockerd_pid) && kill -HUP "$pid" ;;
  stop) stop ;;
  start) start ;;
  restart) stop && start ;;
  *) echo "systemctl stand-in: unsupported: $*" >&2; exit 1 ;;
esac
`;
}
