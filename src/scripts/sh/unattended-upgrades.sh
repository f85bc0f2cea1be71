# shellcheck shell=sh
# HardenedHost's unattended-upgrades step: unattended security updates for the OS and, when
# rendered so, the Docker engine packages (apt hosts only).
# This is the body; src/scripts/unattended-upgrades.ts renders the header before it (the
# validated, quoted inputs, the apt configuration text among them; the shared functions; the host
# lock) and documents it. Exit 0: the configuration is in place.
: "${conf?}" "${install_package?}" "${conf_text?}" "${scope?}"
command -v apt-get >/dev/null 2>&1 || die "unattended upgrades are supported on apt hosts (Debian, Ubuntu) only"
if [ "$install_package" = yes ] && ! command -v unattended-upgrade >/dev/null 2>&1; then
  apt_install unattended-upgrades || die "apt-get install unattended-upgrades failed"
  did "installed unattended-upgrades"
fi

new=$(mktemp "${TMPDIR:-/tmp}/hd-upgrades.XXXXXX")
trap 'rm -f -- "$new"' EXIT
trap 'exit 130' INT TERM HUP
printf '%s' "$conf_text" >"$new"
if command -v apt-config >/dev/null 2>&1; then
  out=$(apt-config -c "$new" dump 2>&1) || die "apt-config rejects the configuration: $out"
fi
if replace_file "$new" "$conf" 0644; then
  did "wrote $conf"
else
  say "unchanged: $conf"
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl enable --now apt-daily.timer apt-daily-upgrade.timer >/dev/null 2>&1 ||
    warn "could not enable the apt-daily timers"
fi
fact unattended-upgrades-file "$conf"
fact unattended-upgrades "$scope"
exit 0
