# shellcheck shell=sh
# The host's hardened-docker lock (src/scripts/shell-prelude.ts hostLock), taken before anything
# else: flock on fd 9 of $hd_lock_file, waiting at most $hd_lock_wait seconds. The lock goes with
# the process: a killed script releases it. Long-lived children (dockerd, started by a systemctl
# stand-in) must not inherit fd 9: callers close it for them (`9>&-`). Needs `die`.
: "${hd_lock_file?}" "${hd_lock_wait?}"
command -v flock >/dev/null 2>&1 || die "missing tool on the host: flock (util-linux)"
mkdir -p -- "$(dirname -- "$hd_lock_file")"
exec 9>>"$hd_lock_file"
flock -w "$hd_lock_wait" 9 ||
  die "another hardened-docker command still holds the host lock $hd_lock_file after ${hd_lock_wait}s" \
    "(a deploy still running, or two stacks changing this host at once). Nothing was changed;" \
    "run again once it has finished."
