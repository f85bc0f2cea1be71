/**
 * The host script that puts Docker's data root on a filesystem of its own (CIS 1.1.1) for
 * HardenedHost, migrating what is there without losing a byte. Rendered here, as text, so unit
 * tests read it and the integration test runs exactly what Pulumi sends to the host.
 *
 * Two sources:
 * - `device` (a block device, or an LVM logical volume as /dev/VG/LV): an ext4 filesystem labelled
 *   `label` is made on it, mounted at the data root by UUID through fstab.
 * - `mount` (an existing mount point on another filesystem): the data is copied into
 *   `<mount>/docker`, which is bind-mounted at the data root through fstab. When the mount point
 *   IS the data root, the script only verifies that it is a filesystem of its own.
 *
 * The device is used only when it is empty: no signature (`blkid -p`, `wipefs -n`), no partition
 * table, not mounted, not swap, no holders (LVM/md/dm on top), no partitions, and its first MiB
 * all zeros. A non-empty device is refused unless it holds this component's own filesystem (label
 * AND the UUID recorded in the state file, from a run that never switched over), or wiping was
 * allowed (the `hd-wipe-data-device` exemption). Every refusal happens before anything changes.
 *
 * Migration, in order (docker runs until step 4):
 *  1. checks: root, tools, GNU tar features; the engine answers and its DockerRootDir is the data
 *     root; fstab has no entry for the data root yet; the image/container/volume inventory.
 *  2. mkfs.ext4 -L label -U <new uuid> (device) and a staging mount `<dataRoot>.hd-staging`;
 *     the free space is checked against `du` of the data root.
 *  3. `systemctl stop docker.socket docker`, wait until dockerd is gone and nothing is mounted
 *     under the data root any more (live-restore containers would keep mounts there: refused).
 *  4. copy: `rsync -aHAX --numeric-ids` when installed, else a GNU tar pipe with --xattrs --acls
 *     (both keep owners, modes, ACLs, xattrs, hard links, symlinks, devices, mtimes, holes).
 *  5. verify: sha256 of a name-sorted pax stream of each tree (content, modes, numeric owners,
 *     mtimes, link targets, hard-link structure, xattrs and ACLs), old and new must be equal.
 *  6. switch: the old root is RENAMED to `<dataRoot>.hd-old-<time>` (never deleted), an fstab line
 *     is added (a marker comment above it), `mount -T fstab <dataRoot>` mounts it from fstab, and a
 *     docker.service drop-in `RequiresMountsFor=<dataRoot>` keeps dockerd from ever starting on an
 *     empty directory if the mount is missing at boot.
 *  7. `systemctl start docker docker.socket`; the inventory must equal the one before, the
 *     engine's DockerRootDir must still be the data root, and the data root must be on the device.
 * On any failure from step 3 on, an EXIT trap undoes what was done in reverse (stop the engine if
 * it was started on the new root, unmount, restore fstab, remove the drop-in, rename the old root
 * back) and starts docker on the old root: exit 1. If even that fails: exit 2, saying what is where.
 *
 * Idempotent: when the data root is already on the device (or the bind source), it only makes
 * sure fstab and the drop-in are there, and reports "unchanged".
 *
 * Testability: every host path is a parameter; `systemctl` and `docker` are looked up on PATH (a
 * test puts a stand-in systemctl first); the engine is reached at `dockerSocket`. With
 * `failureInjection` (tests only; never set by HardenedHost) the script fails on purpose at the
 * step named by the environment variable HD_FAIL_AT: after-stop, after-copy, after-verify,
 * after-switch, after-start.
 *
 * POSIX sh (dash and bash).
 */
import { engineShellFunctions } from "./engine-shell";
import { assertHostPath, parentDir } from "./host-paths";
import { REPORT_FUNCTIONS } from "./host-report";
import { shellQuote } from "./quote";
import { messageFunctions, REQUIRE_ROOT } from "./shell-prelude";

/** The steps at which a test can make the script fail (HD_FAIL_AT). */
export const FAILURE_POINTS = ["after-stop", "after-copy", "after-verify", "after-switch", "after-start"] as const;
export type FailurePoint = (typeof FAILURE_POINTS)[number];

/** Default filesystem label of the data root filesystem this component makes. */
export const DEFAULT_DATA_LABEL = "hd-docker-data";
/** The fstab comment line placed above the entry this component writes. */
export const FSTAB_MARKER = "# hardened-docker: Docker data root on its own filesystem (CIS 1.1.1)";
/** Name of the docker.service drop-in that makes dockerd require the data root mount. */
export const DROPIN_NAME = "hardened-docker-data-root.conf";

export type DataRootSource = { kind: "device"; device: string } | { kind: "mount"; mount: string };

export interface DataRootOptions {
  /** The data root dockerd uses (its DockerRootDir). */
  dataRoot: string;
  source: DataRootSource;
  /** ext4 label of the filesystem this component makes (device source). */
  label: string;
  /** fstab to edit (the host's /etc/fstab). */
  fstab: string;
  /** Where the script records the UUID it made and how far it got. */
  stateFile: string;
  /** docker.service drop-in directory for RequiresMountsFor; undefined = do not write one. */
  unitDropInDir?: string;
  /** dockerd's unix socket. */
  dockerSocket: string;
  /** dockerd's pid file (to wait until it is gone). */
  pidFile: string;
  /** Wipe a device that holds something (the hd-wipe-data-device exemption). */
  allowWipe: boolean;
  /** Seconds to wait for dockerd to stop, and to answer after a start. */
  timeoutSeconds: number;
  /** Copy tool; "auto" = rsync when installed, else GNU tar. */
  copyTool?: "auto" | "rsync" | "tar";
  /** TESTS ONLY: honour HD_FAIL_AT. HardenedHost never sets it. */
  failureInjection?: boolean;
}

// ───────────── validation of what reaches the script ─────────────

/** Block device names accepted: sd/vd/xvd/hd disks and their partitions, loop, nvme, /dev/mapper/NAME, /dev/VG/LV. */
const DEVICE_PATTERNS = [
  /^\/dev\/loop\d{1,4}$/,
  /^\/dev\/(?:sd|vd|xvd|hd)[a-z]{1,3}\d{0,3}$/,
  /^\/dev\/nvme\d{1,3}n\d{1,3}(?:p\d{1,3})?$/,
  /^\/dev\/mapper\/[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,127}$/,
  /^\/dev\/[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,127}\/[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,127}$/,
];
/** /dev subdirectories that are never an LVM volume group. */
const NOT_VOLUME_GROUPS = new Set(["disk", "mapper", "shm", "pts", "fd", "char", "block", "bus", "cpu", "dri", "net", "snd", "input", "hugepages", "mqueue", "vfio", "usb", "serial", "md", "dm", "loop", "zram", "vhost-net", "v4l"]);

/** Why `device` is not an acceptable block device path, or undefined. */
export function deviceProblem(device: unknown): string | undefined {
  const expected = "must be a block device path: /dev/loopN, /dev/sdX[N], /dev/vdX[N], /dev/xvdX[N], /dev/nvmeXnY[pZ], /dev/mapper/NAME or /dev/VG/LV";
  if (typeof device !== "string" || !DEVICE_PATTERNS.some((p) => p.test(device))) return expected;
  const [, , dir, name] = device.split("/");
  if (name === undefined) return undefined; // /dev/NAME: one of the disk patterns
  if (name === "." || name === ".." || dir === "." || dir === "..") return expected;
  if (dir === "mapper") return name === "control" ? expected : undefined;
  // /dev/VG/LV: VG must not be a /dev directory or a device of its own (/dev/sda1/x).
  if (NOT_VOLUME_GROUPS.has(dir) || DEVICE_PATTERNS.slice(0, 3).some((p) => p.test(`/dev/${dir}`))) return expected;
  return undefined;
}

/** LVM volume group / logical volume names (lvm(8): [A-Za-z0-9+_.-], not starting with "-", not "." or ".."). */
export function lvmNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || !/^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/.test(name) || name === "." || name === "..")
    return "must be an LVM name: letters, digits and + _ . - (not starting with -), at most 127 characters";
  if (NOT_VOLUME_GROUPS.has(name)) return `"${name}" is a /dev directory, not a volume group`;
  return undefined;
}

/** The device node of an LVM logical volume. */
export function lvmDevice(volumeGroup: string, logicalVolume: string): string {
  return `/dev/${volumeGroup}/${logicalVolume}`;
}

/** Directories that must never be moved aside as a "data root". */
const SYSTEM_DIRS = new Set(["/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/run", "/var/tmp", "/var/log"]);

/** Why `path` cannot be a data root (or an existing mount used for it), or undefined. */
export function dataRootPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string") return "must be a string";
  const m = /^\/[A-Za-z0-9._+@/-]*$/.test(path);
  if (!m || !path.startsWith("/")) return "must be an absolute path of letters, digits and / . _ - + @";
  if (path.split("/").some((s) => s === ".." || s === ".")) return 'must not contain "." or ".." segments';
  if (path.includes("//") || (path !== "/" && path.endsWith("/"))) return "must be a normalised path (no // and no trailing /)";
  if (SYSTEM_DIRS.has(path)) return "is a system directory";
  return undefined;
}

/** ext4 labels: at most 16 bytes; a conservative character set. */
export function labelProblem(label: unknown): string | undefined {
  return typeof label === "string" && /^[A-Za-z0-9_][A-Za-z0-9_-]{0,15}$/.test(label) ? undefined : "must be 1–16 of [A-Za-z0-9_-], not starting with - (an ext4 label)";
}

function check(what: string, problem: string | undefined, value: unknown): void {
  if (problem) throw new Error(`${what} = ${JSON.stringify(value)}: ${problem}`);
}

// ───────────── the script ─────────────

/** Render the data-root script. Validates every value it embeds; throws Error on a bad one. */
export function renderDataRootScript(o: DataRootOptions): string {
  check("dataRoot", dataRootPathProblem(o.dataRoot), o.dataRoot);
  if (o.source.kind === "device") check("device", deviceProblem(o.source.device), o.source.device);
  else {
    check("mount", dataRootPathProblem(o.source.mount), o.source.mount);
    if (o.source.mount !== o.dataRoot && (o.dataRoot.startsWith(o.source.mount + "/") || o.source.mount.startsWith(o.dataRoot + "/")))
      throw new Error(`mount = ${JSON.stringify(o.source.mount)}: must not contain, or lie inside, the data root ${o.dataRoot}`);
  }
  check("label", labelProblem(o.label), o.label);
  const fstab = assertHostPath("fstab", o.fstab);
  const stateFile = assertHostPath("stateFile", o.stateFile);
  const dropInDir = o.unitDropInDir === undefined ? "" : assertHostPath("unitDropInDir", o.unitDropInDir);
  const socket = assertHostPath("dockerSocket", o.dockerSocket);
  const pidFile = assertHostPath("pidFile", o.pidFile);
  if (!Number.isSafeInteger(o.timeoutSeconds) || o.timeoutSeconds < 5 || o.timeoutSeconds > 3600)
    throw new Error(`timeoutSeconds = ${JSON.stringify(o.timeoutSeconds)}: must be an integer from 5 to 3600`);
  const copyTool = o.copyTool ?? "auto";
  if (!["auto", "rsync", "tar"].includes(copyTool)) throw new Error(`copyTool = ${JSON.stringify(copyTool)}: must be auto, rsync or tar`);

  const q = shellQuote;
  const dataRoot = o.dataRoot;
  return `#!/bin/sh
# hardened-docker HardenedHost: Docker data root on its own filesystem (CIS 1.1.1).
# Rendered by src/scripts/data-root.ts (see there for every step). Refuses non-empty devices;
# migrates with docker stopped; verifies; on failure restores the old data root and restarts docker.
set -eu
umask 022
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LC_ALL=C
export LC_ALL

data_root=${q(dataRoot)}
kind=${o.source.kind}
device=${q(o.source.kind === "device" ? o.source.device : "")}
mount_src=${q(o.source.kind === "mount" ? o.source.mount : "")}
label=${q(o.label)}
fstab=${q(fstab)}
state_file=${q(stateFile)}
dropin_dir=${q(dropInDir)}
socket=${q(socket)}
pidfile=${q(pidFile)}
allow_wipe=${o.allowWipe ? "yes" : "no"}
timeout_s=${o.timeoutSeconds}
copy_tool=${copyTool}
${o.failureInjection ? 'fail_at=${HD_FAIL_AT:-} # TESTS ONLY (rendered with failureInjection)' : "fail_at="}
fstab_marker=${q(FSTAB_MARKER)}
parent=${q(parentDir(dataRoot))}
staging=${q(`${dataRoot}.hd-staging`)}
dropin=
[ -z "$dropin_dir" ] || dropin="$dropin_dir/${DROPIN_NAME}"

${messageFunctions("hd-data-root")}
${REPORT_FUNCTIONS}
inject() { if [ -n "$fail_at" ] && [ "$fail_at" = "$1" ]; then die "injected failure at step $1 (failure injection: tests only)"; fi; }

${REQUIRE_ROOT}
for tool in blkid wipefs mkfs.ext4 mount umount findmnt lsblk tar sha256sum cmp awk sed sort mktemp du df docker systemctl timeout readlink; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool on the host: $tool"
done
# GNU tar's --sort/--xattrs/--acls verify the copy; without them nothing is touched.
tar --sort=name --xattrs --xattrs-include='*' --acls --format=posix -cf /dev/null -T /dev/null 2>/dev/null ||
  die "GNU tar with --sort, --xattrs and --acls is needed to verify the copy; nothing was changed"
case $copy_tool in
  auto) if command -v rsync >/dev/null 2>&1; then copy_tool=rsync; else copy_tool=tar; fi ;;
  rsync) command -v rsync >/dev/null 2>&1 || die "missing tool on the host: rsync" ;;
esac

# ── the engine ──
${engineShellFunctions({ callTimeoutSeconds: 30, pollSeconds: 0.5 })}
dockerd_alive() { # the pid in the pid file is a live (non-zombie) process
  p=$(cat "$pidfile" 2>/dev/null || true)
  case $p in '' | *[!0-9]*) return 1 ;; esac
  [ -r "/proc/$p/stat" ] || return 1
  st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$st" != Z ]
}
wait_engine_down() {
  deadline=$(( $(date +%s) + timeout_s ))
  while engine_answers || dockerd_alive; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}
stop_docker() {
  systemctl stop docker.socket >/dev/null 2>&1 || true
  out=$(systemctl stop docker 2>&1) || { warn "systemctl stop docker failed: $out"; return 1; }
  wait_engine_down || { warn "dockerd did not stop within \${timeout_s}s"; return 1; }
}
start_docker() {
  out=$(systemctl start docker 2>&1) || { engine_out="systemctl start docker failed: $out"; return 1; }
  systemctl start docker.socket >/dev/null 2>&1 || true
  wait_engine_up
}
# What the engine holds, one "kind id" per line, sorted.
inventory() {
  inv_images=$(engine image ls -aq --no-trunc) || return 1
  inv_containers=$(engine ps -aq --no-trunc) || return 1
  inv_volumes=$(engine volume ls -q) || return 1
  {
    printf '%s\\n' "$inv_images" | sed '/^$/d; s/^/image /'
    printf '%s\\n' "$inv_containers" | sed '/^$/d; s/^/container /'
    printf '%s\\n' "$inv_volumes" | sed '/^$/d; s/^/volume /'
  } | sort -u
}
count_of() { printf '%s\\n' "$1" | grep -c "^$2 " || true; }

# ── filesystems ──
mm_of() { findmnt -n -o MAJ:MIN -T "$1" 2>/dev/null | tail -n 1 | tr -d ' '; }          # device of the filesystem holding $1
mm_at() { findmnt -n -o MAJ:MIN -M "$1" 2>/dev/null | tail -n 1 | tr -d ' '; }          # device mounted exactly at $1
mounted_at() { awk -v p="$1" '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo; }
mounts_under() { awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo; }
state_get() {
  if [ -f "$state_file" ]; then sed -n "s/^$1=//p" "$state_file" | head -n 1; fi
  return 0
}
state_put() { # PHASE UUID
  mkdir -p -- "$(dirname -- "$state_file")"
  st_tmp=$(mktemp "$state_file.XXXXXX")
  printf 'uuid=%s\\nsource=%s\\ndata_root=%s\\nphase=%s\\n' "$2" "$device$mount_src" "$data_root" "$1" >"$st_tmp"
  chmod 0644 -- "$st_tmp"
  mv -f -- "$st_tmp" "$state_file"
}
fstab_entry() { # the non-comment fstab lines that mount something at the data root
  if [ -f "$fstab" ]; then awk -v mp="$data_root" '!/^[ \\t]*#/ && $2 == mp' "$fstab"; fi
  return 0
}
fstab_changed=no
had_fstab=no
fstab_add() { # SPEC TYPE OPTIONS PASS: replace this component's entry for the data root, atomically
  fs_tmp=$(mktemp "$fstab.hd-XXXXXX")
  if [ -f "$fstab" ]; then
    cp -p -- "$fstab" "$fstab.hd-previous"
    had_fstab=yes
    awk -v mp="$data_root" -v marker="$fstab_marker" '$0 == marker { next } !/^[ \\t]*#/ && $2 == mp { next } { print }' "$fstab" >"$fs_tmp"
  fi
  printf '%s\\n%s %s %s %s 0 %s\\n' "$fstab_marker" "$1" "$data_root" "$2" "$3" "$4" >>"$fs_tmp"
  chmod 0644 -- "$fs_tmp"
  mv -f -- "$fs_tmp" "$fstab"
  fstab_changed=yes
}
fstab_restore() {
  if [ "$had_fstab" = yes ]; then mv -f -- "$fstab.hd-previous" "$fstab"; else rm -f -- "$fstab"; fi
}
dropin_written=no
ensure_dropin() {
  [ -n "$dropin" ] || return 0
  want=$(printf '# Written by hardened-docker (HardenedHost): dockerd starts only with its data root mounted (CIS 1.1.1).\\n[Unit]\\nRequiresMountsFor=%s\\n' "$data_root")
  if [ -f "$dropin" ] && [ "$(cat "$dropin")" = "$want" ]; then return 0; fi
  mkdir -p -- "$dropin_dir"
  printf '%s\\n' "$want" >"$dropin.hd-tmp"
  chmod 0644 -- "$dropin.hd-tmp"
  mv -f -- "$dropin.hd-tmp" "$dropin"
  dropin_written=yes
  systemctl daemon-reload >/dev/null 2>&1 || warn "systemctl daemon-reload failed"
  did "wrote $dropin (RequiresMountsFor=$data_root)"
}

# tar options that capture everything a file is: content, mode, numeric owner, mtime, link
# target, hard-link structure, xattrs (trusted.overlay.*, security.capability, …) and ACLs.
tar_meta() { tar --numeric-owner --xattrs --xattrs-include='*' --acls --format=posix "$@"; }
# sha256 of a name-sorted pax stream of tree $1 (atime/ctime and pid-dependent header names
# left out, the filesystem's own lost+found too). Fails if tar fails.
tree_hash() {
  th_rc=$(mktemp)
  th_sum=$( { (cd "$1" && tar_meta --sort=name --anchored --exclude=./lost+found \\
      --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' -cf - .); echo $? >"$th_rc"; } | sha256sum)
  th_status=$(cat "$th_rc"); rm -f -- "$th_rc"
  [ "$th_status" = 0 ] || return 1
  printf '%s\\n' "\${th_sum%% *}"
}
copy_tree() { # SRC DST
  case $copy_tool in
    rsync) rsync -aHAX --numeric-ids --sparse -- "$1/" "$2/" ;;
    tar)
      ct_rc=$(mktemp)
      { (cd "$1" && tar_meta --sparse -cf - .); echo $? >"$ct_rc"; } | (cd "$2" && tar_meta -xpf -) || { rm -f -- "$ct_rc"; return 1; }
      ct_status=$(cat "$ct_rc"); rm -f -- "$ct_rc"
      [ "$ct_status" = 0 ]
      ;;
  esac
}

# ── undo (EXIT trap): everything from the moment docker is stopped is reversible ──
changing=no
stopped=no
started_new=no
staged=no
renamed=no
old=
mounted_new=no
made_target=no
target=
before=
rollback() {
  ok=yes
  if [ "$started_new" = yes ]; then stop_docker || ok=no; fi
  if [ "$mounted_new" = yes ] && mounted_at "$data_root"; then
    umount -- "$data_root" 2>/dev/null || { sleep 1; umount -- "$data_root"; } || { warn "could not unmount the new filesystem from $data_root"; ok=no; }
  fi
  if [ "$staged" = yes ]; then umount -- "$staging" 2>/dev/null || { warn "could not unmount $staging"; ok=no; }; fi
  if [ -d "$staging" ] && ! mounted_at "$staging"; then rmdir -- "$staging" 2>/dev/null || true; fi
  if [ "$fstab_changed" = yes ]; then fstab_restore || { warn "could not restore $fstab (the previous one is $fstab.hd-previous)"; ok=no; }; fi
  if [ "$dropin_written" = yes ]; then rm -f -- "$dropin"; systemctl daemon-reload >/dev/null 2>&1 || true; fi
  if [ "$renamed" = yes ]; then
    if [ "$ok" = yes ] && rmdir -- "$data_root" && mv -- "$old" "$data_root"; then
      renamed=no
    else
      warn "the old data root is intact at $old; move it back to $data_root by hand once $data_root is free"
      ok=no
    fi
  fi
  if [ "$made_target" = yes ] && [ -n "$target" ] && [ "$ok" = yes ]; then rm -rf --one-file-system -- "$target"; fi
  if [ "$stopped" = yes ]; then
    if [ "$ok" = yes ]; then
      if start_docker; then
        now_inv=$(inventory) || now_inv=
        if [ "$now_inv" != "$before" ]; then warn "after the rollback the engine lists other objects than before"; ok=no; fi
      else
        warn "docker did not start again on the old data root: $engine_out"
        ok=no
      fi
    else
      warn "docker is left stopped: the old data root is not back in place"
    fi
  fi
  [ "$ok" = yes ]
}
on_exit() {
  status=$?
  trap - EXIT
  # The undo must run to its end: a second signal, or a closed SSH session (SIGPIPE on the next
  # message), must not cut it short.
  trap '' HUP INT TERM PIPE
  set +e
  if [ "$status" -ne 0 ] && [ "$changing" = yes ]; then
    warn "rolling back"
    if rollback; then
      warn "rolled back: $data_root is the old data root again, unchanged$( [ "$stopped" = yes ] && printf ', and docker runs on it' )"
      exit 1
    fi
    warn "ROLLBACK INCOMPLETE: see the messages above"
    exit 2
  fi
  # A refusal before docker was stopped: undo only the staging.
  if [ "$staged" = yes ]; then umount -- "$staging" 2>/dev/null && rmdir -- "$staging" 2>/dev/null; fi
  if [ "$status" -ne 0 ] && [ "$made_target" = yes ]; then rmdir -- "$target" 2>/dev/null; fi
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

# ── 1. where things are ──
[ ! -L "$data_root" ] || die "$data_root is a symbolic link; give the real path of the data root. Nothing was changed."
if [ -e "$data_root" ] && [ ! -d "$data_root" ]; then die "$data_root exists and is not a directory. Nothing was changed."; fi
[ -d "$parent" ] || die "$parent does not exist. Nothing was changed."
has_root=no
[ -d "$data_root" ] && has_root=yes
parent_mm=$(mm_of "$parent")
slash_mm=$(mm_of /)
root_mm=$parent_mm
[ "$has_root" = no ] || root_mm=$(mm_of "$data_root")

if [ "$kind" = device ]; then
  [ -b "$device" ] || die "$device is not a block device on this host. Nothing was changed."
  dev=$(readlink -f -- "$device")
  dev_mm=$(lsblk -dnro MAJ:MIN -- "$dev" | tr -d ' ')
  [ -n "$dev_mm" ] || die "lsblk does not know $device. Nothing was changed."
  if [ "$root_mm" = "$dev_mm" ]; then
    # Done before (or set up by hand): make sure it stays that way across reboots.
    if [ -z "$(fstab_entry)" ]; then
      uuid=$(blkid -p -s UUID -o value -- "$dev" 2>/dev/null || true)
      [ -n "$uuid" ] || die "$data_root is on $device, but $device has no filesystem UUID for fstab"
      fstab_add "UUID=$uuid" ext4 defaults 2
      rm -f -- "$fstab.hd-previous"
      systemctl daemon-reload >/dev/null 2>&1 || true
      did "added the fstab entry for $data_root (UUID=$uuid)"
    fi
    ensure_dropin
    rec_uuid=$(state_get uuid)
    if [ -n "$rec_uuid" ] && [ "$(state_get phase)" != switched ] && [ "$(blkid -p -s UUID -o value -- "$dev" 2>/dev/null || true)" = "$rec_uuid" ]; then state_put switched "$rec_uuid"; fi
    report
    fact action unchanged
    say "unchanged: $data_root is on $device"
    exit 0
  fi
  [ "$root_mm" = "$parent_mm" ] || die "$data_root is already on a filesystem of its own ($(findmnt -n -o SOURCE -T "$data_root" | tail -n 1)), not on $device. To keep it, declare dataRoot.mount = \\"$data_root\\". Nothing was changed."
else
  [ -d "$mount_src" ] || die "$mount_src does not exist. Nothing was changed."
  src_mm=$(mm_at "$mount_src")
  [ -n "$src_mm" ] || die "$mount_src is not a mount point. Nothing was changed."
  if [ "$mount_src" = "$data_root" ]; then
    [ "$src_mm" != "$(mm_of "$parent")" ] && [ "$src_mm" != "$slash_mm" ] ||
      die "$data_root is a mount point, but of the same filesystem as $parent or /. Nothing was changed."
    [ -n "$(fstab_entry)" ] || warn "$data_root has no fstab entry: it will not be mounted after a reboot"
    ensure_dropin
    report
    fact action unchanged
    say "unchanged: $data_root is a filesystem of its own"
    exit 0
  fi
  [ "$src_mm" != "$parent_mm" ] && [ "$src_mm" != "$slash_mm" ] ||
    die "$mount_src is on the same filesystem as $parent or /: the data root would not be on a filesystem of its own. Nothing was changed."
  target="$mount_src/docker"
  if [ "$root_mm" = "$src_mm" ]; then
    ensure_dropin
    report
    fact action unchanged
    say "unchanged: $data_root is on the filesystem of $mount_src"
    exit 0
  fi
  [ "$root_mm" = "$parent_mm" ] || die "$data_root is already on a filesystem of its own ($(findmnt -n -o SOURCE -T "$data_root" | tail -n 1)). Nothing was changed."
fi

existing=$(fstab_entry)
[ -z "$existing" ] || die "$fstab already has an entry for $data_root ($existing) that does not match what is mounted there. Fix or remove it first. Nothing was changed."
left=$(mounts_under "$staging")
if [ -n "$left" ] && [ "$kind" = device ] && [ "$(mm_at "$staging")" = "$dev_mm" ]; then
  umount -- "$staging" || die "could not unmount $staging left by an earlier run"
fi
if [ -e "$staging" ]; then
  [ -d "$staging" ] && [ -z "$(ls -A -- "$staging")" ] && ! mounted_at "$staging" || die "$staging exists and is not an empty directory. Nothing was changed."
fi

# ── 2. is the device free and empty? ──
wipe=no
if [ "$kind" = device ]; then
  where=$(awk -v d="$dev_mm" '$3 == d { print $5 }' /proc/self/mountinfo | tr '\\n' ' ')
  [ -z "$where" ] || die "refused: $device is mounted ($where). Nothing was changed."
  if awk -v d="$dev" 'NR > 1 && $1 == d { f = 1 } END { exit !f }' /proc/swaps; then die "refused: $device is in use as swap. Nothing was changed."; fi
  sys=/sys/dev/block/$dev_mm
  if [ -d "$sys/holders" ] && [ -n "$(ls -A -- "$sys/holders")" ]; then die "refused: $device is in use by $(ls -- "$sys/holders" | tr '\\n' ' ')(LVM, RAID or device-mapper). Nothing was changed."; fi
  for p in "$sys"/*/partition; do
    if [ -e "$p" ]; then die "refused: $device has partitions. Give one partition, or an empty disk. Nothing was changed."; fi
  done
  [ "$(cat "$sys/ro" 2>/dev/null || echo 0)" = 0 ] || die "refused: $device is read-only. Nothing was changed."
  size_kib=$(( $(lsblk -bdnro SIZE -- "$dev") / 1024 ))
  [ "$size_kib" -ge 65536 ] || die "refused: $device is smaller than 64 MiB. Nothing was changed."

  probe=$(blkid -p -o export -- "$dev" 2>/dev/null) || probe=
  sigs=$(wipefs -n -- "$dev" 2>&1) || die "wipefs could not read $device: $sigs"
  p_type=$(printf '%s\\n' "$probe" | sed -n 's/^TYPE=//p')
  p_pttype=$(printf '%s\\n' "$probe" | sed -n 's/^PTTYPE=//p')
  p_label=$(printf '%s\\n' "$probe" | sed -n 's/^LABEL=//p')
  p_uuid=$(printf '%s\\n' "$probe" | sed -n 's/^UUID=//p')
  rec_uuid=$(state_get uuid)
  rec_phase=$(state_get phase)
  rec_root=$(state_get data_root)
  holds=$(printf '%s\\n' "$probe" | grep -E '^(TYPE|PTTYPE|LABEL|UUID)=' | tr '\\n' ' ' || true)
  if [ "$p_type" = ext4 ] && [ -z "$p_pttype" ] && [ "$p_label" = "$label" ] && [ -n "$rec_uuid" ] && [ "$p_uuid" = "$rec_uuid" ] && [ "$rec_root" = "$data_root" ]; then
    [ "$rec_phase" != switched ] || die "refused: $device holds the data root this component migrated (UUID=$p_uuid) but it is not mounted at $data_root. Mount it (mount UUID=$p_uuid $data_root) or find out why before running this again. Nothing was changed."
    say "$device holds this component's own filesystem from an earlier run that did not finish: making it again"
  elif [ -n "$probe" ] || [ -n "$sigs" ]; then
    [ "$allow_wipe" = yes ] || die "refused: $device is not empty: it holds \${holds:-signatures wipefs reports}. HardenedHost only formats an empty device (or one it formatted itself). Give another device, or wipe this one by adding the exemption { rule: \\"hd-wipe-data-device\\", reason: \\"…\\" } if its data may be destroyed. Nothing was changed."
    wipe=yes
  elif ! cmp -s -n 1048576 -- "$dev" /dev/zero; then
    [ "$allow_wipe" = yes ] || die "refused: $device holds data no probe recognises (its first MiB is not all zeros). Give another device, or allow wiping it with the exemption hd-wipe-data-device. Nothing was changed."
    wipe=yes
  fi
fi

# ── 3. the engine before ──
was_running=no
if engine_answers; then
  was_running=yes
  engine_root=$(engine info --format '{{.DockerRootDir}}')
  [ "$engine_root" = "$data_root" ] || die "the engine on unix://$socket uses the data root $engine_root, not $data_root. Nothing was changed."
  before=$(inventory) || die "could not list the engine's images, containers and volumes. Nothing was changed."
elif dockerd_alive; then
  die "dockerd runs (pid $(cat "$pidfile")) but does not answer on unix://$socket. Nothing was changed."
fi
n_images=$(count_of "$before" image)
n_containers=$(count_of "$before" container)
n_volumes=$(count_of "$before" volume)
say "engine running: $was_running; $n_images images, $n_containers containers, $n_volumes volumes"

# ── 4. the new filesystem, staged (docker still runs) ──
uuid=
if [ "$kind" = device ]; then
  if [ "$wipe" = yes ]; then
    wipefs -a -q -- "$dev" || die "wipefs -a $device failed"
    did "wiped $device (it held \${holds:-unrecognised data}; allowed by the hd-wipe-data-device exemption)"
  fi
  uuid=$(cat /proc/sys/kernel/random/uuid)
  mkfs_out=$(mkfs.ext4 -q -F -L "$label" -U "$uuid" -- "$dev" 2>&1) || die "mkfs.ext4 on $device failed: $mkfs_out"
  state_put formatted "$uuid"
  did "made an ext4 filesystem on $device (LABEL=$label UUID=$uuid)"
  mkdir -p -- "$staging"
  mount -t ext4 -- "$dev" "$staging" || die "could not mount $device at $staging"
  staged=yes
  dest=$staging
  avail_dir=$staging
else
  if [ -e "$target" ]; then
    [ -d "$target" ] && [ -z "$(ls -A -- "$target")" ] || die "$target exists and is not empty. Nothing was changed."
    rmdir -- "$target" # made again below, so that a rollback can remove it
  fi
  mkdir -- "$target"
  made_target=yes
  dest=$target
  avail_dir=$mount_src
fi
if [ "$has_root" = yes ]; then
  need_kib=$(du -skx -- "$data_root" | cut -f1)
  avail_kib=$(df -Pk -- "$avail_dir" | awk 'NR == 2 { print $4 }')
  [ "$avail_kib" -gt $(( need_kib + need_kib / 20 + 1024 )) ] || die "not enough space: $data_root uses \${need_kib} KiB, the new filesystem has \${avail_kib} KiB free. Nothing was changed."
fi

# ── 5. stop docker ──
changing=yes
if [ "$was_running" = yes ]; then
  stop_docker || die "could not stop docker"
  stopped=yes
  say "docker stopped"
fi
left=$(mounts_under "$data_root" | tr '\\n' ' ')
[ -z "$left" ] || die "mounts remain under $data_root with docker stopped (containers kept running by live-restore?): $left"
inject after-stop

# ── 6. copy ──
if [ "$has_root" = yes ]; then
  copy_tree "$data_root" "$dest" || die "copying $data_root to the new filesystem failed ($copy_tool)"
  say "copied $data_root with $copy_tool"
fi
inject after-copy

# ── 7. verify ──
if [ "$has_root" = yes ]; then
  h_old=$(tree_hash "$data_root") || die "could not read $data_root back to verify the copy"
  h_new=$(tree_hash "$dest") || die "could not read the copy back to verify it"
  [ "$h_old" = "$h_new" ] || die "the copy differs from $data_root (tree sha256 $h_new, expected $h_old)"
  say "verified: the copy is identical (content, owners, modes, times, links, xattrs, ACLs; tree sha256 $h_old)"
fi
inject after-verify

# ── 8. switch ──
if [ "$staged" = yes ]; then
  umount -- "$staging" || die "could not unmount $staging"
  staged=no
  rmdir -- "$staging"
fi
if [ "$has_root" = yes ]; then
  old="$data_root.hd-old-$(date +%Y%m%dT%H%M%S)"
  [ ! -e "$old" ] || die "$old exists already"
  mv -- "$data_root" "$old"
  renamed=yes
fi
mkdir -m 0700 -- "$data_root"
if [ "$kind" = device ]; then
  fstab_add "UUID=$uuid" ext4 defaults 2
else
  fstab_add "$target" none "bind,x-systemd.requires-mounts-for=$mount_src" 0
fi
mount_out=$(mount -T "$fstab" -- "$data_root" 2>&1) || die "mounting $data_root from $fstab failed: $mount_out"
mounted_new=yes
ensure_dropin
systemctl daemon-reload >/dev/null 2>&1 || true
inject after-switch

# ── 9. start docker on the new data root, and check it lost nothing ──
if [ "$stopped" = yes ]; then
  started_new=yes
  start_docker || die "docker did not come back on the new data root: $engine_out"
  engine_root=$(engine info --format '{{.DockerRootDir}}') || die "docker info failed"
  [ "$engine_root" = "$data_root" ] || die "the engine came back with the data root $engine_root, not $data_root"
  after=$(inventory) || die "could not list the engine's images, containers and volumes after the restart"
  [ "$after" = "$before" ] || die "the engine on the new data root lists other images, containers or volumes than before: $(printf '%s\\n%s\\n' "$before" "$after" | sort | uniq -u | tr '\\n' ' ')"
  say "the engine on the new data root lists the same $n_images images, $n_containers containers and $n_volumes volumes"
fi
inject after-start
want_mm=$( [ "$kind" = device ] && printf '%s' "$dev_mm" || printf '%s' "$src_mm" )
[ "$(mm_of "$data_root")" = "$want_mm" ] || die "$data_root is not on the new filesystem after the switch"
state_put switched "$uuid"
changing=no
rm -f -- "$fstab.hd-previous"

if [ "$kind" = device ]; then
  did "moved the data root $data_root onto $device (ext4, UUID=$uuid), mounted through $fstab"
else
  did "moved the data root $data_root into $target on $mount_src, bind-mounted through $fstab"
fi
if [ -n "$old" ]; then
  did "kept the old data root at $old (remove it once satisfied)"
  fact old-data-root "$old"
fi
[ "$stopped" = no ] || did "restarted docker: $n_images images, $n_containers containers, $n_volumes volumes, as before"
fact images "$n_images"
fact containers "$n_containers"
fact volumes "$n_volumes"
[ -z "$uuid" ] || fact uuid "$uuid"
report
fact action migrated
exit 0
`;
}
