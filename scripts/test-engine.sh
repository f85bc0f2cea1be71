#!/usr/bin/env bash
# A throw-away Docker engine for integration tests (see /work/shared/design.md).
#
#   test-engine.sh start DIR [DAEMON_JSON]   start dockerd in a network namespace of its own,
#                                            build the local busybox image, write DIR/env
#   test-engine.sh stop DIR                  stop it; clean up processes, mounts, the
#                                            namespace and DIR (idempotent)
#
# dockerd runs in its own network namespace (entered with `nsenter --net`, not `ip netns exec`,
# which remounts /sys and hides the cgroup mounts), so its bridge and iptables rules stay out of
# the machine's; containerd is started and supervised by dockerd itself. Everything the engine
# writes lives under DIR — data/ (data root, vfs layers), exec/ (exec root, containerd state),
# docker.sock, docker.pid, dockerd.log, daemon.json, key.json, env — and nothing under
# /etc/docker. The daemon configuration is DAEMON_JSON (or $HD_DAEMON_CONFIG) when given, else
# empty; never the host's /etc/docker/daemon.json. The copy in DIR gets one extra key,
# `deprecated-key-path` (see start()).
#
# DIR/env (KEY=value lines): DOCKER_HOST, HD_TEST_NETNS, HD_TEST_IMAGE, HD_TEST_ENGINE_DIR,
# HD_TEST_DOCKERD_PID.
#
# The image (HD_TEST_IMAGE, default hd-busybox:latest) is built with `docker import` (no registry
# is needed): static busybox with every applet linked in /bin, /etc/passwd and /etc/group with
# root and an unprivileged user 10001 "app", a 1777 /tmp, and /usr/sbin/sshd — a stand-in
# process for CIS 5.7 (see build_image).
#
# HD_CONFIG_FILE_FLAG: how dockerd is told its config file — `space` (default: `--config-file F`)
# or `equals` (`--config-file=F`); both forms are what CIS 1.1.11/3.17 auditors must honour.
#
# Installs nothing: needs root, Debian's docker.io and busybox-static (plus iproute2, util-linux
# and node, present wherever the tests run). HD_ENGINE_TIMEOUT: seconds to wait for the socket
# (default 60).
set -euo pipefail

IMAGE="${HD_TEST_IMAGE:-hd-busybox:latest}"
TIMEOUT="${HD_ENGINE_TIMEOUT:-60}"
BUSYBOX="${HD_BUSYBOX:-/usr/bin/busybox}"

die() { echo "test-engine: $*" >&2; exit 1; }
log() { echo "test-engine: $*" >&2; }

usage() { die "usage: $0 start DIR [DAEMON_JSON] | stop DIR"; }

require_tools() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (dockerd, network namespaces and mounts need it)"
  local missing=()
  local t
  for t in dockerd containerd runc docker; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  for t in ip nsenter node; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [[ -x $BUSYBOX ]] || missing+=("$BUSYBOX")
  if ((${#missing[@]})); then
    die "missing: ${missing[*]} — install the Debian packages docker.io busybox-static (and iproute2, util-linux)"
  fi
  # A dynamically linked busybox would not run in the image (it has no libc).
  if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
    die "$BUSYBOX is not statically linked — install busybox-static"
  fi
}

# Absolute path without requiring it to exist (realpath -m).
abspath() { realpath -m -- "$1"; }

# Deterministic per DIR, so `stop` finds the namespace even if DIR/env was never written.
netns_name() { printf 'hd-test-%s' "$(printf '%s' "$1" | md5sum | cut -c1-12)"; }

# Is PID alive (and not a zombie)?
alive() {
  local pid=$1 state
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# PIDs this engine owns: every process in the engine's network namespace (dockerd, containerd,
# shims, docker-proxy, host-network containers), every process whose command line names DIR
# (containerd/shims started with `--address DIR/exec/…`, in case the namespace is gone), and all
# their descendants (the containers' processes are children of the shims). Never matched by
# name alone; the caller kills exactly these pids.
engine_pids() {
  local dir=$1 netns=$2 ns_link="" p cmd comm
  [[ -e /var/run/netns/$netns ]] && ns_link="net:[$(stat -L -c %i "/var/run/netns/$netns")]"
  local -A own=() parent=()
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    # ppid is field 4 of /proc/PID/stat (after the parenthesised comm, which may contain spaces)
    local stat ppid
    stat=$(<"/proc/$p/stat") 2>/dev/null || continue
    read -r _ ppid _ <<<"${stat##*) }" # fields after the comm: state ppid …
    parent[$p]=$ppid
    if [[ -n $ns_link && $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$ns_link" ]]; then
      own[$p]=1
      continue
    fi
    comm=$(<"/proc/$p/comm") 2>/dev/null || continue
    case $comm in
      dockerd | containerd | containerd-shim* | docker-proxy | runc)
        cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
        [[ $cmd == *"$dir/"* ]] && own[$p]=1
        ;;
    esac
  done
  # descendants: repeat until no new pid joins
  local changed=1
  while ((changed)); do
    changed=0
    for p in "${!parent[@]}"; do
      if [[ -z ${own[$p]:-} && -n ${own[${parent[$p]}]:-} ]]; then
        own[$p]=1
        changed=1
      fi
    done
  done
  for p in "${!own[@]}"; do echo "$p"; done
  return 0
}

# Send SIG to each pid, wait up to SECS for all of them to exit.
kill_and_wait() {
  local sig=$1 secs=$2
  shift 2
  local p
  for p in "$@"; do alive "$p" && kill "-$sig" "$p" 2>/dev/null || true; done
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    local any=0
    for p in "$@"; do alive "$p" && any=1; done
    ((any)) || return 0
    sleep 0.2
  done
  return 1
}

build_image() {
  local dir=$1 rootfs applet
  rootfs=$(mktemp -d "$dir/rootfs.XXXXXX")
  chmod 755 "$rootfs" # mktemp made it 0700: it becomes the image's /
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home/app,proc,sys,dev,run,var/run}
  chmod 1777 "$rootfs/tmp"
  cp "$BUSYBOX" "$rootfs/bin/busybox"
  # Every applet as a symlink: tests use sh, sleep, id, cat, wget, nc, httpd, true, …
  for applet in $("$BUSYBOX" --list); do
    [[ $applet == busybox ]] && continue
    ln -sf busybox "$rootfs/bin/$applet"
  done
  # A stand-in `sshd` for CIS 5.7 (busybox has no SSH server): a copy of docker-init, the static
  # tini that ships with docker.io. `/usr/sbin/sshd -s -- sleep 3600` stays alive as a process
  # whose executable is /usr/sbin/sshd, which is what the engine's `top` shows. (A shell script
  # named sshd would show up as `/bin/sh /usr/sbin/sshd`, i.e. as a shell.)
  local init_bin
  init_bin=$(command -v docker-init || true)
  if [[ -n $init_bin ]] && LC_ALL=C grep -qa 'tini' "$init_bin"; then
    cp "$init_bin" "$rootfs/usr/sbin/sshd"
  else
    log "docker-init not found: /usr/sbin/sshd in $IMAGE is a shell script"
    printf '%s\n' '#!/bin/sh' '# placeholder process named sshd for tests' 'while :; do sleep 3600; done' \
      >"$rootfs/usr/sbin/sshd"
  fi
  chmod 755 "$rootfs/usr/sbin/sshd"
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:10001:10001:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
app:x:10001:
nogroup:x:65534:
EOF
  chown 10001:10001 "$rootfs/home/app"
  tar -C "$rootfs" --numeric-owner -c . |
    docker import --change 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
  rm -rf "$rootfs"
}

start() {
  local dir config netns sock pid
  dir=$(abspath "$1")
  config=${2:-${HD_DAEMON_CONFIG:-}}
  require_tools
  netns=$(netns_name "$dir")
  if [[ -r $dir/docker.pid ]] && alive "$(<"$dir/docker.pid")"; then
    die "an engine already runs for $dir (pid $(<"$dir/docker.pid")); stop it first"
  fi
  if ip netns list | awk '{print $1}' | grep -qx "$netns"; then
    die "network namespace $netns already exists (left over from an earlier run?) — run: $0 stop $dir"
  fi
  mkdir -p "$dir/data" "$dir/exec"
  sock="$dir/docker.sock"
  # unix socket paths are limited to 107 bytes (containerd's lives deeper, under exec/).
  ((${#dir} + 40 < 108)) || die "DIR too long for unix socket paths: $dir"

  # dockerd 20.10 writes its trust key to /etc/docker/key.json unless daemon.json names another
  # path (`deprecated-key-path`, a daemon.json-only key): keep it under DIR, off the host.
  if [[ -n $config ]]; then
    [[ -r $config ]] || die "daemon config $config not readable"
    node -e '
      const fs = require("fs");
      const [src, dst, key] = process.argv.slice(1);
      let cfg;
      try {
        cfg = JSON.parse(fs.readFileSync(src, "utf8"));
      } catch (e) {
        console.error(`${src}: ${e.message}`);
        process.exit(1);
      }
      if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) {
        console.error(`${src}: not a JSON object`);
        process.exit(1);
      }
      if (!("deprecated-key-path" in cfg)) cfg["deprecated-key-path"] = key;
      fs.writeFileSync(dst, JSON.stringify(cfg, null, 2) + "\n");
    ' "$config" "$dir/daemon.json" "$dir/key.json" || {
      (stop "$dir") >/dev/null 2>&1
      die "invalid daemon config $config"
    }
  else
    printf '{\n  "deprecated-key-path": "%s"\n}\n' "$dir/key.json" >"$dir/daemon.json"
  fi

  # dockerd 20.10 uses a system containerd when its socket exists instead of starting its own;
  # the engine then still works, but its shims are the system containerd's, outside DIR.
  if [[ -S /run/containerd/containerd.sock ]]; then
    log "warning: /run/containerd/containerd.sock exists: dockerd will use that containerd instead of its own"
  fi

  ip netns add "$netns"
  nsenter --net="/var/run/netns/$netns" ip link set lo up

  # setsid: dockerd gets its own session so a Ctrl-C in the caller's terminal does not reach it;
  # stop() is what ends it.
  local config_flag=(--config-file "$dir/daemon.json")
  case "${HD_CONFIG_FILE_FLAG:-space}" in
    space) ;;
    equals) config_flag=("--config-file=$dir/daemon.json") ;;
    *) die "HD_CONFIG_FILE_FLAG must be space or equals (got ${HD_CONFIG_FILE_FLAG})" ;;
  esac
  nsenter --net="/var/run/netns/$netns" setsid dockerd \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/docker.pid" \
    -H "unix://$sock" \
    --storage-driver vfs \
    "${config_flag[@]}" \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/dockerd.launcher.pid"

  local deadline=$((SECONDS + TIMEOUT))
  until DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; do
    if ! alive "$pid"; then
      log "dockerd exited during start-up; last lines of $dir/dockerd.log:"
      tail -n 30 "$dir/dockerd.log" >&2 || true
      (stop "$dir") >/dev/null 2>&1 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "dockerd did not answer on $sock within ${TIMEOUT}s; last lines of $dir/dockerd.log:"
      tail -n 30 "$dir/dockerd.log" >&2 || true
      (stop "$dir") >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.3
  done

  export DOCKER_HOST="unix://$sock"
  if ! build_image "$dir"; then
    log "building $IMAGE failed"
    (stop "$dir") >/dev/null 2>&1 || true
    exit 1
  fi

  cat >"$dir/env" <<EOF
DOCKER_HOST=unix://$sock
HD_TEST_NETNS=$netns
HD_TEST_IMAGE=$IMAGE
HD_TEST_ENGINE_DIR=$dir
HD_TEST_DOCKERD_PID=$(cat "$dir/docker.pid" 2>/dev/null || echo "$pid")
EOF
  log "engine up: DOCKER_HOST=unix://$sock netns=$netns image=$IMAGE"
  cat "$dir/env"
}

stop() {
  local dir netns pid
  dir=$(abspath "$1")
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  netns=$(netns_name "$dir")

  # 0. Kill running containers through the API first: on SIGTERM dockerd would give each one
  #    10 s (processes like `sleep` as PID 1 ignore SIGTERM) — the data dies with DIR anyway.
  if [[ -S $dir/docker.sock ]]; then
    local running
    running=$(DOCKER_HOST="unix://$dir/docker.sock" timeout 10 docker ps -q 2>/dev/null || true)
    if [[ -n $running ]]; then
      # shellcheck disable=SC2086 # one id per word
      DOCKER_HOST="unix://$dir/docker.sock" timeout 20 docker kill $running >/dev/null 2>&1 || true
    fi
  fi

  # 1. dockerd, by its pid (pidfile, else the launcher's pid). SIGTERM lets it stop its
  #    containers and its containerd; SIGKILL after a grace period.
  local pids=()
  local f
  for f in "$dir/docker.pid" "$dir/dockerd.launcher.pid"; do
    if [[ -r $f ]]; then
      pid=$(cat "$f")
      if alive "$pid"; then pids+=("$pid"); fi
    fi
  done
  if ((${#pids[@]})); then
    kill_and_wait TERM 30 "${pids[@]}" || kill_and_wait KILL 10 "${pids[@]}" || log "dockerd ${pids[*]} did not exit"
    # dockerd was orphaned when `start` returned, so init reaps it; give it a moment so that
    # a `pgrep dockerd` right after `stop` does not list a <defunct> entry.
    local deadline=$((SECONDS + 5)) p
    for p in "${pids[@]}"; do
      while [[ -e /proc/$p ]] && ((SECONDS < deadline)); do sleep 0.1; done
    done
  fi

  # 2. Whatever dockerd left behind (containerd, shims, docker-proxy, containers — e.g. with
  #    live-restore, or after a SIGKILL).
  local left
  mapfile -t left < <(engine_pids "$dir" "$netns")
  if ((${#left[@]})); then
    log "stopping leftover processes: ${left[*]}"
    kill_and_wait TERM 5 "${left[@]}" || kill_and_wait KILL 10 "${left[@]}" || true
    mapfile -t left < <(engine_pids "$dir" "$netns")
    local survivors=() p
    for p in "${left[@]}"; do if alive "$p"; then survivors+=("$p"); fi; done
    ((${#survivors[@]} == 0)) || die "processes of the engine in $dir survived SIGKILL: ${survivors[*]}"
  fi

  # 3. Mounts under DIR (container rootfs, netns files, shm, the data root's own bind),
  #    deepest first; lazy unmount as the last resort.
  local m attempt mounts
  for attempt in 1 2 3; do
    mapfile -t mounts < <(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    ((${#mounts[@]})) || break
    for m in "${mounts[@]}"; do
      m=$(printf '%b' "$m") # mountinfo escapes spaces as \040
      umount "$m" 2>/dev/null || { ((attempt == 3)) && umount -l "$m" 2>/dev/null; } || true
    done
  done

  # 4. The namespace.
  if ip netns list | awk '{print $1}' | grep -qx "$netns"; then
    ip netns delete "$netns" || log "could not delete network namespace $netns"
  fi

  # 5. DIR itself (only when nothing is mounted under it any more — never delete through a mount).
  if [[ -d $dir ]]; then
    if awk -v d="$dir/" 'index($5, d) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
      die "mounts remain under $dir; not deleting it"
    fi
    rm -rf --one-file-system "$dir"
  fi
  return 0
}

[[ $# -ge 2 ]] || usage
case "$1" in
  start) start "$2" "${3:-}" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
