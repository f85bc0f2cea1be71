# shellcheck shell=sh
# HardenedHost's data-root step: Docker's data root onto a filesystem of its own (CIS 1.1.1).
# This is the body; src/scripts/data-root.ts renders the header before it (the validated, quoted
# inputs and the shared functions) and documents every step. Exit 0: done; 1: failed and rolled
# back (the old data root in place, docker as it was); 2: the host needs a person (said how).
# The inputs (header), and the variables the shared functions leave (engine.sh, docker-service.sh):
: "${data_root?}" "${kind?}" "${device?}" "${mount_src?}" "${label?}" "${fstab?}" "${state_file?}" "${dropin_dir?}"
: "${socket?}" "${pidfile?}" "${allow_wipe?}" "${timeout_s?}" "${copy_tool?}" "${fail_at?}" "${fstab_marker?}"
: "${parent?}" "${staging?}" "${dropin?}" "${engine_out?}" "${bounded_out?}"

# ───────────── the journal ─────────────
# One key=value per line, replaced atomically and durably before every step that changes the host.
# A run that finds an unfinished attempt in it finishes that attempt or rolls it back first.
j_version='' j_data_root='' j_phase='' j_kind='' j_source='' j_target='' j_uuid='' j_dev_mm='' j_new_mm=''
j_was_running='' j_old='' j_made_target='' j_dropin_new=''
journal_load() {
  [ -f "$state_file" ] || return 0
  while IFS='=' read -r k v; do
    case $k in
      version) j_version=$v ;;
      data_root) j_data_root=$v ;;
      phase) j_phase=$v ;;
      kind) j_kind=$v ;;
      source) j_source=$v ;;
      target) j_target=$v ;;
      uuid) j_uuid=$v ;;
      dev_mm) j_dev_mm=$v ;;
      new_mm) j_new_mm=$v ;;
      was_running) j_was_running=$v ;;
      old) j_old=$v ;;
      made_target) j_made_target=$v ;;
      dropin_new) j_dropin_new=$v ;;
    esac
  done <"$state_file"
  if [ -z "$j_version" ]; then
    # Written by an earlier release (uuid, source, data_root, phase formatted|switched only).
    case $j_phase in switched) j_phase='done' ;; *) j_phase=rolled-back ;; esac
    case $j_source in /dev/*) j_kind=device ;; *) j_kind=mount ;; esac
  fi
}
journal() { # PHASE: record the phase and everything known about this attempt, durably
  j_prev=$j_phase
  j_phase=$1
  printf '%s=%s\n' version 2 data_root "$data_root" phase "$j_phase" kind "$j_kind" source "$j_source" \
    target "$j_target" uuid "$j_uuid" dev_mm "$j_dev_mm" new_mm "$j_new_mm" was_running "$j_was_running" \
    old "$j_old" made_target "$j_made_target" dropin_new "$j_dropin_new" | journal_write "$state_file"
  [ "$j_prev" = "$1" ] || step "$1"
}
# Devices this component is about to format, or formatted for an attempt that was rolled back:
# "MAJ:MIN SOURCE UUID" lines, recorded before mkfs. Such a device may be formatted again even
# though it is not empty (its mkfs may have been cut short).
owned_uuid_of() { # MAJ:MIN → the UUID recorded for it with this source, if any
  [ -f "$state_file.devices" ] || return 0
  awk -v mm="$1" -v src="$this_source" '$1 == mm && $2 == src { u = $3 } END { if (u != "") print u }' \
    "$state_file.devices"
}
record_owned() { # MAJ:MIN SOURCE UUID
  {
    [ ! -f "$state_file.devices" ] || awk -v mm="$1" '$1 != mm' "$state_file.devices"
    printf '%s %s %s\n' "$1" "$2" "$3"
  } >"$state_file.devices.hd-new"
  journal_write "$state_file.devices" <"$state_file.devices.hd-new"
  rm -f -- "$state_file.devices.hd-new"
}
inject() {
  if [ -n "$fail_at" ] && [ "$fail_at" = "$1" ]; then
    die "injected failure at step $1 (failure injection: tests only)"
  fi
}

# ───────────── the engine ─────────────
dockerd_alive() { dockerd_pid >/dev/null; }
# A process still holds a file under the data root (the containerd a dockerd started, still
# writing there after dockerd exits): the copy must wait for it.
data_root_in_use() {
  [ -n "$(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "$data_root/*" -print -quit 2>/dev/null)" ]
}
wait_engine_down() {
  deadline=$(($(date +%s) + timeout_s))
  while engine_answers || dockerd_alive || data_root_in_use; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}
stop_docker() {
  bounded systemctl stop docker.socket >/dev/null 2>&1 || true
  docker_unit stop || { warn "$engine_out"; return 1; }
  wait_engine_down || {
    warn "dockerd did not stop within ${timeout_s}s, or a process still holds files under $data_root"
    return 1
  }
}
start_docker() {
  docker_unit start || return 1
  bounded systemctl start docker.socket >/dev/null 2>&1 || true
  wait_engine_up
}
daemon_reload() { bounded systemctl daemon-reload >/dev/null 2>&1 || warn "systemctl daemon-reload failed"; }
# What the engine holds, one "kind id" per line, sorted.
inventory() {
  inv_images=$(engine image ls -aq --no-trunc) || return 1
  inv_containers=$(engine ps -aq --no-trunc) || return 1
  inv_volumes=$(engine volume ls -q) || return 1
  {
    printf '%s\n' "$inv_images" | sed '/^$/d; s/^/image /'
    printf '%s\n' "$inv_containers" | sed '/^$/d; s/^/container /'
    printf '%s\n' "$inv_volumes" | sed '/^$/d; s/^/volume /'
  } | sort -u
}
count_of() { printf '%s\n' "$1" | grep -c "^$2 " || true; }

# ───────────── filesystems ─────────────
mm_of() { findmnt -n -o MAJ:MIN -T "$1" 2>/dev/null | tail -n 1 | tr -d ' '; } # device of the filesystem holding $1
mm_at() { findmnt -n -o MAJ:MIN -M "$1" 2>/dev/null | tail -n 1 | tr -d ' '; } # device mounted exactly at $1
mounted_at() { awk -v p="$1" '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo; }
mounts_under() { awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo; }
unmount() { bounded umount -- "$1" 2>/dev/null || { sleep 1 && bounded umount -- "$1"; }; }

# fstab mount points are compared as the kernel sees them: octal escapes decoded, repeated and
# trailing slashes dropped (/var/lib/docker/ is /var/lib/docker).
FSTAB_AWK_NORM='function norm(p) { gsub(/\\040/, " ", p); gsub(/\\011/, "\t", p); gsub(/\/+/, "/", p);'
FSTAB_AWK_NORM="$FSTAB_AWK_NORM"' if (length(p) > 1) sub(/\/$/, "", p); return p }'
fstab_foreign_entry() { # the fstab lines that mount something at the data root, not written by this component
  [ -f "$fstab" ] || return 0
  awk -v mp="$data_root" -v marker="$fstab_marker" "$FSTAB_AWK_NORM"'
    $0 == marker { ours = 1; next }
    !/^[ \t]*#/ && NF >= 2 && norm($2) == mp && !ours { print }
    { ours = 0 }' "$fstab"
}
fstab_without_ours() { # fstab less this component's marker and the entry below it
  [ -f "$fstab" ] || return 0
  awk -v mp="$data_root" -v marker="$fstab_marker" "$FSTAB_AWK_NORM"'
    $0 == marker { ours = 1; next }
    ours && !/^[ \t]*#/ && NF >= 2 && norm($2) == mp { ours = 0; next }
    { ours = 0; print }' "$fstab"
}
fstab_write() { # the new fstab on stdin, mode 0644, atomically and durably
  journal_write "$fstab"
  chmod 0644 -- "$fstab"
}
fstab_add() { # SPEC TYPE OPTIONS PASS: this component's entry for the data root, replacing an earlier one
  {
    fstab_without_ours
    printf '%s\n%s %s %s %s 0 %s\n' "$fstab_marker" "$1" "$data_root" "$2" "$3" "$4"
  } >"$fstab.hd-new"
  fstab_write <"$fstab.hd-new"
  rm -f -- "$fstab.hd-new"
}
fstab_remove() { # this component's entry out again (nothing else is touched)
  [ -f "$fstab" ] && grep -qxF -- "$fstab_marker" "$fstab" || return 0
  fstab_without_ours >"$fstab.hd-new" && fstab_write <"$fstab.hd-new"
  rm -f -- "$fstab.hd-new"
}
ensure_dropin() {
  [ -n "$dropin" ] || return 0
  want=$(printf '%s\n[Unit]\nRequiresMountsFor=%s\n' \
    "# Written by hardened-docker (HardenedHost): dockerd starts only with its data root mounted (CIS 1.1.1)." \
    "$data_root")
  if [ -f "$dropin" ] && [ "$(cat "$dropin")" = "$want" ]; then return 0; fi
  if [ "$attempt" = yes ]; then j_dropin_new=yes && journal "$j_phase"; fi
  mkdir -p -- "$dropin_dir"
  printf '%s\n' "$want" >"$dropin.hd-tmp"
  chmod 0644 -- "$dropin.hd-tmp"
  mv -f -- "$dropin.hd-tmp" "$dropin"
  daemon_reload
  did "wrote $dropin (RequiresMountsFor=$data_root)"
}

# tar options that capture everything a file is: content, mode, numeric owner, mtime, link
# target, hard-link structure, xattrs (trusted.overlay.*, security.capability, …) and ACLs.
tar_meta() { tar --numeric-owner --xattrs --xattrs-include='*' --acls --format=posix "$@"; }
# sha256 of a name-sorted pax stream of tree $1 (atime/ctime and pid-dependent header names
# left out, the filesystem's own lost+found too). Fails if tar fails.
tree_hash() {
  th_rc=$(mktemp)
  th_sum=$( { (cd "$1" && tar_meta --sort=name --anchored --exclude=./lost+found \
    --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' -cf - .); echo $? >"$th_rc"; } | sha256sum)
  th_status=$(cat "$th_rc")
  rm -f -- "$th_rc"
  [ "$th_status" = 0 ] || return 1
  printf '%s\n' "${th_sum%% *}"
}
copy_tree() { # SRC DST
  case $copy_tool in
    rsync) rsync -aHAX --numeric-ids --sparse -- "$1/" "$2/" ;;
    tar)
      ct_rc=$(mktemp)
      { (cd "$1" && tar_meta --sparse -cf - .); echo $? >"$ct_rc"; } | (cd "$2" && tar_meta -xpf -) ||
        { rm -f -- "$ct_rc"; return 1; }
      ct_status=$(cat "$ct_rc")
      rm -f -- "$ct_rc"
      [ "$ct_status" = 0 ]
      ;;
  esac
}

# ───────────── is a device empty? ─────────────
# Signatures first (blkid -p and wipefs -n probe every known offset: filesystems, MBR and GPT,
# LVM, RAID, LUKS), then the GPT backup header in the last sector, then the bytes themselves: the
# first and last 64 MiB and 1 MiB in every GiB between must all be zero (a filesystem that starts
# 1 MiB in, behind a wiped partition table, has no signature at offset 0).
zero_range() { # OFFSET LENGTH (bytes) of $dev are all zero
  dd if="$dev" iflag=skip_bytes,count_bytes skip="$1" count="$2" bs=1M 2>/dev/null | cmp -s -n "$2" - /dev/zero
}
device_nonzero_at() { # prints the first sampled range holding data, if any
  size=$(lsblk -bdnro SIZE -- "$dev")
  mib=1048576
  head=$((64 * mib))
  [ "$head" -le "$size" ] || head=$size
  zero_range 0 "$head" || { printf 'the first %s MiB' $((head / mib)); return 0; }
  tail_start=$((size - 64 * mib))
  [ "$tail_start" -ge "$head" ] || tail_start=$head
  if [ "$tail_start" -lt "$size" ]; then
    zero_range "$tail_start" $((size - tail_start)) || { printf 'the last 64 MiB'; return 0; }
  fi
  off=$((1024 * mib))
  while [ $((off + mib)) -le "$tail_start" ]; do
    zero_range "$off" "$mib" || { printf 'the MiB at %s GiB' $((off / 1024 / mib)); return 0; }
    off=$((off + 1024 * mib))
  done
  return 0
}
gpt_backup_header() { # "EFI PART" at the start of the last 512-byte or 4096-byte sector
  size=$(lsblk -bdnro SIZE -- "$dev")
  for sector in 512 4096; do
    [ "$size" -ge "$sector" ] || continue
    sig=$(dd if="$dev" iflag=skip_bytes,count_bytes skip=$((size - sector)) count=8 bs=512 2>/dev/null | tr -d '\000')
    [ "$sig" != "EFI PART" ] || return 0
  done
  return 1
}

# ───────────── undo ─────────────
# Rolls back the attempt the journal describes, from what is actually on the host: every action
# is skipped when it is already undone, so it can itself be interrupted and run again.
rollback() {
  journal rolling-back
  rb_ok=yes
  if [ -n "$j_new_mm" ] && [ "$(mm_at "$data_root")" = "$j_new_mm" ]; then
    if engine_answers || dockerd_alive; then stop_docker || rb_ok=no; fi
    if [ "$rb_ok" = yes ] && ! unmount "$data_root"; then
      warn "could not unmount the new filesystem from $data_root"
      rb_ok=no
    fi
  fi
  if mounted_at "$staging"; then unmount "$staging" || { warn "could not unmount $staging"; rb_ok=no; }; fi
  if [ -d "$staging" ] && ! mounted_at "$staging"; then rmdir -- "$staging" 2>/dev/null || true; fi
  fstab_remove || { warn "could not remove this component's entry for $data_root from $fstab"; rb_ok=no; }
  if [ "$j_dropin_new" = yes ] && [ -n "$dropin" ] && [ -f "$dropin" ]; then
    rm -f -- "$dropin"
    daemon_reload
  fi
  if [ -n "$j_old" ] && [ -d "$j_old" ]; then
    if [ "$rb_ok" = yes ] && ! mounted_at "$data_root" &&
      { [ ! -e "$data_root" ] || rmdir -- "$data_root" 2>/dev/null; } && mv -- "$j_old" "$data_root"; then
      sync_path "$parent"
    else
      warn "the old data root is intact at $j_old, but $data_root is not free (mounted, or not an empty directory)"
      rb_ok=no
    fi
  fi
  if [ "$rb_ok" = yes ] && [ "$j_made_target" = yes ] && [ -d "$j_target" ] &&
    [ "$(mm_of "$data_root")" != "$j_new_mm" ]; then
    rm -rf --one-file-system -- "$j_target"
  fi
  if [ "$rb_ok" = yes ] && [ "$j_was_running" = yes ]; then
    if engine_answers || start_docker; then
      now_inv=$(inventory) || now_inv="(could not list)"
      if [ -f "$state_file.inventory" ] && [ "$now_inv" != "$(cat "$state_file.inventory")" ]; then
        warn "after the rollback the engine lists other images, containers or volumes than before the migration"
        rb_ok=no
      fi
    else
      warn "docker did not start again on the old data root: $engine_out"
      rb_ok=no
    fi
  fi
  [ "$rb_ok" = yes ] || return 1
  j_old='' j_made_target='' j_dropin_new=''
  journal rolled-back
}
# Where things are when a rollback could not finish, and the one thing that recovers the host.
explain_state() {
  if [ -n "$j_new_mm" ] && [ "$(mm_at "$data_root")" = "$j_new_mm" ]; then
    now="$data_root is mounted from the new filesystem"
  elif [ -d "$data_root" ]; then now="$data_root is a directory on $(findmnt -n -o TARGET -T "$data_root" | tail -n 1)"
  else now="$data_root does not exist"; fi
  if engine_answers; then eng="docker answers"; else eng="docker is stopped"; fi
  warn "HOST NEEDS ATTENTION: $now; ${j_old:+the old data root, intact, is at $j_old; }$eng; the journal $state_file" \
      "says: $j_phase."
  warn "Fix the cause named above, then run this step again (pulumi up): it resumes from the journal and finishes or" \
      "rolls back."
  [ -z "$j_old" ] || warn "To put the old data root back by hand instead:" \
    "umount $data_root; rmdir $data_root && mv $j_old $data_root && systemctl start docker"
}

# ───────────── the run ─────────────
attempt=no # an attempt the EXIT trap rolls back on failure
on_exit() {
  status=$?
  trap - EXIT
  # The undo must run to its end: a second signal, or a closed SSH session (SIGPIPE on the next
  # message), must not cut it short. A SIGKILL does: the next run finds the journal.
  trap '' HUP INT TERM PIPE
  set +e
  if [ "$status" -ne 0 ] && [ "$attempt" = yes ]; then
    warn "rolling back"
    if rollback; then
      warn "rolled back: $data_root is the old data root again," \
          "unchanged$([ "$j_was_running" = yes ] && printf ', and docker runs on it')"
      exit 1
    fi
    warn "ROLLBACK INCOMPLETE: see the messages above"
    explain_state
    exit 2
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

report() { # facts about the data root as it is now
  fact data-root "$data_root"
  fact data-root-source "$(findmnt -n -o SOURCE -T "$data_root" 2>/dev/null | tail -n 1)"
  fact data-root-maj-min "$(mm_of "$data_root")"
  fact data-root-fstype "$(findmnt -n -o FSTYPE -T "$data_root" 2>/dev/null | tail -n 1)"
}

# Steps after the copy is verified: the old root renamed aside (never deleted), fstab, the mount,
# the drop-in. Each is skipped when already done, so a resumed run completes them.
switch_over() {
  if [ -n "$j_old" ] && [ ! -e "$j_old" ]; then
    [ -d "$data_root" ] && ! mounted_at "$data_root" ||
      die "$data_root is not the old data root any more, and $j_old does not exist"
    mv -- "$data_root" "$j_old"
    sync_path "$parent"
  fi
  step renamed
  [ -d "$data_root" ] || mkdir -m 0700 -- "$data_root"
  if [ "$j_kind" = device ]; then
    fstab_add "UUID=$j_uuid" ext4 defaults 2
  else
    fstab_add "$j_target" none "bind,x-systemd.requires-mounts-for=$mount_src" 0
  fi
  step fstab-written
  if [ "$(mm_at "$data_root")" != "$j_new_mm" ]; then
    bounded_capture mount -T "$fstab" -- "$data_root" ||
      die "mounting $data_root from $fstab failed or did not finish within ${timeout_s}s: $bounded_out"
  fi
  step mounted
  ensure_dropin
  daemon_reload
  journal switched
  inject after-switch
}
# docker back on the new data root, listing exactly what it listed before.
engine_on_new_root() {
  if [ "$j_was_running" = yes ]; then
    engine_answers || start_docker || die "docker did not come back on the new data root: $engine_out"
    engine_root=$(engine info --format '{{.DockerRootDir}}') || die "docker info failed"
    [ "$engine_root" = "$data_root" ] || die "the engine came back with the data root $engine_root, not $data_root"
    after=$(inventory) || die "could not list the engine's images, containers and volumes after the restart"
    [ "$after" = "$before" ] ||
      die "the engine on the new data root lists other images, containers or volumes than before:" \
        "$(printf '%s\n%s\n' "$before" "$after" | sort | uniq -u | tr '\n' ' ')"
    say "the engine on the new data root lists the same $(count_of "$before" image) images," \
        "$(count_of "$before" container) containers and $(count_of "$before" volume) volumes"
  fi
  inject after-start
  [ "$(mm_of "$data_root")" = "$j_new_mm" ] || die "$data_root is not on the new filesystem after the switch"
  journal started
}
finish() { # WHAT: the migration is complete
  j_made_target='' j_dropin_new=''
  journal 'done'
  rm -f -- "$state_file.inventory"
  if [ "$j_kind" = device ]; then
    did "moved the data root $data_root onto $j_source (ext4, UUID=$j_uuid), mounted through $fstab$1"
  else
    did "moved the data root $data_root into $j_target on $mount_src, bind-mounted through $fstab$1"
  fi
  if [ -n "$j_old" ]; then
    did "kept the old data root at $j_old (remove it once satisfied)"
    fact old-data-root "$j_old"
  fi
  [ "$j_was_running" != yes ] || did "docker runs on it: $(count_of "$before" image) images," \
      "$(count_of "$before" container) containers, $(count_of "$before" volume) volumes, as before"
  fact images "$(count_of "$before" image)"
  fact containers "$(count_of "$before" container)"
  fact volumes "$(count_of "$before" volume)"
  [ -z "$j_uuid" ] || fact uuid "$j_uuid"
  report
  fact action migrated
  exit 0
}

for tool in blkid wipefs mkfs.ext4 mount umount findmnt lsblk tar sha256sum cmp dd find awk sed sort mktemp du df \
  docker systemctl timeout readlink sync; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool on the host: $tool"
done
# GNU tar's --sort/--xattrs/--acls verify the copy; without them nothing is touched.
tar --sort=name --xattrs --xattrs-include='*' --acls --format=posix -cf /dev/null -T /dev/null 2>/dev/null ||
  die "GNU tar with --sort, --xattrs and --acls is needed to verify the copy; nothing was changed"
case $copy_tool in
  auto) if command -v rsync >/dev/null 2>&1; then copy_tool=rsync; else copy_tool=tar; fi ;;
  rsync) command -v rsync >/dev/null 2>&1 || die "missing tool on the host: rsync" ;;
esac

journal_load
[ -z "$j_data_root" ] || [ "$j_data_root" = "$data_root" ] ||
  die "the journal $state_file belongs to the data root $j_data_root, not $data_root:" \
    "give each data root a state file of its own. Nothing was changed."
this_source="$device$mount_src"

# ── 0. an earlier run that did not finish: complete it, or roll it back ──
before=
case $j_phase in '' | done | rolled-back) ;; *)
  warn "an earlier run stopped at step \"$j_phase\" (journal $state_file): resuming it"
  attempt=yes
  [ ! -f "$state_file.inventory" ] || before=$(cat "$state_file.inventory")
  case $j_phase in switching | switched | started)
    if [ "$j_source" = "$this_source" ]; then
      # The copy was verified before the switch began: finish the switch.
      [ "$j_phase" != switching ] || switch_over
      [ "$j_phase" = started ] || engine_on_new_root
      attempt=no
      finish " (completing the migration an earlier run began)"
    fi ;;
  esac
  rollback || { warn "could not roll back the interrupted migration"; explain_state; attempt=no; exit 2; }
  warn "rolled back the interrupted migration: $data_root is the old data root again; starting over"
  attempt=no ;;
esac

# ── 1. where things are ──
[ ! -L "$data_root" ] || die "$data_root is a symbolic link; give the real path of the data root. Nothing was changed."
if [ -e "$data_root" ] && [ ! -d "$data_root" ]; then
  die "$data_root exists and is not a directory. Nothing was changed."
fi
[ -d "$parent" ] || die "$parent does not exist. Nothing was changed."
has_root=no
[ -d "$data_root" ] && has_root=yes
parent_mm=$(mm_of "$parent")
slash_mm=$(mm_of /)
root_mm=$parent_mm
[ "$has_root" = no ] || root_mm=$(mm_of "$data_root")

target=
if [ "$kind" = device ]; then
  [ -b "$device" ] || die "$device is not a block device on this host. Nothing was changed."
  dev=$(readlink -f -- "$device")
  dev_mm=$(lsblk -dnro MAJ:MIN -- "$dev" | tr -d ' ')
  [ -n "$dev_mm" ] || die "lsblk does not know $device. Nothing was changed."
  new_mm=$dev_mm
  if [ "$root_mm" = "$dev_mm" ]; then
    # Done before (or set up by hand): make sure it stays that way across reboots.
    if [ -z "$(fstab_foreign_entry)" ] && ! grep -qxF -- "$fstab_marker" "$fstab" 2>/dev/null; then
      uuid=$(blkid -p -s UUID -o value -- "$dev" 2>/dev/null || true)
      [ -n "$uuid" ] || die "$data_root is on $device, but $device has no filesystem UUID for fstab"
      fstab_add "UUID=$uuid" ext4 defaults 2
      daemon_reload
      did "added the fstab entry for $data_root (UUID=$uuid)"
    fi
    ensure_dropin
    report
    fact action unchanged
    say "unchanged: $data_root is on $device"
    exit 0
  fi
  [ "$root_mm" = "$parent_mm" ] || die "$data_root is already on a filesystem of its own" \
    "($(findmnt -n -o SOURCE -T "$data_root" | tail -n 1)), not on $device." \
    "To keep it, declare dataRoot.mount = \"$data_root\". Nothing was changed."
else
  [ -d "$mount_src" ] || die "$mount_src does not exist. Nothing was changed."
  src_mm=$(mm_at "$mount_src")
  [ -n "$src_mm" ] || die "$mount_src is not a mount point. Nothing was changed."
  new_mm=$src_mm
  if [ "$mount_src" = "$data_root" ]; then
    [ "$src_mm" != "$(mm_of "$parent")" ] && [ "$src_mm" != "$slash_mm" ] ||
      die "$data_root is a mount point, but of the same filesystem as $parent or /. Nothing was changed."
    [ -n "$(fstab_foreign_entry)" ] || grep -qxF -- "$fstab_marker" "$fstab" 2>/dev/null ||
      warn "$data_root has no fstab entry: it will not be mounted after a reboot"
    ensure_dropin
    report
    fact action unchanged
    say "unchanged: $data_root is a filesystem of its own"
    exit 0
  fi
  [ "$src_mm" != "$parent_mm" ] && [ "$src_mm" != "$slash_mm" ] ||
    die "$mount_src is on the same filesystem as $parent or /: the data root would not be on a filesystem of its own." \
        "Nothing was changed."
  target="$mount_src/docker"
  if [ "$root_mm" = "$src_mm" ]; then
    ensure_dropin
    report
    fact action unchanged
    say "unchanged: $data_root is on the filesystem of $mount_src"
    exit 0
  fi
  [ "$root_mm" = "$parent_mm" ] || die "$data_root is already on a filesystem of its own" \
    "($(findmnt -n -o SOURCE -T "$data_root" | tail -n 1)). Nothing was changed."
fi

existing=$(fstab_foreign_entry)
[ -z "$existing" ] || die "$fstab already has an entry for $data_root ($existing) that this component did not write," \
  "and it does not match what is mounted there. Fix or remove it first. Nothing was changed."
if [ -e "$staging" ]; then
  [ -d "$staging" ] && [ -z "$(ls -A -- "$staging")" ] && ! mounted_at "$staging" ||
    die "$staging exists and is not an empty directory. Nothing was changed."
fi

# ── 2. is the device free and empty? ──
wipe=no
if [ "$kind" = device ]; then
  where=$(awk -v d="$dev_mm" '$3 == d { print $5 }' /proc/self/mountinfo | tr '\n' ' ')
  [ -z "$where" ] || die "refused: $device is mounted ($where). Nothing was changed."
  if awk -v d="$dev" 'NR > 1 && $1 == d { f = 1 } END { exit !f }' /proc/swaps; then
    die "refused: $device is in use as swap. Nothing was changed."
  fi
  sys=/sys/dev/block/$dev_mm
  if [ -d "$sys/holders" ] && [ -n "$(ls -A -- "$sys/holders")" ]; then
    die "refused: $device is in use by $(ls -- "$sys/holders" | tr '\n' ' ')(LVM, RAID or device-mapper)." \
      "Nothing was changed."
  fi
  for p in "$sys"/*/partition; do
    if [ -e "$p" ]; then die "refused: $device has partitions. Give one partition, or an empty disk." \
      "Nothing was changed."; fi
  done
  [ "$(cat "$sys/ro" 2>/dev/null || echo 0)" = 0 ] || die "refused: $device is read-only. Nothing was changed."
  size_kib=$(($(lsblk -bdnro SIZE -- "$dev") / 1024))
  [ "$size_kib" -ge 65536 ] || die "refused: $device is smaller than 64 MiB. Nothing was changed."

  probe=$(blkid -p -o export -- "$dev" 2>/dev/null) || probe=
  sigs=$(wipefs -n -- "$dev" 2>&1) || die "wipefs could not read $device: $sigs"
  p_type=$(printf '%s\n' "$probe" | sed -n 's/^TYPE=//p')
  p_pttype=$(printf '%s\n' "$probe" | sed -n 's/^PTTYPE=//p')
  p_label=$(printf '%s\n' "$probe" | sed -n 's/^LABEL=//p')
  p_uuid=$(printf '%s\n' "$probe" | sed -n 's/^UUID=//p')
  holds=$(printf '%s\n' "$probe" | grep -E '^(TYPE|PTTYPE|LABEL|UUID)=' | tr '\n' ' ' || true)
  # This component's own filesystem from an attempt that was rolled back (or whose mkfs was cut
  # short): the journal recorded the device and the UUID before formatting it.
  ours=no
  owned_uuid=$(owned_uuid_of "$dev_mm")
  if [ -z "$owned_uuid" ] && [ "$j_phase" = rolled-back ] && [ -z "$j_version" ] &&
    [ "$j_source" = "$this_source" ]; then owned_uuid=$j_uuid; fi
  if [ -n "$owned_uuid" ]; then
    if [ "$p_type" = ext4 ] && [ -z "$p_pttype" ] && [ "$p_uuid" = "$owned_uuid" ] &&
      [ "$p_label" = "$label" ]; then ours=yes
    elif [ -z "$probe" ] && [ -z "$sigs" ]; then ours=yes; fi
  fi
  if [ "$j_phase" = "done" ] && [ -n "$j_uuid" ] && [ "$p_uuid" = "$j_uuid" ] && [ "$j_source" = "$this_source" ]; then
    die "refused: $device holds the data root this component migrated (UUID=$p_uuid) but it is not mounted at" \
      "$data_root. Mount it (mount UUID=$p_uuid $data_root) or find out why before running this again." \
      "Nothing was changed."
  fi
  if [ "$ours" = yes ]; then
    say "$device holds this component's own filesystem from an earlier attempt that did not finish: making it again"
  elif [ -n "$probe" ] || [ -n "$sigs" ]; then
    [ "$allow_wipe" = yes ] || die "refused: $device is not empty: it holds ${holds:-signatures wipefs reports}." \
        "HardenedHost only formats an empty device (or one it formatted itself). Give another device, or wipe this" \
        "one by adding the exemption { rule: \"hd-wipe-data-device\", reason: \"…\" } if its data may be destroyed." \
        "Nothing was changed."
    wipe=yes
  elif gpt_backup_header; then
    [ "$allow_wipe" = yes ] || die "refused: $device is not empty: its last sector holds a GPT backup header (the" \
        "primary one was wiped). Give another device, or allow wiping it with the exemption hd-wipe-data-device." \
        "Nothing was changed."
    wipe=yes
  else
    nonzero=$(device_nonzero_at)
    if [ -n "$nonzero" ]; then
      [ "$allow_wipe" = yes ] || die "refused: $device holds data no probe recognises ($nonzero is not all zeros: a" \
          "filesystem or partition behind a wiped table?). Give another device, or allow wiping it with the exemption" \
          "hd-wipe-data-device. Nothing was changed."
      wipe=yes
    fi
  fi
fi

# ── 3. the engine before ──
was_running=no
if engine_answers; then
  was_running=yes
  engine_root=$(engine info --format '{{.DockerRootDir}}')
  [ "$engine_root" = "$data_root" ] ||
    die "the engine on unix://$socket uses the data root $engine_root, not $data_root. Nothing was changed."
  before=$(inventory) || die "could not list the engine's images, containers and volumes. Nothing was changed."
elif dockerd_alive; then
  die "dockerd runs (pid $(cat "$pidfile")) but does not answer on unix://$socket. Nothing was changed."
fi
say "engine running: $was_running; $(count_of "$before" image) images, $(count_of "$before" container) containers," \
    "$(count_of "$before" volume) volumes"

# ── 4. the plan, recorded before anything changes ──
uuid=
if [ "$kind" = device ]; then
  if [ "$ours" = yes ]; then uuid=$owned_uuid; else uuid=$(cat /proc/sys/kernel/random/uuid); fi
fi
j_kind=$kind j_source=$this_source j_target=$target j_uuid=$uuid j_dev_mm=${dev_mm:-} j_new_mm=$new_mm
j_was_running=$was_running j_old='' j_made_target='' j_dropin_new=''
printf '%s\n' "$before" | sed '/^$/d' | journal_write "$state_file.inventory"
[ "$kind" != device ] || record_owned "$dev_mm" "$this_source" "$uuid"
attempt=yes
journal planned

# ── 5. the new filesystem, staged (docker still runs) ──
if [ "$kind" = device ]; then
  if [ "$wipe" = yes ]; then
    wipefs -a -q -- "$dev" || die "wipefs -a $device failed"
    did "wiped $device (it held ${holds:-unrecognised data}; allowed by the hd-wipe-data-device exemption)"
  fi
  mkfs_out=$(mkfs.ext4 -q -F -L "$label" -U "$uuid" -- "$dev" 2>&1) || die "mkfs.ext4 on $device failed: $mkfs_out"
  sync_path "$dev"
  journal formatted
  did "made an ext4 filesystem on $device (LABEL=$label UUID=$uuid)"
  mkdir -p -- "$staging"
  bounded mount -t ext4 -- "$dev" "$staging" || die "could not mount $device at $staging"
  dest=$staging
  avail_dir=$staging
else
  if [ -e "$target" ]; then
    [ -d "$target" ] && [ -z "$(ls -A -- "$target")" ] || die "$target exists and is not empty. Nothing was changed."
    rmdir -- "$target" # made again below, so that a rollback can remove it
  fi
  j_made_target=yes
  journal planned
  mkdir -- "$target"
  dest=$target
  avail_dir=$mount_src
fi
step staged
if [ "$has_root" = yes ]; then
  need_kib=$(du -skx -- "$data_root" | cut -f1)
  avail_kib=$(df -Pk -- "$avail_dir" | awk 'NR == 2 { print $4 }')
  [ "$avail_kib" -gt $((need_kib + need_kib / 20 + 1024)) ] ||
    die "not enough space: $data_root uses ${need_kib} KiB, the new filesystem has ${avail_kib} KiB free"
fi

# ── 6. stop docker ──
if [ "$was_running" = yes ]; then
  if engine_answers || dockerd_alive; then stop_docker || die "could not stop docker"; fi
  say "docker stopped"
fi
journal stopped
left=$(mounts_under "$data_root" | tr '\n' ' ')
[ -z "$left" ] ||
  die "mounts remain under $data_root with docker stopped (containers kept running by live-restore?): $left"
inject after-stop

# ── 7. copy, made durable ──
if [ "$has_root" = yes ]; then
  copy_tree "$data_root" "$dest" || die "copying $data_root to the new filesystem failed ($copy_tool)"
  sync -f -- "$dest" 2>/dev/null || sync
  say "copied $data_root with $copy_tool"
fi
journal copied
inject after-copy

# ── 8. verify ──
if [ "$has_root" = yes ]; then
  h_old=$(tree_hash "$data_root") || die "could not read $data_root back to verify the copy"
  h_new=$(tree_hash "$dest") || die "could not read the copy back to verify it"
  [ "$h_old" = "$h_new" ] || die "the copy differs from $data_root (tree sha256 $h_new, expected $h_old)"
  say "verified: the copy is identical (content, owners, modes, times, links, xattrs, ACLs; tree sha256 $h_old)"
fi
if mounted_at "$staging"; then unmount "$staging" || die "could not unmount $staging"; fi
[ ! -d "$staging" ] || rmdir -- "$staging"
journal verified
inject after-verify

# ── 9. switch: from here on a resumed run finishes the job ──
[ "$has_root" = no ] || j_old="$data_root.hd-old-$(date +%Y%m%dT%H%M%S)"
[ -z "$j_old" ] || [ ! -e "$j_old" ] || die "$j_old exists already"
journal switching
switch_over

# ── 10. docker on the new data root, and nothing lost ──
engine_on_new_root
attempt=no
finish ""
