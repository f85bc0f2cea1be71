# shellcheck shell=sh
# Messages of every host script (src/scripts/shell-prelude.ts): `say` to stdout, `warn` and `die`
# to stderr, each line tagged with the script's name, $hd_tag (e.g. hd-audit).
: "${hd_tag?}"
say() { printf '%s: %s\n' "$hd_tag" "$*"; }
warn() { printf '%s: %s\n' "$hd_tag" "$*" >&2; }
die() { warn "$*"; exit 1; }
