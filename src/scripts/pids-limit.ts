/**
 * @pulumi/docker 5.2.0 cannot set a container's PIDs limit (CIS 5.29). HardenedContainer applies
 * it right after creation through the Engine's update endpoint, with this command. The text is
 * rendered here so the unit tests and the real-engine test run exactly what Pulumi runs.
 */
import { shellQuote } from "./quote";

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

/** `docker update --pids-limit` for one container; both values are validated, then quoted. */
export function renderPidsLimitCommand(containerId: string, pidsLimit: number): string {
  if (!CONTAINER_ID.test(containerId)) throw new Error(`pids-limit: container id must be 12–64 hex characters (got ${JSON.stringify(containerId)})`);
  if (!Number.isSafeInteger(pidsLimit) || pidsLimit < 1) throw new Error(`pids-limit: must be a positive integer (got ${JSON.stringify(pidsLimit)})`);
  return `docker update --pids-limit=${pidsLimit} -- ${shellQuote(containerId)} >/dev/null`;
}

/**
 * The DOCKER_* settings a shell may carry that would point `docker` at another engine. Unset for
 * the command run on the Docker host over SSH, so it reaches the host's own engine (its default
 * socket), whatever the SSH session's environment says.
 */
export const LOCAL_ENGINE_ENV = "env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH";

/** renderPidsLimitCommand for the Docker host itself (HardenedContainer with `hostConnection`). */
export function renderHostPidsLimitCommand(containerId: string, pidsLimit: number): string {
  return `${LOCAL_ENGINE_ENV} ${renderPidsLimitCommand(containerId, pidsLimit)}`;
}
