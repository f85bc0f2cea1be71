# shellcheck shell=sh
# HardenedHost's docker-group step: only trusted users in the docker group (CIS 1.1.2).
# This is the body; src/scripts/docker-group.ts renders the header before it (the validated,
# quoted inputs, the shared functions, the host lock) and documents it. Names read from the
# files are only ever data: word splitting is on commas only, globbing is off (set -f in the
# header), comparisons are exact, and values are printed with printf '%s'.
# Exit 0: no untrusted member is left; 1: failed, or untrusted users have the group as their
# primary group (listed).
: "${group?}" "${root?}" "${trusted?}" "${group_file?}" "${passwd_file?}"
command -v gpasswd >/dev/null 2>&1 || die "missing tool on the host: gpasswd"
[ -r "$group_file" ] || die "cannot read $group_file"

is_trusted() { # exact comparison with each trusted name (they are validated: no blanks, no globs)
  for t in $trusted; do
    if [ "$t" = "$1" ]; then return 0; fi
  done
  return 1
}
gp() { if [ "$root" = / ]; then gpasswd "$@"; else gpasswd --root "$root" "$@"; fi; }
group_line() { awk -F: -v g="$group" '$1 == g { print; exit }' "$group_file"; }
primary_members() { # users whose primary gid is the group's
  if [ -r "$passwd_file" ]; then awk -F: -v gid="$1" '$4 == gid { print $1 }' "$passwd_file"; fi
  return 0
}

line=$(group_line)
if [ -z "$line" ]; then
  say "there is no $group group: nothing to limit"
  fact group-exists no
  exit 0
fi
fact group-exists yes
gid=$(printf '%s\n' "$line" | cut -d: -f3)

# ── explicit members: remove the untrusted ones ──
members=$(printf '%s\n' "$line" | cut -d: -f4)
removed=0
old_ifs=$IFS
IFS=,
for m in $members; do
  IFS=$old_ifs
  [ -n "$m" ] || continue
  if is_trusted "$m"; then continue; fi
  out=$(gp -d "$m" "$group" 2>&1) || die "gpasswd -d $m $group failed: $out"
  fact removed "$m"
  did "removed $m from the $group group"
  removed=$((removed + 1))
done
IFS=$old_ifs

# ── primary-group members: cannot be removed by gpasswd ──
bad_primary=0
for m in $(primary_members "$gid"); do
  if is_trusted "$m"; then continue; fi
  fact untrusted-primary "$m"
  bad_primary=$((bad_primary + 1))
done

# ── what the group holds now ──
line=$(group_line)
IFS=,
for m in $(printf '%s\n' "$line" | cut -d: -f4); do
  IFS=$old_ifs
  [ -z "$m" ] || fact member "$m"
done
IFS=$old_ifs
for m in $(primary_members "$gid"); do fact member "$m"; done
[ "$removed" -gt 0 ] || say "unchanged: no untrusted member in the $group group"
if [ "$bad_primary" -gt 0 ]; then
  die "$bad_primary untrusted user(s) have $group as their primary group (listed as untrusted-primary above);" \
    "change it with usermod -g, or add them to the trusted users"
fi
exit 0
