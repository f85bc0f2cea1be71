# shellcheck shell=sh
# HardenedHost's audit step: auditd watches for Docker's files (CIS 1.1.3-1.1.18) and for every
# copy of the docker CLI and docker-compose (their runs tell `docker exec`, CIS 5.23/5.24).
# This is the body; src/scripts/audit-rules.ts renders the header before it (the validated,
# quoted inputs, the list of candidates as the function add_watches, the shared functions, the
# host lock) and documents every step. Exit 0: the rules are written (and in force, when loaded).
: "${rules_file?}" "${key?}" "${install_auditd?}" "${load?}" "${in_rules_d?}"

# ── 1. auditd ──
if ! command -v auditctl >/dev/null 2>&1; then
  [ "$install_auditd" = yes ] || { [ "$load" = no ] || die "auditctl is missing and installing auditd was turned off"; }
  if [ "$install_auditd" = yes ]; then
    if command -v apt-get >/dev/null 2>&1; then
      apt_install auditd || die "apt-get install auditd failed"
    elif command -v dnf >/dev/null 2>&1; then dnf install -y -q audit >/dev/null || die "dnf install audit failed"
    elif command -v yum >/dev/null 2>&1; then yum install -y -q audit >/dev/null || die "yum install audit failed"
    elif command -v zypper >/dev/null 2>&1; then
      zypper --non-interactive install audit >/dev/null || die "zypper install audit failed"
    else die "auditctl is missing and no known package manager is available to install auditd"
    fi
    command -v auditctl >/dev/null 2>&1 || die "auditd was installed but auditctl is still missing"
    did "installed auditd"
  fi
fi

# ── 2. the rules ──
# $watched: the paths written, each one word (add_watch refuses blanks and glob characters).
watched=
n_watched=0
new=$(mktemp "${TMPDIR:-/tmp}/hd-audit.XXXXXX")
trap 'rm -f -- "$new"' EXIT
trap 'exit 130' INT TERM HUP
written_by="# Written by hardened-docker (HardenedHost): audit Docker's files (CIS 1.1.3-1.1.18)"
written_by="$written_by and docker CLI and docker-compose runs (5.23, 5.24)."
printf '%s\n' "$written_by" \
  "# Changes here are overwritten; remove the component's audit exemption to stop managing it." >"$new"
add_watch() { # RULE PATH
  case $2 in
    /*) ;;
    *) warn "$1: $2 is not an absolute path; skipped"; return 0 ;;
  esac
  case $2 in
    *[!A-Za-z0-9._+@/-]*) warn "$1: $2 has characters an audit rule cannot carry safely; skipped"; return 0 ;;
  esac
  case " $watched " in *" $2 "*) return 0 ;; esac
  watched="$watched $2"
  n_watched=$((n_watched + 1))
  printf -- '-w %s -p rwxa -k %s\n' "$2" "$key" >>"$new"
  fact watch "$2"
}
watch_path() { # RULE PATH: only when it exists
  if [ -e "$2" ] || [ -L "$2" ]; then add_watch "$1" "$2"; fi
  return 0
}
watch_binary() { # RULE NAME: the program's real path, when installed
  if bin=$(command -v "$2" 2>/dev/null) && [ -n "$bin" ]; then
    real=$(readlink -f -- "$bin" 2>/dev/null) || real=$bin
    [ -e "$real" ] && add_watch "$1" "$real"
  fi
  return 0
}
watch_binary_copies() { # RULE NAME: the real path of each copy in the usual bin directories
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    [ -e "$dir/$2" ] || continue
    real=$(readlink -f -- "$dir/$2" 2>/dev/null) || real=$dir/$2
    [ -e "$real" ] && add_watch "$1" "$real"
  done
  return 0
}
add_watches

if replace_file "$new" "$rules_file" 0640; then
  did "wrote $rules_file ($n_watched watches)"
else
  say "unchanged: $rules_file"
fi
fact rules-file "$rules_file"

# ── 3. load now, and check what is in force ──
if [ "$load" = no ]; then
  fact loaded no
  say "not loaded into the kernel (load turned off): the rules take effect when auditd starts"
  exit 0
fi
if [ "$in_rules_d" = yes ] && command -v augenrules >/dev/null 2>&1; then
  out=$(augenrules --load 2>&1) || die "augenrules --load failed: $out"
else
  auditctl -D -k "$key" >/dev/null 2>&1 || true
  out=$(auditctl -R "$rules_file" 2>&1) || die "auditctl -R $rules_file failed: $out"
fi
in_force=$(auditctl -l 2>&1) || die "auditctl -l failed: $in_force"
missing=
for p in $watched; do
  printf '%s\n' "$in_force" | grep -q -e "^-w $p/\{0,1\} " -e "[ =]dir=$p/\{0,1\} " -e "[ =]path=$p " ||
    missing="$missing $p"
done
[ -z "$missing" ] ||
  die "the kernel does not list these watches after loading:$missing" \
    "(auditctl -l says: $(printf '%s\n' "$in_force" | head -n 5 | tr '\n' ' '))"
printf '%s\n' "$in_force" | grep -e "-k $key\$" -e "key=$key\$" | while IFS= read -r line; do fact rule "$line"; done
fact loaded yes
did "loaded the audit rules: $n_watched watches in force"
exit 0
