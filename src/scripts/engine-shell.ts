/**
 * Shell functions the host scripts share for talking to the local engine (daemon-apply,
 * data-root): `engine` runs the docker CLI against this host's socket whatever DOCKER_* the SSH
 * session carries, `engine_answers` asks once, `wait_engine_up` waits up to $timeout_s seconds
 * and leaves the last error in $engine_out. The scripts define $socket and $timeout_s. The shell
 * is in ./sh/lib/engine.sh and ./sh/lib/docker-service.sh.
 */
import { shLibrary } from "./sh-file";

export interface EngineShellOptions {
  /** Seconds one docker CLI call may take. */
  callTimeoutSeconds: number;
  /** Seconds between polls while waiting. */
  pollSeconds: number;
}

export function engineShellFunctions(o: EngineShellOptions): string {
  if (!Number.isSafeInteger(o.callTimeoutSeconds) || o.callTimeoutSeconds < 1)
    throw new Error(`engine shell: bad call timeout ${JSON.stringify(o.callTimeoutSeconds)}`);
  if (!Number.isFinite(o.pollSeconds) || o.pollSeconds <= 0 || o.pollSeconds > 60)
    throw new Error(`engine shell: bad poll interval ${JSON.stringify(o.pollSeconds)}`);
  return (
    `hd_engine_call_timeout=${o.callTimeoutSeconds}
hd_engine_poll=${o.pollSeconds}
` + shLibrary("engine")
  );
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
export const DOCKER_SERVICE_FUNCTIONS = shLibrary("docker-service");
