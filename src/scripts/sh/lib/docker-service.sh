# shellcheck shell=sh
# systemd's docker.service from a host script (src/scripts/engine-shell.ts), every wait bounded by
# $timeout_s: `bounded CMD…` runs CMD under `timeout --foreground -k 5` with fd 9 (the host lock,
# ./host-lock.sh) closed, so that a dockerd which systemctl (or a stand-in) starts never holds the
# lock; `bounded_capture CMD…` does the same with the command's output (stdout and stderr) left in
# $bounded_out — through a file, not a pipe, so that a process the command leaves behind (a hung
# mount helper outlives the `timeout` that killed its parent) cannot keep the script waiting for
# the end of its output; `docker_unit VERB` runs `systemctl VERB docker` that way, leaving what
# went wrong in $engine_out (./engine.sh); `dockerd_pid` prints the pid in $pidfile when it is a
# live (non-zombie) process, else fails.
: "${timeout_s?}" "${pidfile?}"
bounded() { timeout --foreground -k 5 "$timeout_s" "$@" 9>&-; }
bounded_out=
bounded_capture() {
  bc_file=$(mktemp)
  bc_status=0
  bounded "$@" >"$bc_file" 2>&1 </dev/null || bc_status=$?
  bounded_out=$(cat "$bc_file")
  rm -f -- "$bc_file"
  return "$bc_status"
}
docker_unit() { # VERB: systemctl VERB docker, bounded; on failure $engine_out says what happened
  bounded_capture systemctl "$1" docker && return 0
  # shellcheck disable=SC2034 # engine_out is ./engine.sh's, read by the script that called this
  engine_out="systemctl $1 docker failed or did not finish within ${timeout_s}s${bounded_out:+: $bounded_out}"
  return 1
}
dockerd_pid() {
  dp=$(cat "$pidfile" 2>/dev/null || true)
  case $dp in '' | *[!0-9]*) return 1 ;; esac
  [ -r "/proc/$dp/stat" ] || return 1
  dp_state=$(sed 's/.*) //' "/proc/$dp/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$dp_state" != Z ] || return 1
  printf '%s\n' "$dp"
}
