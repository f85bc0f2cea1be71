/**
 * @pulumi/docker 5.2.0 cannot set a container's PIDs limit (CIS 5.29). HardenedContainer applies
 * it right after creation through the Engine's update endpoint, with this command. The text is
 * rendered here so the unit tests and the real-engine test run exactly what Pulumi runs.
 */
import { assertHostPath } from "./host-paths";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import { DEFAULT_LOCK_WAIT_SECONDS, DEFAULT_STATE_DIR, hostLockFile } from "./shell-prelude";

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

/** `update --pids-limit=N -- 'id'`: both values validated, then quoted. */
function updateArgs(containerId: string, pidsLimit: number): string {
  if (!CONTAINER_ID.test(containerId))
    throw new Error(`pids-limit: container id must be 12–64 hex characters (got ${JSON.stringify(containerId)})`);
  if (!Number.isSafeInteger(pidsLimit) || pidsLimit < 1)
    throw new Error(`pids-limit: must be a positive integer (got ${JSON.stringify(pidsLimit)})`);
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
export function renderHostPidsLimitCommand(
  containerId: string,
  pidsLimit: number,
  lockFile = hostLockFile(DEFAULT_STATE_DIR),
): string {
  const lock = shellQuote(assertHostPath("lockFile", lockFile));
  const update = `${LOCAL_ENGINE_ENV} docker --context default ${updateArgs(containerId, pidsLimit)}`;
  return (
    `if [ -r ${lock} ] && command -v flock >/dev/null 2>&1; ` +
    `then flock -s -w ${DEFAULT_LOCK_WAIT_SECONDS} ${lock} ${update}; else ${update}; fi`
  );
}

/**
 * The remote engine a docker.Provider reaches, as the deploying machine's docker CLI reaches it
 * (HardenedContainer with SecureDaemon's provider and neither `hostConnection` nor `dockerHost`).
 */
export interface EngineTarget {
  /** The provider's host: `ssh://user@host[:port]` or `tcp://host:port`. */
  dockerHost: string;
  /**
   * ssh:// only: the options the provider's ssh runs with (host key pinned: providerSshOpts). The
   * docker CLI's ssh transport takes none, so they reach `ssh` through a wrapper first on PATH.
   */
  sshOpts?: readonly string[];
  /**
   * tcp:// only: the provider's TLS material (CA, client certificate, client key) arrives on the
   * command's stdin, one base64 line each (daemon-tls.ts pemStdinLines), never in the command text.
   */
  tls?: boolean;
}

const DOCKER_HOST_URL = /^(ssh:\/\/[a-z_][a-z0-9_-]{0,31}@|tcp:\/\/)[^\s'"\\@/]+$/;

/**
 * `docker update --pids-limit` run on the deploying machine against the engine `target` names,
 * whatever DOCKER_* the deploying environment carries. ssh://: the docker CLI's ssh transport,
 * through a wrapper that runs `ssh` with `sshOpts` (strict checking against the pinned key only)
 * and in batch mode. tcp://: DOCKER_TLS_VERIFY=1 with a DOCKER_CERT_PATH made for this run
 * (umask 077) from stdin, removed on exit. The engine's host lock is on that host: the command
 * does not wait for it (use `hostConnection` for that). Rendered as a header of validated, quoted
 * inputs, then the body ./sh/pids-limit-engine.sh.
 */
export function renderEnginePidsLimitCommand(containerId: string, pidsLimit: number, target: EngineTarget): string {
  updateArgs(containerId, pidsLimit); // validates both
  const host = target.dockerHost;
  if (!DOCKER_HOST_URL.test(host))
    throw new Error(
      `pids-limit: the engine must be ssh://user@host[:port] or tcp://host:port (got ${JSON.stringify(host)})`,
    );
  const ssh = host.startsWith("ssh://");
  if (ssh && target.tls) throw new Error("pids-limit: TLS material is for a tcp:// engine, not ssh://");
  if (!ssh && target.sshOpts) throw new Error("pids-limit: ssh options are for an ssh:// engine, not tcp://");
  const q = shellQuote;
  const header = [
    "# hardened-docker HardenedContainer: the PIDs limit (CIS 5.29) on the engine at DOCKER_HOST. Rendered by",
    "# src/scripts/pids-limit.ts: these inputs, then the body src/scripts/sh/pids-limit-engine.sh.",
    "set -eu",
    `container_id=${q(containerId)}`,
    `pids_limit=${pidsLimit}`,
    `DOCKER_HOST=${q(host)}`,
    `transport=${ssh ? "ssh" : target.tls ? "tls" : "plain"}`,
  ];
  if (ssh) {
    if ((target.sshOpts ?? []).some((o) => o.includes("\n")))
      throw new Error("pids-limit: an ssh option cannot hold a newline");
    const wrapper = ['exec "$HD_REAL_SSH" -o BatchMode=yes', ...(target.sshOpts ?? []).map(q), '"$@"'].join(" ");
    header.push(
      "# The wrapper ssh (the options quoted for its shell; a quoted here-document: written as is).",
      "write_ssh_wrapper() {",
      "  cat <<'HD_SSH_WRAPPER'",
      "#!/bin/sh",
      wrapper,
      "HD_SSH_WRAPPER",
      "}",
    );
  }
  return `${header.join("\n")}\n\n${shFile("pids-limit-engine.sh")}`;
}
