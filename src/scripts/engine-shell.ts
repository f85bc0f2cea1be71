/**
 * Shell functions the host scripts share for talking to the local engine (daemon-apply,
 * data-root): `engine` runs the docker CLI against this host's socket whatever DOCKER_* the SSH
 * session carries, `engine_answers` asks once, `wait_engine_up` waits up to $timeout_s seconds
 * and leaves the last error in $engine_out. The scripts define $socket and $timeout_s.
 */
export interface EngineShellOptions {
  /** Seconds one docker CLI call may take. */
  callTimeoutSeconds: number;
  /** Seconds between polls while waiting. */
  pollSeconds: number;
}

export function engineShellFunctions(o: EngineShellOptions): string {
  return `engine() { timeout ${o.callTimeoutSeconds} env -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH DOCKER_HOST="unix://$socket" docker "$@"; }
engine_answers() { engine info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
engine_out=
wait_engine_up() {
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if engine_out=$(engine info --format '{{.ServerVersion}}' 2>&1); then return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep ${o.pollSeconds}
  done
}`;
}

/**
 * systemd's docker.service from a host script, every wait bounded by $timeout_s (the scripts
 * define it, and $pidfile): `bounded CMD…` runs CMD under `timeout --foreground -k 5` with fd 9
 * (the host lock, ./shell-prelude.ts) closed, so that a dockerd which systemctl (or a stand-in)
 * starts never holds the lock; `bounded_capture CMD…` does the same with the command's output
 * (stdout and stderr) left in $bounded_out — through a file, not a pipe, so that a process the
 * command leaves behind (a hung mount helper outlives the `timeout` that killed its parent) cannot
 * keep the script waiting for the end of its output; `docker_unit VERB` runs `systemctl VERB docker`
 * that way, leaving what went wrong in $engine_out; `dockerd_pid` prints the pid in $pidfile when
 * it is a live (non-zombie) process, else fails.
 */
export const DOCKER_SERVICE_FUNCTIONS = `bounded() { timeout --foreground -k 5 "$timeout_s" "$@" 9>&-; }
bounded_out=
bounded_capture() {
  bc_file=$(mktemp)
  bc_status=0
  bounded "$@" >"$bc_file" 2>&1 </dev/null || bc_status=$?
  bounded_out=$(cat "$bc_file")
  rm -f -- "$bc_file"
  return "$bc_status"
}
docker_unit() { # VERB: systemctl VERB docker, bounded; on failure $engine_out says what happened
  bounded_capture systemctl "$1" docker && return 0
  engine_out="systemctl $1 docker failed or did not finish within \${timeout_s}s\${bounded_out:+: $bounded_out}"
  return 1
}
dockerd_pid() {
  dp=$(cat "$pidfile" 2>/dev/null || true)
  case $dp in '' | *[!0-9]*) return 1 ;; esac
  [ -r "/proc/$dp/stat" ] || return 1
  dp_state=$(sed 's/.*) //' "/proc/$dp/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$dp_state" != Z ] || return 1
  printf '%s\\n' "$dp"
}`;
