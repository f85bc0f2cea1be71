# shellcheck shell=sh
# SecureDaemon's TLS step: dockerd's TLS material staged beside the live files, for the apply step.
# This is the body; src/scripts/daemon-tls.ts renders the header before it (the validated, quoted
# inputs: the files as the function stage_all, one `stage` each, in the order of stdin's lines; the
# shared functions; the host lock) and documents it. stdin: three base64 lines (CA certificate,
# server certificate, server key). Prints no secret.
: "${tls_dir?}" "${staged_suffix?}" "${tls_names?}"
mkdir -p -- "$tls_dir"
chown 0:0 -- "$tls_dir"
chmod 0755 -- "$tls_dir"

tmp=
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
stage() { # FILE MODE
  line=
  IFS= read -r line || [ -n "$line" ] ||
    die "stdin: $1 is missing (expected three base64 lines: CA certificate, certificate, key)"
  tmp=$(mktemp "$tls_dir/.$1.hd-XXXXXX")
  printf '%s\n' "$line" | base64 -d >"$tmp" 2>/dev/null || die "stdin: $1 is not base64"
  grep -q -- '-----BEGIN ' "$tmp" || die "stdin: $1 is not PEM"
  chown 0:0 -- "$tmp"
  chmod "$2" -- "$tmp"
  mv -f -- "$tmp" "$tls_dir/$1$staged_suffix"
  tmp=
}
stage_all
line=
printf 'hd-tls: staged %s in %s (applied with daemon.json)\n' "$tls_names" "$tls_dir"
