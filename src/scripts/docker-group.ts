/**
 * The host script that limits the docker group to the declared trusted users (CIS 1.1.2) for
 * HardenedHost. Membership of the docker group is root on the host: every other member is removed
 * with `gpasswd -d`, and reported. Users whose PRIMARY group is docker cannot be removed that way
 * (it would change their account); they are reported and the script fails, so the deployment does
 * not claim a compliance it does not have. Trusted users are never added (the group is limited,
 * not filled).
 *
 * Reads the local files (/etc/group, /etc/passwd under `root`); members that come from NSS
 * sources such as LDAP are outside what gpasswd can change. Names read from the files are only
 * ever data: word splitting is on commas only, globbing is off, comparisons are exact, and values
 * are printed with printf '%s'. Rendered as a header of validated, quoted inputs and shared
 * functions, then the body ./sh/docker-group.sh.
 *
 * Report: `hd-fact: removed=USER` per removed member, `hd-fact: member=USER` per member afterwards
 * (explicit and primary), `hd-fact: untrusted-primary=USER` for those that could not be removed.
 */
import { assertHostPath } from "./host-paths";
import { REPORT_FUNCTIONS } from "./host-report";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import { DEFAULT_STATE_DIR, hostLockFile, hostLockFor, messageFunctions, REQUIRE_ROOT } from "./shell-prelude";

/**
 * User and group names accepted in arguments: lower-case, digits, _ . -, not starting with - or a
 * digit (useradd's safe set).
 */
const NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;

/** Why `name` is not an acceptable user (or group) name, or undefined. */
export function userNameProblem(name: unknown): string | undefined {
  return typeof name === "string" && NAME.test(name)
    ? undefined
    : "must be a user name: 1–32 of [a-z0-9_.-], starting with a letter or _";
}

export interface DockerGroupOptions {
  /** The host lock every component command takes first (default <root>/var/lib/hardened-docker/host.lock). */
  lockFile?: string;
  /** Seconds to wait for it before failing (default 600). */
  lockWaitSeconds?: number;
  /** The only users who may stay in the group. */
  trustedUsers: readonly string[];
  /** Group name. Default "docker". */
  group?: string;
  /** Root of the host's files (`gpasswd --root`); "/" on a real host. */
  root?: string;
}

export function renderDockerGroupScript(o: DockerGroupOptions): string {
  const group = o.group ?? "docker";
  if (userNameProblem(group)) throw new Error(`group = ${JSON.stringify(group)}: ${userNameProblem(group)}`);
  o.trustedUsers.forEach((u, i) => {
    const problem = userNameProblem(u);
    if (problem) throw new Error(`trustedUsers[${i}] = ${JSON.stringify(u)}: ${problem}`);
  });
  const root = assertHostPath("root", o.root ?? "/");
  const prefix = root === "/" ? "" : root;

  const q = shellQuote;
  const lock = hostLockFor(o, `${prefix}${hostLockFile(DEFAULT_STATE_DIR)}`);

  return `#!/bin/sh
# hardened-docker HardenedHost: only trusted users in the docker group (CIS 1.1.2).
# Rendered by src/scripts/docker-group.ts: these inputs, then the shared functions, then the body
# src/scripts/sh/docker-group.sh.
set -euf
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LC_ALL=C
export LC_ALL

group=${q(group)}
root=${q(root)}
trusted=${q(o.trustedUsers.join(" "))}
group_file=${q(`${prefix}/etc/group`)}
passwd_file=${q(`${prefix}/etc/passwd`)}

${messageFunctions("hd-docker-group")}
${REPORT_FUNCTIONS}
${REQUIRE_ROOT}
${lock}

${shFile("docker-group.sh")}`;
}
