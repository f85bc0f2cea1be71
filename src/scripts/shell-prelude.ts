/**
 * Shell every host script starts with: its messages (`say` to stdout, `warn`/`die` to stderr,
 * each line tagged with the script's name, e.g. `hd-audit:`) and the check that it runs as root.
 * One text for all scripts, so they fail and speak alike.
 */

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
