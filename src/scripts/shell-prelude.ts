/**
 * Shell every host script starts with: its messages (`say` to stdout, `warn`/`die` to stderr,
 * each line tagged with the script's name, e.g. `hd-audit:`) and the check that it runs as root.
 * One text for all scripts, so they fail and speak alike.
 */
import { shellQuote } from "./quote";

/** `say`, `warn` and `die`, their lines tagged `TAG: …`. */
export function messageFunctions(tag: string): string {
  if (!/^hd-[a-z-]+$/.test(tag)) throw new Error(`shell prelude: bad tag ${JSON.stringify(tag)}`);
  return `say() { printf '${tag}: %s\\n' "$*"; }
warn() { printf '${tag}: %s\\n' "$*" >&2; }
die() { warn "$*"; exit 1; }`;
}

/** Stops the script unless it runs as root (needs `die`). */
export const REQUIRE_ROOT = `[ "$(id -u)" = 0 ] || die "must run as root (connect as root, or set connection.sudo)"`;

/**
 * `replace_file NEW DEST MODE`: put the finished temporary file NEW at DEST with MODE, atomically
 * (rename), unless DEST already has the same content; returns 1 when nothing changed.
 */
export const REPLACE_FILE_FUNCTION = `replace_file() {
  if [ -f "$2" ] && cmp -s -- "$1" "$2"; then return 1; fi
  mkdir -p -- "$(dirname -- "$2")"
  chmod "$3" -- "$1"
  mv -f -- "$1" "$2"
}`;

/** Where every component's host commands take the host's lock, unless a component's `paths.stateDir` moves it. */
export const DEFAULT_STATE_DIR = "/var/lib/hardened-docker";
export const HOST_LOCK_NAME = "host.lock";
/** How long a host command waits for another one to finish before it fails, by default. */
export const DEFAULT_LOCK_WAIT_SECONDS = 600;

/** The lock file in a state directory. */
export function hostLockFile(stateDir: string): string {
  return `${stateDir}/${HOST_LOCK_NAME}`;
}

/**
 * Take the host's hardened-docker lock (flock on fd 9) before anything else, so that two commands
 * (two stacks, or a retry while the first run still goes on) never change a host at once. The lock
 * goes with the process: a killed script releases it. Long-lived children (dockerd, started by a
 * systemctl stand-in) must not inherit fd 9: callers close it for them (`9>&-`). Needs `die`.
 * `lockFile` must be a validated host path; `waitSeconds` an integer.
 */
export function hostLock(lockFile: string, waitSeconds: number): string {
  if (!Number.isSafeInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 86_400)
    throw new Error(`lockWaitSeconds = ${JSON.stringify(waitSeconds)}: must be an integer from 0 to 86400`);
  return `hd_lock_file=${shellQuote(lockFile)}
command -v flock >/dev/null 2>&1 || die "missing tool on the host: flock (util-linux)"
mkdir -p -- "$(dirname -- "$hd_lock_file")"
exec 9>>"$hd_lock_file"
flock -w ${waitSeconds} 9 || die "another hardened-docker command still holds the host lock $hd_lock_file after ${waitSeconds}s (a deploy still running, or two stacks changing this host at once). Nothing was changed; run again once it has finished."`;
}

/**
 * \`sync_path P\`: make P (a file, or a directory's entries) durable; \`journal_write FILE\`: replace
 * FILE with stdin atomically and durably (fsync of the new file before the rename, of the
 * directory after), so a journal read after a crash is either the old one or the new one, whole.
 */
export const DURABLE_FILE_FUNCTIONS = `sync_path() { sync -- "$1" 2>/dev/null || sync; }
journal_write() {
  mkdir -p -- "$(dirname -- "$1")"
  cat >"$1.hd-tmp"
  sync_path "$1.hd-tmp"
  mv -f -- "$1.hd-tmp" "$1"
  sync_path "$(dirname -- "$1")"
}`;

/**
 * `step NAME`: a step boundary of a journaled script. Rendered with `failureInjection` (tests only;
 * no component sets it), the script stops at the boundary named by HD_STOP_AT and touches
 * HD_STOP_SIGNAL, so that a test can SIGKILL its whole process group there, as a cancelled deploy
 * would; otherwise `step` does nothing and the script never reads those variables.
 */
export function stepBoundaries(failureInjection: boolean | undefined): string {
  if (!failureInjection) return "step() { :; }";
  return `# TESTS ONLY (rendered with failureInjection): stop at the step boundary HD_STOP_AT, to be killed there.
step() {
  if [ "\${HD_STOP_AT:-}" = "$1" ]; then
    : >"\${HD_STOP_SIGNAL:-/dev/null}"
    sleep 3600
  fi
  return 0
}`;
}
