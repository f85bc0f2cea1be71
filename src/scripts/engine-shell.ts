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
