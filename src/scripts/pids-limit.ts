/**
 * @pulumi/docker 5.2.0 cannot set a container's PIDs limit (CIS 5.29). HardenedContainer applies
 * it right after creation through the Engine's update endpoint, with this command. The text is
 * rendered here so the unit tests and the real-engine test run exactly what Pulumi runs.
 */
import { assertHostPath } from "./host-paths";
import { shellQuote } from "./quote";
import { DEFAULT_LOCK_WAIT_SECONDS, DEFAULT_STATE_DIR, hostLockFile } from "./shell-prelude";

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

/** `update --pids-limit=N -- 'id'`: both values validated, then quoted. */
function updateArgs(containerId: string, pidsLimit: number): string {
  if (!CONTAINER_ID.test(containerId)) throw new Error(`pids-limit: container id must be 12–64 hex characters (got ${JSON.stringify(containerId)})`);
  if (!Number.isSafeInteger(pidsLimit) || pidsLimit < 1) throw new Error(`pids-limit: must be a positive integer (got ${JSON.stringify(pidsLimit)})`);
  return `update --pids-limit=${pidsLimit} -- ${shellQuote(containerId)} >/dev/null`;
}

/** `docker update --pids-limit` for one container, on the engine the deploying environment's docker reaches. */
export function renderPidsLimitCommand(containerId: string, pidsLimit: number): string {
  return `docker ${updateArgs(containerId, pidsLimit)}`;
}

/**
 * The DOCKER_* settings a shell may carry that would point `docker` at another engine, unset for
 * the command run on the Docker host over SSH; `--context default` then also overrides a current
 * context in the user's docker config. It reaches the host's own engine (its default socket),
 * whatever the SSH session's environment and the user's config say.
 */
export const LOCAL_ENGINE_ENV = "env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH";

/**
 * The PIDs-limit command for the Docker host itself (HardenedContainer with `hostConnection`). Where
 * the host has hardened-docker's lock (HardenedHost and SecureDaemon take it for every change), it
 * waits for it, so that it never runs while the data root moves or dockerd restarts: flock needs
 * only read access, so an SSH user who is not root can wait on it too.
 */
export function renderHostPidsLimitCommand(containerId: string, pidsLimit: number, lockFile = hostLockFile(DEFAULT_STATE_DIR)): string {
  const lock = shellQuote(assertHostPath("lockFile", lockFile));
  const update = `${LOCAL_ENGINE_ENV} docker --context default ${updateArgs(containerId, pidsLimit)}`;
  return `if [ -r ${lock} ] && command -v flock >/dev/null 2>&1; then flock -s -w ${DEFAULT_LOCK_WAIT_SECONDS} ${lock} ${update}; else ${update}; fi`;
}
