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
