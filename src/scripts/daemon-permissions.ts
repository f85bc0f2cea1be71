/**
 * The host script that sets the owners and modes of CIS section 3 (SecureDaemon): /etc/docker,
 * daemon.json, registry certificates under certs.d, the TLS files, the docker.service and
 * docker.socket units, /etc/default/docker and /etc/sysconfig/docker, the Docker and containerd
 * sockets.
 *
 * "Mode M or more restrictive" is applied as `mode & M`: bits outside M are removed, a stricter
 * mode stays as strict (a 0600 daemon.json is not loosened to 0644). The TLS key gets exactly
 * 0400 (3.14). Modes are written with five octal digits so GNU chmod also clears a directory's
 * setgid bit. Files that do not exist are skipped; symlinks are followed to the file they name.
 * Every change is printed; a failure to change a file makes the script exit 1 after the rest.
 * It first takes the host lock (./shell-prelude.ts), like every component command. Rendered as a
 * header of validated, quoted inputs (each file as a call of the body's `fix`) and shared
 * functions, then the body ./sh/daemon-permissions.sh.
 */
import { TLS_FILES } from "./daemon-apply";
import { assertHostPath } from "./host-paths";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import { hostLockFor, messageFunctions, REQUIRE_ROOT } from "./shell-prelude";

export interface DaemonPermissionsOptions {
  /** /etc/docker (3.5, 3.6); registry certificates are looked for in its certs.d (3.7, 3.8). */
  etcDocker: string;
  /** daemon.json (3.17, 3.18). */
  configFile: string;
  /** TLS directory of ca.pem, server-cert.pem, server-key.pem (3.9–3.14), when the daemon listens on TCP. */
  tlsDir?: string;
  /** The Docker socket (3.15, 3.16). */
  dockerSocket: string;
  /** The containerd socket (3.23, 3.24). */
  containerdSocket: string;
  /** docker.service and docker.socket unit files, wherever the host keeps them (3.1–3.4). */
  unitFiles: readonly string[];
  /** /etc/default/docker, /etc/sysconfig/docker (3.19–3.22). */
  environmentFiles: readonly string[];
  /** The host lock every component command takes (default: host.lock in /var/lib/hardened-docker). */
  lockFile?: string;
  /** Seconds to wait for the host lock before failing (default 600). */
  lockWaitSeconds?: number;
}

/** One `fix PATH OWNER GROUP MODE max|exact` line per file. */
function fixLine(path: string, what: string, owner: string, group: string, mode: string, how: "max" | "exact"): string {
  return `fix ${shellQuote(assertHostPath(what, path))} ${owner} ${group} ${mode} ${how}`;
}

export function renderDaemonPermissionsScript(o: DaemonPermissionsOptions): string {
  const etcDocker = assertHostPath("etcDocker", o.etcDocker);
  const lock = hostLockFor(o);
  const lines = [
    fixLine(etcDocker, "etcDocker", "root", "root", "0755", "max"),
    fixLine(o.configFile, "configFile", "root", "root", "0644", "max"),
    ...(o.tlsDir === undefined
      ? []
      : TLS_FILES.map((f) =>
          fixLine(
            `${o.tlsDir}/${f.file}`,
            "tlsDir",
            "root",
            "root",
            f.mode,
            f.file === "server-key.pem" ? "exact" : "max",
          ),
        )),
    ...o.unitFiles.map((p, i) => fixLine(p, `unitFiles[${i}]`, "root", "root", "0644", "max")),
    ...o.environmentFiles.map((p, i) => fixLine(p, `environmentFiles[${i}]`, "root", "root", "0644", "max")),
    fixLine(o.dockerSocket, "dockerSocket", "root", '"$socket_group"', "0660", "max"),
    fixLine(o.containerdSocket, "containerdSocket", "root", "root", "0660", "max"),
  ];
  return `#!/bin/sh
# hardened-docker SecureDaemon: owners and modes of CIS section 3. Rendered by
# src/scripts/daemon-permissions.ts: these inputs, then the shared functions, then the body
# src/scripts/sh/daemon-permissions.sh.
set -u
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

etc_docker=${shellQuote(etcDocker)}
# Each file, validated and quoted, with its owner, group and mode (fix is in the body).
fix_all() {
${lines.map((l) => `  ${l}`).join("\n")}
}

${messageFunctions("hd-perms")}
${REQUIRE_ROOT}
${lock}

${shFile("daemon-permissions.sh")}`;
}
