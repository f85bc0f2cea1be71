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
 * The device is used only when it is empty: no signature (`blkid -p`, `wipefs -n`: filesystems,
 * MBR and GPT, LVM, RAID, LUKS), no GPT backup header in its last sector, not mounted, not swap,
 * no holders, no partitions, and all zeros in the first and last 64 MiB and in 1 MiB of every GiB
 * between (a filesystem that starts 1 MiB in, behind a wiped partition table, has no signature at
 * offset 0). A non-empty device is refused unless the journal shows it is this component's own
 * filesystem from an attempt that was rolled back, or wiping was allowed (the
 * `hd-wipe-data-device` exemption). Every refusal happens before anything changes.
 *
 * A journaled state machine, because a cancelled deploy can kill the script at any line. The
 * journal (`stateFile`, key=value, replaced atomically and fsync'd) records each phase before the
 * host changes further:
 *   planned (UUID chosen, inventory saved) → formatted (mkfs.ext4 -L -U; staged at
 *   `<dataRoot>.hd-staging`, free space checked) → stopped (docker) → copied (rsync -aHAX
 *   --numeric-ids, else a GNU tar pipe with xattrs and ACLs; synced) → verified (sha256 of a
 *   name-sorted pax stream of both trees) → switching (the old root is RENAMED to
 *   `<dataRoot>.hd-old-<time>`, never deleted; an fstab entry under a marker comment, compared
 *   after normalising mount points; `mount -T fstab`; a docker.service drop-in
 *   `RequiresMountsFor=<dataRoot>`) → switched → started (docker answers from the new root and
 *   lists exactly the images, containers and volumes it listed before) → done.
 * A run first reads the journal. An attempt stopped before `switching` is rolled back (the old root
 * never moved), and the run starts over; one stopped from `switching` on is finished (the copy was
 * verified), and rolled back if that fails. A failure within a run rolls back through the EXIT trap:
 * exit 1. The rollback works from what it finds on the host, so it too can be killed and resumed.
 * When it cannot finish, exit 2 says where everything is and what recovers the host.
 *
 * Every command a component runs on a host first takes the host lock (flock, ./shell-prelude.ts);
 * every wait (systemctl, mount, umount, the engine's socket) is bounded by `timeoutSeconds`.
 *
 * Idempotent: when the data root is already on the device (or the bind source), it only makes
 * sure fstab and the drop-in are there, and reports "unchanged".
 *
 * Testability: every host path is a parameter; `systemctl` and `docker` are looked up on PATH (a
 * test puts a stand-in systemctl first); the engine is reached at `dockerSocket`. With
 * `failureInjection` (tests only; never set by HardenedHost) the script fails on purpose at
 * HD_FAIL_AT (FAILURE_POINTS), and stops at the step boundary HD_STOP_AT (DATA_ROOT_STEPS),
 * touching HD_STOP_SIGNAL, so that a test can SIGKILL its process group there.
 *
 * POSIX sh (dash and bash).
 */
import { DOCKER_SERVICE_FUNCTIONS, engineShellFunctions } from "./engine-shell";
import { assertHostPath, parentDir } from "./host-paths";
import { REPORT_FUNCTIONS } from "./host-report";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import {
  DURABLE_FILE_FUNCTIONS,
  hostLockFile,
  hostLockFor,
  messageFunctions,
  REQUIRE_ROOT,
  stepBoundaries,
} from "./shell-prelude";

/** The steps at which a test can make the script fail (HD_FAIL_AT). */
export const FAILURE_POINTS = ["after-stop", "after-copy", "after-verify", "after-switch", "after-start"] as const;
export type FailurePoint = (typeof FAILURE_POINTS)[number];

/**
 * Every step boundary of a migration, in order: the journal phases (recorded durably before the
 * host changes further) and the switch's sub-steps. A test can stop the script at any of them
 * (HD_STOP_AT) and kill it there; `rolling-back` is where an undo begins.
 */
export const DATA_ROOT_STEPS = [
  "planned",
  "formatted",
  "staged",
  "stopped",
  "copied",
  "verified",
  "switching",
  "renamed",
  "fstab-written",
  "mounted",
  "switched",
  "started",
  "done",
] as const;
export type DataRootStep = (typeof DATA_ROOT_STEPS)[number] | "rolling-back";

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
  /** The host lock every component command takes (default: host.lock beside the state file). */
  lockFile?: string;
  /** Seconds to wait for the host lock before failing (default 600). */
  lockWaitSeconds?: number;
  /** TESTS ONLY: honour HD_FAIL_AT and HD_STOP_AT. HardenedHost never sets it. */
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
const NOT_VOLUME_GROUPS = new Set([
  "disk",
  "mapper",
  "shm",
  "pts",
  "fd",
  "char",
  "block",
  "bus",
  "cpu",
  "dri",
  "net",
  "snd",
  "input",
  "hugepages",
  "mqueue",
  "vfio",
  "usb",
  "serial",
  "md",
  "dm",
  "loop",
  "zram",
  "vhost-net",
  "v4l",
]);

/** Why `device` is not an acceptable block device path, or undefined. */
export function deviceProblem(device: unknown): string | undefined {
  const expected =
    "must be a block device path: /dev/loopN, /dev/sdX[N], /dev/vdX[N], /dev/xvdX[N], /dev/nvmeXnY[pZ], " +
    "/dev/mapper/NAME or /dev/VG/LV";
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
const SYSTEM_DIRS = new Set([
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/var",
  "/var/lib",
  "/var/run",
  "/var/tmp",
  "/var/log",
]);

/** Why `path` cannot be a data root (or an existing mount used for it), or undefined. */
export function dataRootPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string") return "must be a string";
  const m = /^\/[A-Za-z0-9._+@/-]*$/.test(path);
  if (!m || !path.startsWith("/")) return "must be an absolute path of letters, digits and / . _ - + @";
  if (path.split("/").some((s) => s === ".." || s === ".")) return 'must not contain "." or ".." segments';
  if (path.includes("//") || (path !== "/" && path.endsWith("/")))
    return "must be a normalised path (no // and no trailing /)";
  if (SYSTEM_DIRS.has(path)) return "is a system directory";
  return undefined;
}

/** ext4 labels: at most 16 bytes; a conservative character set. */
export function labelProblem(label: unknown): string | undefined {
  return typeof label === "string" && /^[A-Za-z0-9_][A-Za-z0-9_-]{0,15}$/.test(label)
    ? undefined
    : "must be 1–16 of [A-Za-z0-9_-], not starting with - (an ext4 label)";
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
    if (
      o.source.mount !== o.dataRoot &&
      (o.dataRoot.startsWith(o.source.mount + "/") || o.source.mount.startsWith(o.dataRoot + "/"))
    )
      throw new Error(
        `mount = ${JSON.stringify(o.source.mount)}: must not contain, or lie inside, the data root ${o.dataRoot}`,
      );
  }
  check("label", labelProblem(o.label), o.label);
  const fstab = assertHostPath("fstab", o.fstab);
  const stateFile = assertHostPath("stateFile", o.stateFile);
  const lock = hostLockFor(o, hostLockFile(parentDir(stateFile)));
  const dropInDir = o.unitDropInDir === undefined ? "" : assertHostPath("unitDropInDir", o.unitDropInDir);
  const socket = assertHostPath("dockerSocket", o.dockerSocket);
  const pidFile = assertHostPath("pidFile", o.pidFile);
  if (!Number.isSafeInteger(o.timeoutSeconds) || o.timeoutSeconds < 5 || o.timeoutSeconds > 3600)
    throw new Error(`timeoutSeconds = ${JSON.stringify(o.timeoutSeconds)}: must be an integer from 5 to 3600`);
  const copyTool = o.copyTool ?? "auto";
  if (!["auto", "rsync", "tar"].includes(copyTool))
    throw new Error(`copyTool = ${JSON.stringify(copyTool)}: must be auto, rsync or tar`);

  const q = shellQuote;
  const dataRoot = o.dataRoot;
  return `#!/bin/sh
# hardened-docker HardenedHost: Docker data root on its own filesystem (CIS 1.1.1).
# Rendered by src/scripts/data-root.ts (see there for every step): these inputs, then the shared
# functions, then the body src/scripts/sh/data-root.sh.
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
${o.failureInjection ? "fail_at=${HD_FAIL_AT:-} # TESTS ONLY (rendered with failureInjection)" : "fail_at="}
fstab_marker=${q(FSTAB_MARKER)}
parent=${q(parentDir(dataRoot))}
staging=${q(`${dataRoot}.hd-staging`)}
dropin=
[ -z "$dropin_dir" ] || dropin="$dropin_dir/${DROPIN_NAME}"

${messageFunctions("hd-data-root")}
${REPORT_FUNCTIONS}
${DURABLE_FILE_FUNCTIONS}
${stepBoundaries(o.failureInjection)}
${engineShellFunctions({ callTimeoutSeconds: 30, pollSeconds: 0.5 })}
${DOCKER_SERVICE_FUNCTIONS}
${REQUIRE_ROOT}
${lock}

${shFile("data-root.sh")}`;
}
