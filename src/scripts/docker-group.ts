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
 * are printed with printf '%s'.
 *
 * Report: `hd-fact: removed=USER` per removed member, `hd-fact: member=USER` per member afterwards
 * (explicit and primary), `hd-fact: untrusted-primary=USER` for those that could not be removed.
 */
import { assertHostPath } from "./host-paths";
import { REPORT_FUNCTIONS } from "./host-report";
import { shellQuote } from "./quote";
import {
  DEFAULT_LOCK_WAIT_SECONDS,
  DEFAULT_STATE_DIR,
  hostLock,
  hostLockFile,
  messageFunctions,
  REQUIRE_ROOT,
} from "./shell-prelude";

/** User and group names accepted in arguments: lower-case, digits, _ . -, not starting with - or a digit (useradd's safe set). */
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

  return `#!/bin/sh
# hardened-docker HardenedHost: only trusted users in the docker group (CIS 1.1.2).
# Rendered by src/scripts/docker-group.ts.
set -euf
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LC_ALL=C
export LC_ALL

group=${shellQuote(group)}
root=${shellQuote(root)}
trusted=${shellQuote(o.trustedUsers.join(" "))}
group_file=${shellQuote(`${prefix}/etc/group`)}
passwd_file=${shellQuote(`${prefix}/etc/passwd`)}

${messageFunctions("hd-docker-group")}
${REPORT_FUNCTIONS}

${REQUIRE_ROOT}
${hostLock(assertHostPath("lockFile", o.lockFile ?? `${prefix}${hostLockFile(DEFAULT_STATE_DIR)}`), o.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS)}
command -v gpasswd >/dev/null 2>&1 || die "missing tool on the host: gpasswd"
[ -r "$group_file" ] || die "cannot read $group_file"

is_trusted() { # exact comparison with each trusted name (they are validated: no spaces, no globs)
  for t in $trusted; do
    if [ "$t" = "$1" ]; then return 0; fi
  done
  return 1
}
gp() { if [ "$root" = / ]; then gpasswd "$@"; else gpasswd --root "$root" "$@"; fi; }
group_line() { awk -F: -v g="$group" '$1 == g { print; exit }' "$group_file"; }
primary_members() { # users whose primary gid is the group's
  if [ -r "$passwd_file" ]; then awk -F: -v gid="$1" '$4 == gid { print $1 }' "$passwd_file"; fi
  return 0
}

line=$(group_line)
if [ -z "$line" ]; then
  say "there is no $group group: nothing to limit"
  fact group-exists no
  exit 0
fi
fact group-exists yes
gid=$(printf '%s\\n' "$line" | cut -d: -f3)

# ── explicit members: remove the untrusted ones ──
members=$(printf '%s\\n' "$line" | cut -d: -f4)
removed=0
old_ifs=$IFS
IFS=,
for m in $members; do
  IFS=$old_ifs
  [ -n "$m" ] || continue
  if is_trusted "$m"; then continue; fi
  out=$(gp -d "$m" "$group" 2>&1) || die "gpasswd -d $m $group failed: $out"
  fact removed "$m"
  did "removed $m from the $group group"
  removed=$((removed + 1))
done
IFS=$old_ifs

# ── primary-group members: cannot be removed by gpasswd ──
bad_primary=0
for m in $(primary_members "$gid"); do
  if is_trusted "$m"; then continue; fi
  fact untrusted-primary "$m"
  bad_primary=$((bad_primary + 1))
done

# ── what the group holds now ──
line=$(group_line)
IFS=,
for m in $(printf '%s\\n' "$line" | cut -d: -f4); do
  IFS=$old_ifs
  [ -z "$m" ] || fact member "$m"
done
IFS=$old_ifs
for m in $(primary_members "$gid"); do fact member "$m"; done
[ "$removed" -gt 0 ] || say "unchanged: no untrusted member in the $group group"
if [ "$bad_primary" -gt 0 ]; then
  die "$bad_primary untrusted user(s) have $group as their primary group (listed as untrusted-primary above); change it with usermod -g, or add them to the trusted users"
fi
exit 0
`;
}
