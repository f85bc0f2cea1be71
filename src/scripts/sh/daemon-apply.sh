# shellcheck shell=sh
# SecureDaemon's apply step: daemon.json (and TLS material staged by the TLS step) into place,
# dockerd restarted and verified, the previous files restored when it does not come back.
# This is the body; src/scripts/daemon-apply.ts renders the header before it (the validated,
# quoted inputs, the shared functions, the host lock) and documents every step.
# Exit 0: applied, or unchanged; 1: not applied, and the host is as it was (or, said so, another
# writer replaced daemon.json during the restart); 2: the host needs a person (said how).
# The inputs (header; with the functions check_ulimits and write_config), and the variables the
# shared functions leave (engine.sh, docker-service.sh):
: "${config?}" "${config_dir?}" "${socket?}" "${pidfile?}" "${engine_log?}" "${timeout_s?}" "${sha256?}"
: "${live_restore?}" "${icc_off?}" "${tls_dir?}" "${tls_files?}" "${staged_suffix?}" "${state_file?}"
: "${engine_out?}" "${bounded_out?}"

for tool in docker systemctl base64 sha256sum cmp timeout awk sed cut sync; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool on the host: $tool"
done

new="$config.hd-new"   # this run's configuration, decoded, before it goes into place
previous="$config.hd-previous"

sha_of() { # FILE: its sha256; nothing when it does not exist
  [ -f "$1" ] || return 0
  so=$(sha256sum <"$1") && printf '%s\n' "${so%% *}"
}

# ───────────── the journal ─────────────
# key=value lines, replaced atomically and durably before every step that cannot be taken back.
# A run that finds an unfinished apply in it completes it (same sha256, from `restarting` on) or
# rolls it back first.
j_config='' j_phase='' j_sha256='' j_had_config='' j_installed='' j_tls_new='' j_tls_absent='' j_was_running='' j_pid=''
journal_load() {
  [ -f "$state_file" ] || return 0
  while IFS='=' read -r k v; do
    case $k in
      config) j_config=$v ;;
      phase) j_phase=$v ;;
      sha256) j_sha256=$v ;;
      had_config) j_had_config=$v ;;
      installed) j_installed=$v ;;
      tls_new) j_tls_new=$v ;;
      tls_absent) j_tls_absent=$v ;;
      was_running) j_was_running=$v ;;
      pid) j_pid=$v ;;
    esac
  done <"$state_file"
}
journal() { # PHASE: record it with everything known about this apply, durably; then it is a step boundary
  j_phase=$1
  printf '%s=%s\n' version 1 config "$config" phase "$j_phase" sha256 "$j_sha256" had_config "$j_had_config" \
    installed "$j_installed" tls_new "$j_tls_new" tls_absent "$j_tls_absent" was_running "$j_was_running" pid "$j_pid" |
    journal_write "$state_file"
  step "$1"
}

# ───────────── the engine ─────────────
# What dockerd logged since log_mark: the engine's own words for a failed start.
mark_time=0
mark_size=0
log_mark() {
  mark_time=$(date +%s)
  mark_size=0
  if [ -n "$engine_log" ] && [ -f "$engine_log" ]; then mark_size=$(wc -c <"$engine_log" | tr -d ' '); fi
}
log_since() {
  if [ -n "$engine_log" ]; then
    if [ -f "$engine_log" ]; then tail -c +"$((mark_size + 1))" "$engine_log" | tail -n 40; fi
  elif command -v journalctl >/dev/null 2>&1; then
    journalctl -u docker.service --since "@$mark_time" --no-pager -o cat 2>/dev/null | tail -n 40
  fi
  return 0
}

# A restart counts when dockerd answers afterwards as another process than before (systemctl can
# return 0 without restarting anything). Every systemctl call is bounded (`bounded`).
restart_engine() {
  rs_pid=$(dockerd_pid) || rs_pid=
  docker_unit restart || return 1
  step restarted
  wait_engine_up || return 1
  rs_now=$(dockerd_pid) || rs_now=
  if [ -n "$rs_pid" ] && [ "$rs_now" = "$rs_pid" ]; then
    engine_out="systemctl restart docker returned, but dockerd is the same process as before (pid $rs_pid):"
    engine_out="$engine_out it was not restarted"
    return 1
  fi
}
# Stop replaces whatever job systemd still runs for docker (a start that hangs, say).
stop_engine() {
  se_pid=$(dockerd_pid) || se_pid=
  docker_unit stop || return 1
  [ -n "$se_pid" ] || return 0
  deadline=$(($(date +%s) + timeout_s))
  while [ "$(dockerd_pid || true)" = "$se_pid" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      engine_out="dockerd (pid $se_pid) still runs ${timeout_s}s after systemctl stop docker"
      return 1
    fi
    sleep 0.2
  done
}
start_engine() {
  docker_unit start || return 1
  wait_engine_up
}

# live-restore is reloadable: turning it on in the running daemon first keeps its containers
# running through the restart.
live_restore_first() {
  if [ "$live_restore" = true ] && lr=$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null) &&
    [ "$lr" = false ]; then
    if bounded systemctl reload docker >/dev/null 2>&1; then
      i=0
      while [ "$i" -lt 10 ] && [ "$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null || true)" != true ]; do
        sleep 1
        i=$((i + 1))
      done
    fi
    [ "$(engine info --format '{{.LiveRestoreEnabled}}' 2>/dev/null || true)" = true ] ||
      warn "could not enable live-restore before the restart: running containers will stop"
  fi
  step reloaded
}

# A dockerd that live-restores running containers keeps its networks as they were (it skips the
# network configuration), so icc off in daemon.json does not reach docker0 while any container
# runs across the restart: say so, naming those on docker0.
check_bridge_icc() {
  [ "$icc_off" = true ] || return 0
  bridge_icc=$(engine network inspect bridge --format '{{index .Options "com.docker.network.bridge.enable_icc"}}' \
    2>/dev/null || true)
  [ "$bridge_icc" = true ] || return 0
  names=$(engine network inspect bridge --format '{{range .Containers}}{{.Name}} {{end}}' 2>/dev/null || true)
  warn "WARNING: icc is off in daemon.json, but the default bridge still lets containers talk to each other: dockerd" \
      "keeps its networks as they were while it live-restores running containers (on docker0: ${names:-none})." \
      "Restart docker when no container runs (HardenedContainers never use docker0): the bridge is then rebuilt with" \
      "icc off."
}

# ───────────── the files ─────────────
# The new daemon.json, then the staged TLS files, into place: renames, atomic each.
install_files() {
  if [ "$(sha_of "$config")" != "$sha256" ]; then mv -f -- "$new" "$config"; fi
  for f in $j_tls_new; do
    if [ -f "$tls_dir/$f$staged_suffix" ]; then mv -f -- "$tls_dir/$f$staged_suffix" "$tls_dir/$f"; fi
  done
  sync_path "$config_dir"
  [ -z "$j_tls_new" ] || sync_path "$tls_dir"
  step installed
}
drop_backups() {
  rm -f -- "$previous"
  for f in $j_tls_new; do rm -f -- "$tls_dir/$f.hd-previous"; done
}

# ───────────── undo ─────────────
# Rolls back the apply the journal describes, from what is on the host: each action is skipped
# when it is already undone, so the rollback can itself be killed and run again.
rollback() {
  journal rolling-back
  untouched=no
  if [ "$j_installed" = yes ] && [ "$(sha_of "$config")" != "$j_sha256" ] && [ -n "$j_pid" ] &&
    [ "$(dockerd_pid || true)" = "$j_pid" ] && engine_answers; then
    untouched=yes # stopped before the rename into place: the engine never saw the new file
  fi
  if [ "$j_installed" = yes ] && [ "$untouched" = no ]; then
    # The engine may run the new configuration, or hang starting with it: stop it, restore, start.
    if [ "$j_was_running" = yes ] || dockerd_pid >/dev/null || engine_answers; then stop_engine || return 1; fi
    step engine-stopped
    # (set -e does not reach into a function called as a condition: each step checks itself.)
    if [ -f "$previous" ]; then
      mv -f -- "$previous" "$config" || { engine_out="could not restore $config from $previous"; return 1; }
    elif [ "$j_had_config" = no ]; then
      rm -f -- "$config" || { engine_out="could not remove $config"; return 1; }
    fi
    for f in $j_tls_new; do
      if [ -f "$tls_dir/$f.hd-previous" ]; then
        mv -f -- "$tls_dir/$f.hd-previous" "$tls_dir/$f" || { engine_out="could not restore $tls_dir/$f"; return 1; }
      else
        case " $j_tls_absent " in *" $f "*) rm -f -- "$tls_dir/$f" ;; esac
      fi
    done
    sync_path "$config_dir"
    step restored
    if [ "$j_was_running" = yes ]; then
      log_mark
      start_engine || return 1
    fi
  else
    drop_backups
    if [ "$j_was_running" = yes ] && ! engine_answers; then
      log_mark
      start_engine || return 1
    fi
  fi
  j_installed=no
  journal rolled-back
}
# Where things are when a rollback could not finish, and the command that recovers the host.
explain_state() {
  on_disk=$(sha_of "$config")
  if [ -z "$on_disk" ]; then file="$config does not exist"
  elif [ "$on_disk" = "$j_sha256" ]; then file="$config is the new configuration (sha256=$on_disk)"
  else file="$config has sha256=$on_disk (not the new configuration)"; fi
  [ ! -f "$previous" ] || file="$file; the previous one is intact at $previous"
  if engine_answers; then eng="dockerd answers on unix://$socket"
  elif p=$(dockerd_pid); then eng="dockerd runs (pid $p) but does not answer on unix://$socket"
  else eng="dockerd is stopped"; fi
  warn "HOST NEEDS ATTENTION: $file; $eng; the journal $state_file says: $j_phase."
  fix="systemctl restart docker"
  [ ! -f "$previous" ] || fix="mv -f $previous $config && $fix"
  warn "Fix the cause in the engine's error above, then recover with: $fix (running this step again also resumes from" \
      "the journal)"
}

# ───────────── the run ─────────────
attempt=no # an apply the EXIT trap rolls back when the script fails
failure=
on_exit() {
  status=$?
  trap - EXIT
  # The undo must run to its end: a second signal, or a closed SSH session (SIGPIPE on the next
  # message), must not cut it short. A SIGKILL does: the next run finds the journal.
  trap '' HUP INT TERM PIPE
  set +e
  rm -f -- "$new"
  if [ "$status" -ne 0 ] && [ "$attempt" = yes ]; then
    fail_and_roll_back "${failure:-the apply stopped with status $status}"
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

# FAILURE: roll back, say why, exit 1; exit 2 when the host could not be put back.
fail_and_roll_back() {
  attempt=no
  cause=$(log_since)
  warn "dockerd did not come back with the new configuration ($1); restoring the previous one"
  if rollback; then
    if [ "$j_was_running" = yes ]; then
      warn "rolled back: the previous configuration is restored and the engine answers again"
    else
      warn "rolled back: the previous configuration is restored (dockerd was not running before, and is not started)"
    fi
    warn "the engine's error with the new configuration:"
    printf '%s\n' "$cause" >&2
    exit 1
  fi
  warn "the previous configuration did not bring dockerd back either ($engine_out)"
  warn "the engine's error with the new configuration:"
  printf '%s\n' "$cause" >&2
  warn "and with the previous one:"
  log_since >&2
  explain_state
  exit 2
}

# Restart with the new files in place and verify: applied, or replaced by another writer, or rolled back.
restart_and_verify() { # NOTE appended to the report
  log_mark
  restart_engine || fail_and_roll_back "$engine_out"
  on_disk=$(sha_of "$config")
  if [ "$on_disk" != "$sha256" ]; then
    # Not ours to undo: another writer's file is live. Say so; never "applied".
    attempt=no
    drop_backups
    j_installed=no
    journal replaced
    die "NOT applied: while dockerd restarted, another writer replaced $config (now" \
        "sha256=${on_disk:-none, the file is gone}; ours is $sha256). dockerd runs with that file. Find that writer," \
        "then run this step again to apply this configuration."
  fi
  journal verified
  drop_backups
  attempt=no
  journal 'done'
  say "applied: $config sha256=$sha256; dockerd restarted$1"
  check_bridge_icc
  exit 0
}

# ── 1. default-ulimits within dockerd's own hard limits (CIS 2.8), refused below once the journal is read ──
dockerd_at_start=$(dockerd_pid) || dockerd_at_start=
if [ -n "$dockerd_at_start" ] && [ ! -r "/proc/$dockerd_at_start/limits" ]; then dockerd_at_start=; fi
limit_problem=
check_limit() { # LABEL NAME HARD
  [ -n "$dockerd_at_start" ] || return 0
  max=$(awk -v l="$1" 'index($0, l) == 1 { print substr($0, 48, 20) }' "/proc/$dockerd_at_start/limits" | tr -d ' ')
  case $max in '' | unlimited) return 0 ;; esac
  [ "$3" -le "$max" ] || [ -n "$limit_problem" ] || {
    limit_problem="default-ulimits.$2: hard limit $3 is above dockerd's own hard limit $max"
    limit_problem="$limit_problem (/proc/$dockerd_at_start/limits); containers would fail to start."
    limit_problem="$limit_problem Lower it, or raise the limit of docker.service. Nothing was changed."
  }
}
check_ulimits
[ -n "$dockerd_at_start" ] || say "dockerd is not running: default-ulimits not checked against its hard limits"

# ── 2. the new configuration, decoded next to the old one ──
if [ ! -d "$config_dir" ]; then
  mkdir -p -- "$config_dir"
  chown 0:0 -- "$config_dir"
  chmod 0755 -- "$config_dir"
fi
rm -f -- "$new"
write_config >"$new"
got=$(sha_of "$new")
[ "$got" = "$sha256" ] || die "the decoded configuration has sha256 $got, expected $sha256"
chown 0:0 -- "$new"
chmod 0644 -- "$new"
sync_path "$new"

# ── 3. an earlier apply that did not finish: complete it, or roll it back ──
journal_load
case $j_phase in '' | done | rolled-back | replaced) ;; *)
  [ "$j_config" = "$config" ] ||
    die "the journal $state_file holds an unfinished apply of $j_config, not $config: give each daemon.json a state" \
        "directory of its own. Nothing was changed."
  if [ "$j_phase" = verified ]; then
    # It came back verified: only its backups were left to drop.
    drop_backups
    journal 'done'
    if [ "$j_sha256" = "$sha256" ] && [ "$(sha_of "$config")" = "$sha256" ] && wait_engine_up; then
      say "applied: $config sha256=$sha256; dockerd restarted by an earlier run, which was interrupted after" \
          "verifying it (this run finished that apply)"
      check_bridge_icc
      exit 0
    fi
  elif [ "$j_sha256" = "$sha256" ] && [ "$j_phase" = restarting ] && [ -z "$limit_problem" ]; then
    warn "an earlier run of this apply stopped at step \"$j_phase\" (journal $state_file): completing it"
    attempt=yes
    install_files
    live_restore_first
    restart_and_verify " (completing the apply an earlier run began)"
  else
    warn "an earlier apply (sha256=$j_sha256) stopped at step \"$j_phase\" (journal $state_file): rolling it back first"
    if ! rollback; then
      warn "could not roll back the interrupted apply ($engine_out)"
      log_since >&2
      explain_state
      exit 2
    fi
    warn "rolled back the interrupted apply: $config is the previous configuration again"
  fi ;;
esac
[ -z "$limit_problem" ] || die "$limit_problem"

# ── 4. changed? ──
changed=
if [ -f "$config" ] && cmp -s -- "$new" "$config"; then :; else changed="$config"; fi
tls_new=
tls_absent=
if [ -n "$tls_dir" ]; then
  for f in $tls_files; do
    staged="$tls_dir/$f$staged_suffix"
    [ -f "$staged" ] || continue
    if [ -f "$tls_dir/$f" ] && cmp -s -- "$staged" "$tls_dir/$f"; then rm -f -- "$staged"; continue; fi
    tls_new="${tls_new:+$tls_new }$f"
    [ -f "$tls_dir/$f" ] || tls_absent="${tls_absent:+$tls_absent }$f"
  done
  [ -z "$tls_new" ] || changed="${changed:+$changed and }TLS material: $tls_new"
fi

if [ -z "$changed" ]; then
  rm -f -- "$new"
  if wait_engine_up; then
    say "unchanged: $config sha256=$sha256; dockerd not restarted"
    check_bridge_icc
    exit 0
  fi
  die "the configuration is unchanged, but the engine on unix://$socket does not answer: $engine_out"
fi
say "changed: $changed"

# ── 5. the plan, recorded; the previous files kept ──
was_running=no
if engine_answers || dockerd_pid >/dev/null; then was_running=yes; fi
had_config=no
[ ! -f "$config" ] || had_config=yes
j_sha256=$sha256 j_had_config=$had_config j_installed=no j_tls_new=$tls_new j_tls_absent=$tls_absent
j_was_running=$was_running j_pid=$(dockerd_pid || true)
attempt=yes
journal staged
if [ "$had_config" = yes ]; then
  cp -p -- "$config" "$previous"
  sync_path "$previous"
fi
for f in $tls_new; do
  if [ -f "$tls_dir/$f" ]; then
    cp -p -- "$tls_dir/$f" "$tls_dir/$f.hd-previous"
    sync_path "$tls_dir/$f.hd-previous"
  fi
done
sync_path "$config_dir"
journal previous-saved

# ── 6. commit: from here on a rollback restores the previous files ──
j_installed=yes
journal restarting
install_files
live_restore_first
restart_and_verify ""
