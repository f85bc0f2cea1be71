# shellcheck shell=sh
# SecureDaemon's permissions step: the owners and modes of CIS section 3.
# This is the body; src/scripts/daemon-permissions.ts renders the header before it (the validated,
# quoted inputs: the files as the function fix_all, one `fix` each; the shared functions; the host
# lock) and documents the rules. Exit 0: every file that exists has its owner and mode; 1: a change
# failed (said which; the others were still made).
: "${etc_docker?}"
failed=0

fix() { # PATH OWNER GROUP MODE max|exact
  [ -e "$1" ] || return 0
  p=$(readlink -f -- "$1") || p=$1
  before=$(stat -c '%U:%G %a' -- "$p") || { failed=1; return 0; }
  if ! chown -- "$2:$3" "$p"; then warn "$p: chown $2:$3 failed"; failed=1; return 0; fi
  if [ "$5" = exact ]; then
    want=$(printf '%05o' $((0$4)))
  else
    cur=$(stat -c '%a' -- "$p") || { failed=1; return 0; }
    want=$(printf '%05o' $((0$cur & 0$4)))
  fi
  if ! chmod -- "$want" "$p"; then warn "$p: chmod $want failed"; failed=1; return 0; fi
  after=$(stat -c '%U:%G %a' -- "$p")
  if [ "$before" = "$after" ]; then say "$p: $after"; else say "$p: $after (was $before)"; fi
}

# The socket's group is docker (3.15); a host without that group keeps root, which no one else is in.
# shellcheck disable=SC2034 # socket_group is read by fix_all (rendered in the header)
if getent group docker >/dev/null 2>&1; then socket_group=docker; else
  socket_group=root
  warn "no docker group on this host: the Docker socket stays root:root"
fi

fix_all

# Registry certificates (3.7, 3.8): root:root, no write, execute or special bits.
certs="$etc_docker/certs.d"
if [ -d "$certs" ]; then
  if find "$certs" -type f -exec chown 0:0 {} + -exec chmod a-wxst {} +; then
    say "$certs: $(find "$certs" -type f | wc -l | tr -d ' ') file(s) root:root, at most 0444"
  else
    warn "$certs: could not set owners and modes"
    failed=1
  fi
fi

exit "$failed"
