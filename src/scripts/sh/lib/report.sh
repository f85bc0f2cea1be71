# shellcheck shell=sh
# The report of HardenedHost's host scripts (src/scripts/host-report.ts parses it): `fact KEY VALUE`
# prints `hd-fact: KEY=VALUE`, `did WORDS…` prints `hd-done: WORDS…`. printf only: no value is ever
# parsed by the shell.
fact() { printf 'hd-fact: %s=%s\n' "$1" "$2"; }
did() { printf 'hd-done: %s\n' "$*"; }
