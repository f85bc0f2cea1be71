# shellcheck shell=sh
# `sync_path P`: make P (a file, or a directory's entries) durable; `journal_write FILE`: replace
# FILE with stdin atomically and durably (fsync of the new file before the rename, of the
# directory after), so a journal read after a crash is either the old one or the new one, whole.
sync_path() { sync -- "$1" 2>/dev/null || sync; }
journal_write() {
  mkdir -p -- "$(dirname -- "$1")"
  cat >"$1.hd-tmp"
  sync_path "$1.hd-tmp"
  mv -f -- "$1.hd-tmp" "$1"
  sync_path "$(dirname -- "$1")"
}
