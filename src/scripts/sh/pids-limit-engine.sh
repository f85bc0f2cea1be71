# shellcheck shell=sh
# HardenedContainer's PIDs limit (CIS 5.29) on the engine a SecureDaemon's provider reaches, run on
# the deploying machine whatever DOCKER_* its environment carries. This is the body;
# src/scripts/pids-limit.ts renders the header before it (the validated, quoted inputs; for ssh://
# the wrapper's text as the function write_ssh_wrapper) and documents it.
# transport ssh: the docker CLI's ssh transport, through the wrapper first on PATH; tls: the TLS
# material from stdin (three base64 lines) in a DOCKER_CERT_PATH made for this run, removed on exit.
: "${container_id?}" "${pids_limit?}" "${DOCKER_HOST?}" "${transport?}"
umask 077
fail() { echo "pids-limit: $*" >&2; exit 1; }
d=$(mktemp -d "${TMPDIR:-/tmp}/hd-pids-limit.XXXXXX") || fail "cannot make a temporary directory"
trap 'rm -rf -- "$d"' EXIT
trap 'exit 130' INT TERM HUP
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
case $transport in
  ssh)
    HD_REAL_SSH=$(command -v ssh) ||
      fail "ssh is not installed on the deploying machine (the docker CLI's ssh transport runs it)"
    export HD_REAL_SSH
    write_ssh_wrapper >"$d/ssh"
    chmod 0700 "$d/ssh"
    PATH="$d:$PATH"
    ;;
  tls)
    for f in ca.pem cert.pem key.pem; do
      line=
      IFS= read -r line || [ -n "$line" ] ||
        fail "stdin: the TLS material is missing" \
          "(expected three base64 lines: CA certificate, client certificate, client key)"
      printf '%s\n' "$line" | base64 -d >"$d/$f" 2>/dev/null || fail "stdin: the TLS material is not base64"
    done
    line=
    DOCKER_CERT_PATH=$d DOCKER_TLS_VERIFY=1
    export DOCKER_CERT_PATH DOCKER_TLS_VERIFY
    ;;
esac
export DOCKER_HOST
docker update --pids-limit="$pids_limit" -- "$container_id" >/dev/null
