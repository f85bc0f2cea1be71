# shellcheck shell=sh
# `replace_file NEW DEST MODE`: put the finished temporary file NEW at DEST with MODE, atomically
# (rename), unless DEST already has the same content; returns 1 when nothing changed.
replace_file() {
  if [ -f "$2" ] && cmp -s -- "$1" "$2"; then return 1; fi
  mkdir -p -- "$(dirname -- "$2")"
  chmod "$3" -- "$1"
  mv -f -- "$1" "$2"
}
