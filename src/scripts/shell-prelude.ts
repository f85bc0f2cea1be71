/**
 * Shell every host script starts with: its messages (`say` to stdout, `warn`/`die` to stderr,
 * each line tagged with the script's name, e.g. `hd-audit:`) and the check that it runs as root.
 * One text for all scripts, so they fail and speak alike. The shell is in ./sh/lib/*.sh; what
 * varies (the tag, the lock file, the wait) is rendered ahead of it as quoted variables.
 */
import { assertHostPath } from "./host-paths";
import { shellQuote } from "./quote";
import { shLibrary } from "./sh-file";

/** `say`, `warn` and `die`, their lines tagged `TAG: …`. */
export function messageFunctions(tag: string): string {
  if (!/^hd-[a-z-]+$/.test(tag)) throw new Error(`shell prelude: bad tag ${JSON.stringify(tag)}`);
  return `hd_tag=${shellQuote(tag)}
${shLibrary("messages")}`;
}

/** Stops the script unless it runs as root (needs `die`). */
export const REQUIRE_ROOT = shLibrary("require-root");

/**
 * `replace_file NEW DEST MODE`: put the finished temporary file NEW at DEST with MODE, atomically
 * (rename), unless DEST already has the same content; returns 1 when nothing changed.
 */
export const REPLACE_FILE_FUNCTION = shLibrary("replace-file");

/**
 * `apt_install PACKAGE`: apt-get install, non-interactive and quiet; when that fails, once more
 * after `apt-get update`.
 */
export const APT_INSTALL_FUNCTION = shLibrary("apt-install");

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
hd_lock_wait=${waitSeconds}
${shLibrary("host-lock")}`;
}

/** Where a host script takes the host lock, and how long it waits for it (every renderer's options). */
export interface HostLockOptions {
  lockFile?: string;
  lockWaitSeconds?: number;
}

/**
 * hostLock for a renderer's options: `lockFile` (validated as a host path) or `defaultLockFile`,
 * and `lockWaitSeconds` or DEFAULT_LOCK_WAIT_SECONDS.
 */
export function hostLockFor(o: HostLockOptions, defaultLockFile = hostLockFile(DEFAULT_STATE_DIR)): string {
  const lockFile = assertHostPath("lockFile", o.lockFile ?? defaultLockFile);
  return hostLock(lockFile, o.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS);
}

/**
 * `sync_path P`: make P (a file, or a directory's entries) durable; `journal_write FILE`: replace
 * FILE with stdin atomically and durably (fsync of the new file before the rename, of the
 * directory after), so a journal read after a crash is either the old one or the new one, whole.
 */
export const DURABLE_FILE_FUNCTIONS = shLibrary("durable-file");

/**
 * `step NAME`: a step boundary of a journaled script. Rendered with `failureInjection` (tests only;
 * no component sets it), the script stops at the boundary named by HD_STOP_AT and touches
 * HD_STOP_SIGNAL, so that a test can SIGKILL its whole process group there, as a cancelled deploy
 * would; otherwise `step` does nothing and the script never reads those variables.
 */
export function stepBoundaries(failureInjection: boolean | undefined): string {
  if (!failureInjection) return "step() { :; }";
  return shLibrary("step-boundaries");
}
