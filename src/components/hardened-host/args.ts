/** HardenedHost's arguments: the interfaces and the zod schema typed against them (they cannot drift). */
import { z } from "zod";
import type { Exemption } from "../../exemptions";
import { dataRootPathProblem, deviceProblem, labelProblem, lvmNameProblem } from "../../scripts/data-root";
import { userNameProblem } from "../../scripts/docker-group";
import { hostPathProblem } from "../../scripts/host-paths";
import { argsSchemaFor, exemptionSchema } from "../args";
import { connectionSchema, type SshConnection } from "../ssh-connection";

/** The SSH connection: the same type and rules as SecureDaemon's. */
export type HardenedHostConnection = SshConnection;

/** Where Docker's data lives: on a filesystem of its own (CIS 1.1.1). Exactly one of `device`, `lvm`, `mount`. */
export interface HardenedHostDataRoot {
  /**
   * The data root dockerd uses (`docker info` DockerRootDir, daemon.json "data-root"). Default /var/lib/docker.
   * @cis 1.1.1 1.1.5
   */
  path?: string;
  /**
   * An empty block device to format (ext4) and mount at the data root (CIS 1.1.1): /dev/sdX[N],
   * /dev/vdX[N], /dev/xvdX[N], /dev/nvmeXnY[pZ], /dev/loopN, /dev/mapper/NAME or /dev/VG/LV.
   * A device holding any filesystem or partition table is refused (unless it is the one this
   * component made, or the exemption `hd-wipe-data-device` allows wiping it). Exactly one of
   * device, lvm, mount.
   * @cis 1.1.1
   */
  device?: string;
  /**
   * An existing LVM logical volume, formatted like `device` (CIS 1.1.1).
   * @cis 1.1.1
   */
  lvm?: { volumeGroup: string; logicalVolume: string };
  /**
   * An existing mount point on a filesystem of its own (CIS 1.1.1): the data goes to
   * `<mount>/docker`, bind-mounted at the data root through fstab. Equal to `path`: the data root
   * is already a filesystem of its own, and is only verified.
   * @cis 1.1.1
   */
  mount?: string;
  /**
   * ext4 label of the filesystem this component makes (how it recognises it on a re-run). Default "hd-docker-data".
   * @cis 1.1.1
   */
  label?: string;
  /**
   * Seconds to wait for dockerd to stop, and to answer again (CIS 1.1.1 migration). Default 120.
   * @cis 1.1.1
   */
  timeoutSeconds?: number;
}

/** auditd watches for the Docker files and binaries (CIS 1.1.3–1.1.18), each only where the path exists. */
export interface HardenedHostAudit {
  /**
   * Install auditd where `auditctl` is missing (CIS 1.1.3–1.1.18). Default true.
   * @cis 1.1.3–1.1.18
   */
  installAuditd?: boolean;
  /**
   * Load the rules into the kernel now and require them in force (`auditctl -l`). Default true; false writes the
   * persistent rules only (e.g. a kernel that refuses audit control).
   * @cis 1.1.3–1.1.18
   */
  loadNow?: boolean;
  /**
   * The daemon config file in use, watched for CIS 1.1.11. Default /etc/docker/daemon.json.
   * @cis 1.1.11
   */
  daemonConfig?: string;
  /**
   * More paths to watch (each only if it exists).
   * @cis none watches beyond the CIS list
   */
  extraPaths?: string[];
  /**
   * The persistent rules file (CIS 1.1.3–1.1.18). Default /etc/audit/rules.d/hardened-docker.rules.
   * @cis 1.1.3–1.1.18
   */
  rulesFile?: string;
}

/** Unattended security updates on apt hosts. */
export interface HardenedHostUnattendedUpgrades {
  /**
   * Also upgrade the engine packages from download.docker.com (CIS 1.2.2). Default true.
   * @cis 1.2.2
   */
  includeEngine?: boolean;
  /**
   * Install the unattended-upgrades package where missing. Default true.
   * @cis 1.2.1 1.2.2
   */
  installPackage?: boolean;
  /**
   * The apt configuration file written. Default /etc/apt/apt.conf.d/52hardened-docker-unattended-upgrades.
   * @cis 1.2.1 1.2.2
   */
  confFile?: string;
}

/** Host layout for the data-root migration. */
export interface HardenedHostPaths {
  /**
   * fstab edited for the data root mount (CIS 1.1.1). Default /etc/fstab.
   * @cis 1.1.1
   */
  fstab?: string;
  /**
   * Directory of hardened-docker's own state on the host: the host lock (host.lock) that every command of the
   * components takes first, so that two deploys never change the host at once, and the data-root journal.
   * Default /var/lib/hardened-docker (SecureDaemon's `paths.stateDir` must be the same directory, for one lock
   * per host).
   * @default /var/lib/hardened-docker
   * @cis 1.1.1
   */
  stateDir?: string;
  /**
   * The data-root step's journal: how far a migration got, so that a run that was killed part-way is finished or
   * rolled back by the next one. Default `<stateDir>/data-root.state`.
   * @cis 1.1.1
   */
  stateFile?: string;
  /**
   * docker.service drop-in directory (RequiresMountsFor the data root, CIS 1.1.1). Default
   * /etc/systemd/system/docker.service.d.
   * @cis 1.1.1
   */
  unitDropInDir?: string;
  /**
   * dockerd's unix socket: the engine checked before and after the migration (CIS 1.1.1). Default /var/run/docker.sock.
   * @cis 1.1.1
   */
  dockerSocket?: string;
  /**
   * dockerd's pid file (CIS 1.1.1 migration waits for it to exit). Default /var/run/docker.pid.
   * @cis 1.1.1
   */
  pidFile?: string;
}

/** Arguments of HardenedHost. Leaving out a part needs an exemption for its rule. */
export interface HardenedHostArgs {
  /**
   * How to reach the host over SSH (SecureDaemon's connection: secret private key, pinned host key).
   * @cis none how the component reaches the host
   */
  connection: HardenedHostConnection;
  /**
   * Where Docker's data lives (CIS 1.1.1). Required unless exempted for 1.1.1.
   * @cis 1.1.1 1.1.5
   */
  dataRoot?: HardenedHostDataRoot;
  /**
   * The only users allowed in the docker group (CIS 1.1.2); [] = nobody but root. Required unless exempted for 1.1.2.
   * @cis 1.1.2
   */
  trustedDockerUsers?: string[];
  /**
   * Audit watches (CIS 1.1.3–1.1.18).
   * @default every watch, auditd installed, rules loaded now
   * @cis 1.1.3–1.1.18
   */
  audit?: HardenedHostAudit;
  /**
   * Unattended security updates for the OS and the engine packages (CIS 1.2.2), apt hosts only. Default off.
   * @cis 1.2.1 1.2.2
   */
  unattendedUpgrades?: boolean | HardenedHostUnattendedUpgrades;
  /**
   * Documented exceptions: `{ rule: "1.1.7", reason: "≥ 10 characters", expires?: "YYYY-MM-DD" }`.
   * @cis none checked when planned (a host carries no labels); each one weakens the rule it names
   */
  exemptions?: Exemption[];
  /**
   * Host layout (defaults: a Debian/RHEL docker.io or docker-ce install with systemd).
   * @cis 1.1.1
   */
  paths?: HardenedHostPaths;
}

// ───────────── validation ─────────────

const refine = (problem: (v: unknown) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });

/** The arguments' shape. @internal */
export const argsSchema = argsSchemaFor<HardenedHostArgs>()(
  z.strictObject({
    connection: connectionSchema,
    dataRoot: z
      .strictObject({
        path: refine(dataRootPathProblem).optional(),
        device: refine(deviceProblem).optional(),
        lvm: z.strictObject({ volumeGroup: refine(lvmNameProblem), logicalVolume: refine(lvmNameProblem) }).optional(),
        mount: refine(dataRootPathProblem).optional(),
        label: refine(labelProblem).optional(),
        timeoutSeconds: z.number().int().min(5).max(3600).optional(),
      })
      .optional(),
    trustedDockerUsers: z.array(refine(userNameProblem)).optional(),
    audit: z
      .strictObject({
        installAuditd: z.boolean().optional(),
        loadNow: z.boolean().optional(),
        daemonConfig: refine(hostPathProblem).optional(),
        extraPaths: z.array(refine(hostPathProblem)).optional(),
        rulesFile: refine(hostPathProblem).optional(),
      })
      .optional(),
    unattendedUpgrades: z
      .union([
        z.boolean(),
        z.strictObject({
          includeEngine: z.boolean().optional(),
          installPackage: z.boolean().optional(),
          confFile: refine(hostPathProblem).optional(),
        }),
      ])
      .optional(),
    exemptions: z.array(exemptionSchema).optional(),
    paths: z
      .strictObject({
        fstab: refine(hostPathProblem).optional(),
        stateDir: refine(hostPathProblem).optional(),
        stateFile: refine(hostPathProblem).optional(),
        unitDropInDir: refine(hostPathProblem).optional(),
        dockerSocket: refine(hostPathProblem).optional(),
        pidFile: refine(hostPathProblem).optional(),
      })
      .optional(),
  }),
);
