/**
 * HardenedHost: CIS Docker Benchmark section 1 on a Docker host, over SSH.
 *
 * - 1.1.1: the data root on a filesystem of its own — an empty block device, an LVM logical
 *   volume, or an existing mount — migrating what is there without losing a byte (see
 *   src/scripts/data-root.ts: refuses non-empty devices, copies with docker stopped, verifies,
 *   mounts by UUID through fstab, restarts docker, checks images/containers/volumes, and puts
 *   everything back on any failure).
 * - 1.1.2: the docker group limited to the declared trusted users; who was removed is reported.
 * - 1.1.3–1.1.18: auditd watches for every one of those paths that exists on the host,
 *   persistent (rules.d) and loaded now; auditd is installed where missing.
 * - Optionally: unattended security updates for the OS and the engine packages.
 *
 * Leaving out a part needs an exemption for its rule (1.1.1, 1.1.2, or the 1.1.x audit item),
 * exactly as for the other components. Formatting a device that holds anything needs the
 * exemption `hd-wipe-data-device`; connecting without a pinned host key needs `hd-ssh-host-key`.
 *
 * The SSH connection is the one SecureDaemon takes (`SshConnection`: the private key is always a
 * secret, the host key is pinned). Child resources: one `command.remote.Command` per part
 * (`<name>-data-root`, `<name>-audit` after it — audit watches bind to inodes, so they are set
 * on the mounted data root —, `<name>-docker-group`, `<name>-unattended-upgrades`). A second
 * `pulumi up` with the same arguments changes nothing (the commands run on create, and the scripts
 * are idempotent when they do run again); destroying the component leaves the host as it is
 * (the old data root kept aside is the operator's to remove).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { WIPE_DEVICE_EXEMPTION, type Exemption } from "../exemptions";
import { parseAuditRules } from "../adapters/host-parsers";
import {
  AUDIT_KEY,
  DEFAULT_AUDIT_RULES_FILE,
  defaultAuditCandidates,
  renderAuditRulesScript,
  type AuditCandidate,
} from "../scripts/audit-rules";
import {
  dataRootPathProblem,
  DEFAULT_DATA_LABEL,
  deviceProblem,
  labelProblem,
  lvmDevice,
  lvmNameProblem,
  renderDataRootScript,
  type DataRootSource,
} from "../scripts/data-root";
import { renderDockerGroupScript, userNameProblem } from "../scripts/docker-group";
import { hostPathProblem } from "../scripts/host-paths";
import { factValue, parseHostReport, type HostReport } from "../scripts/host-report";
import { DEFAULT_STATE_DIR, hostLockFile } from "../scripts/shell-prelude";
import { DEFAULT_UNATTENDED_FILE, renderUnattendedUpgradesScript } from "../scripts/unattended-upgrades";
import { COMMAND_DIGESTS_OUTPUT, COMPONENT_EXEMPTIONS_OUTPUT, HARDENED_HOST_TYPE } from "../adapters/pulumi-tokens";
import { exemptionSchema, HardenedArgsError, howToExempt, parseArgs, validateExemptions } from "./args";
import { CommandDigests } from "./command-digests";
import {
  checkConnection,
  connectionSchema,
  hostCommand,
  remoteConnection,
  SSH_HOST_KEY_EXEMPTION,
  type SshConnection,
} from "./ssh-connection";

export { HARDENED_HOST_TYPE };

export { WIPE_DEVICE_EXEMPTION };

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
   * Load the rules into the kernel now and require them in force (`auditctl -l`). Default true; false writes the persistent rules only (e.g. a kernel that refuses audit control).
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
   * Directory of hardened-docker's own state on the host: the host lock (host.lock) that every command of the components takes first, so that two deploys never change the host at once, and the data-root journal. Default /var/lib/hardened-docker (SecureDaemon's `paths.stateDir` must be the same directory, for one lock per host).
   * @default /var/lib/hardened-docker
   * @cis 1.1.1
   */
  stateDir?: string;
  /**
   * The data-root step's journal: how far a migration got, so that a run that was killed part-way is finished or rolled back by the next one. Default `<stateDir>/data-root.state`.
   * @cis 1.1.1
   */
  stateFile?: string;
  /**
   * docker.service drop-in directory (RequiresMountsFor the data root, CIS 1.1.1). Default /etc/systemd/system/docker.service.d.
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

const argsSchema = z.strictObject({
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
});

// ───────────── the plan ─────────────

export interface HardenedHostPlan {
  /** The data-root script (undefined when 1.1.1 is exempted and no data root was declared). */
  dataRootScript?: string;
  dataRoot?: { path: string; source: DataRootSource };
  auditScript: string;
  auditCandidates: AuditCandidate[];
  /** The docker-group script (undefined when 1.1.2 is exempted and no users were declared). */
  dockerGroupScript?: string;
  unattendedUpgradesScript?: string;
  exemptions: Exemption[];
  connection: { port: number; user: string; sudo: boolean };
}

export interface HardenedHostPlanOptions {
  /** Clock for exemption expiry. */
  now?: Date;
}

const AUDIT_RULE_IDS = Array.from({ length: 16 }, (_, i) => `1.1.${i + 3}`);

/** Compute the host scripts for these arguments. Pure; throws HardenedArgsError on any refusal.
 * @internal
 */
export function planHardenedHost(
  name: string,
  rawArgs: HardenedHostArgs,
  options: HardenedHostPlanOptions = {},
): HardenedHostPlan {
  const now = options.now ?? new Date();
  const a = parseArgs(name, argsSchema, rawArgs);

  const exemptions = a.exemptions ?? [];
  const exempt = validateExemptions(name, exemptions, now, [SSH_HOST_KEY_EXEMPTION, WIPE_DEVICE_EXEMPTION]);

  const c = a.connection;
  const { problems, resolved } = checkConnection(c, exempt, "run these scripts as root");
  const { user, sudo, port } = resolved;

  // ── 1.1.1 ──
  const d = a.dataRoot;
  const dataRootPath = d?.path ?? "/var/lib/docker";
  let source: DataRootSource | undefined;
  if (d) {
    const given = (["device", "lvm", "mount"] as const).filter((k) => d[k] !== undefined);
    if (given.length !== 1)
      problems.push(
        `dataRoot: give exactly one of device, lvm, mount (got ${given.length ? given.join(", ") : "none"})`,
      );
    else if (d.device !== undefined) source = { kind: "device", device: d.device };
    else if (d.lvm) source = { kind: "device", device: lvmDevice(d.lvm.volumeGroup, d.lvm.logicalVolume) };
    else if (d.mount !== undefined) {
      if (
        d.mount !== dataRootPath &&
        (dataRootPath.startsWith(d.mount + "/") || d.mount.startsWith(dataRootPath + "/"))
      )
        problems.push(
          `dataRoot.mount = ${JSON.stringify(d.mount)}: must not contain, or lie inside, the data root ${dataRootPath}`,
        );
      else source = { kind: "mount", mount: d.mount };
    }
    if (d.label !== undefined && source?.kind === "mount")
      problems.push("dataRoot.label: only used with device or lvm");
  } else if (!exempt.has("1.1.1")) {
    problems.push(
      `dataRoot: required (CIS 1.1.1, Docker's data root on a filesystem of its own): give a device, an LVM volume or an existing mount. ${howToExempt("1.1.1")}`,
    );
  }

  // ── 1.1.2 ──
  if (a.trustedDockerUsers === undefined && !exempt.has("1.1.2"))
    problems.push(
      `trustedDockerUsers: required (CIS 1.1.2): the users allowed in the docker group, which is root-equivalent ([] = nobody). ${howToExempt("1.1.2")}`,
    );
  if (problems.length) throw new HardenedArgsError(name, problems);

  for (const e of exemptions) {
    const needed =
      e.rule === SSH_HOST_KEY_EXEMPTION
        ? c.hostKey === undefined
        : e.rule === WIPE_DEVICE_EXEMPTION
          ? source?.kind === "device"
          : e.rule === "1.1.1"
            ? d === undefined
            : e.rule === "1.1.2"
              ? a.trustedDockerUsers === undefined
              : AUDIT_RULE_IDS.includes(e.rule);
    if (!needed)
      pulumi.log.warn(`HardenedHost "${name}": exemption for ${e.rule} is not needed by these arguments; remove it`);
  }

  const p = a.paths ?? {};
  const stateDir = p.stateDir ?? DEFAULT_STATE_DIR;
  const lockFile = hostLockFile(stateDir);
  const render = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw new HardenedArgsError(name, [`${what}: ${(err as Error).message}`]);
    }
  };
  const dataRootScript = source
    ? render("dataRoot", () =>
        renderDataRootScript({
          dataRoot: dataRootPath,
          source: source!,
          label: d?.label ?? DEFAULT_DATA_LABEL,
          fstab: p.fstab ?? "/etc/fstab",
          stateFile: p.stateFile ?? `${stateDir}/data-root.state`,
          lockFile,
          unitDropInDir: p.unitDropInDir ?? "/etc/systemd/system/docker.service.d",
          dockerSocket: p.dockerSocket ?? "/var/run/docker.sock",
          pidFile: p.pidFile ?? "/var/run/docker.pid",
          allowWipe: exempt.has(WIPE_DEVICE_EXEMPTION),
          timeoutSeconds: d?.timeoutSeconds ?? 120,
        }),
      )
    : undefined;

  const au = a.audit ?? {};
  const auditCandidates: AuditCandidate[] = [
    ...defaultAuditCandidates({
      dataRoot: dataRootPath,
      ...(au.daemonConfig ? { daemonConfig: au.daemonConfig } : {}),
      skip: exempt,
    }),
    ...(au.extraPaths ?? []).map((path) => ({ rule: "extra", path })),
  ];
  const auditScript = render("audit", () =>
    renderAuditRulesScript({
      candidates: auditCandidates,
      rulesFile: au.rulesFile ?? DEFAULT_AUDIT_RULES_FILE,
      installAuditd: au.installAuditd ?? true,
      load: au.loadNow ?? true,
      lockFile,
    }),
  );

  const dockerGroupScript =
    a.trustedDockerUsers !== undefined
      ? render("trustedDockerUsers", () => renderDockerGroupScript({ trustedUsers: a.trustedDockerUsers!, lockFile }))
      : undefined;

  const uu =
    a.unattendedUpgrades === true
      ? {}
      : a.unattendedUpgrades === false || a.unattendedUpgrades === undefined
        ? undefined
        : a.unattendedUpgrades;
  const unattendedUpgradesScript = uu
    ? render("unattendedUpgrades", () =>
        renderUnattendedUpgradesScript({
          includeEngine: uu.includeEngine ?? true,
          installPackage: uu.installPackage ?? true,
          confFile: uu.confFile ?? DEFAULT_UNATTENDED_FILE,
          lockFile,
        }),
      )
    : undefined;

  return {
    ...(dataRootScript ? { dataRootScript, dataRoot: { path: dataRootPath, source: source! } } : {}),
    auditScript,
    auditCandidates,
    ...(dockerGroupScript ? { dockerGroupScript } : {}),
    ...(unattendedUpgradesScript ? { unattendedUpgradesScript } : {}),
    exemptions,
    connection: { port, user, sudo },
  };
}

// ───────────── the outputs ─────────────

/** The host as the commands left it. */
export interface HardenedHostFacts {
  /** The data root and what it is on now (undefined when 1.1.1 is not managed). */
  dataRoot?: {
    path: string;
    /** The mount source: the device (e.g. /dev/sdb) or, for a bind mount, the device of the mount. */
    source?: string;
    /** `major:minor` of the filesystem holding the data root. */
    majorMinor?: string;
    fsType?: string;
    /** UUID of the filesystem this component made. */
    uuid?: string;
    /** "migrated" or "unchanged". */
    action?: string;
    /** Where the old data root was kept, when it was migrated. */
    oldDataRoot?: string;
  };
  /** Paths watched by the audit rules in force (auditctl -l), or written to the rules file when not loaded. */
  auditWatches: string[];
  /** True when the rules were loaded and read back from the kernel. */
  auditRulesLoaded: boolean;
  auditRulesFile?: string;
  /** Members of the docker group afterwards (undefined when 1.1.2 is not managed). */
  dockerGroupMembers?: string[];
  /** Members removed from the docker group. */
  removedFromDockerGroup?: string[];
  /** Untrusted users whose primary group is docker (they make the docker-group step fail). */
  untrustedPrimaryMembers?: string[];
}

/** The facts and actions of the scripts' stdout (pure: the unit tests feed it script output). */
export function hostFactsFromReports(r: {
  dataRoot?: string;
  audit: string;
  dockerGroup?: string;
  unattendedUpgrades?: string;
}): { facts: HardenedHostFacts; actions: string[] } {
  const dr = r.dataRoot !== undefined ? parseHostReport(r.dataRoot) : undefined;
  const au = parseHostReport(r.audit);
  const dg = r.dockerGroup !== undefined ? parseHostReport(r.dockerGroup) : undefined;
  const uu = r.unattendedUpgrades !== undefined ? parseHostReport(r.unattendedUpgrades) : undefined;
  const loaded = factValue(au, "loaded") === "yes";
  const inForce = loaded ? parseAuditRules((au.facts.rule ?? []).join("\n"), "auditctl -l") : (au.facts.watch ?? []);
  const optional = <K extends string>(key: K, v: string | undefined) =>
    v === undefined ? {} : ({ [key]: v } as Record<K, string>);
  const facts: HardenedHostFacts = {
    ...(dr
      ? {
          dataRoot: {
            path: factValue(dr, "data-root") ?? "",
            ...optional("source", factValue(dr, "data-root-source")),
            ...optional("majorMinor", factValue(dr, "data-root-maj-min")),
            ...optional("fsType", factValue(dr, "data-root-fstype")),
            ...optional("uuid", factValue(dr, "uuid")),
            ...optional("action", factValue(dr, "action")),
            ...optional("oldDataRoot", factValue(dr, "old-data-root")),
          },
        }
      : {}),
    auditWatches: inForce,
    auditRulesLoaded: loaded,
    ...optional("auditRulesFile", factValue(au, "rules-file")),
    ...(dg
      ? {
          dockerGroupMembers: [...new Set(dg.facts.member ?? [])],
          removedFromDockerGroup: dg.facts.removed ?? [],
          untrustedPrimaryMembers: dg.facts["untrusted-primary"] ?? [],
        }
      : {}),
  };
  const actions = [dr, au, dg, uu].flatMap((rep: HostReport | undefined) => rep?.done ?? []);
  return { facts, actions };
}

/**
 * A Docker host hardened for CIS section 1. Child resources: `command.remote.Command`s for the
 * data root, the audit rules, the docker group and (optionally) unattended upgrades.
 */
export class HardenedHost extends pulumi.ComponentResource {
  /** Moves the data root onto its own filesystem (CIS 1.1.1); absent when no data root was declared. */
  public readonly dataRootCommand?: command.remote.Command;
  /** Installs and loads the audit watches (CIS 1.1.3–1.1.18). */
  public readonly auditCommand: command.remote.Command;
  /** Limits the docker group to the trusted users (CIS 1.1.2); absent when they were not declared. */
  public readonly dockerGroupCommand?: command.remote.Command;
  /** Configures unattended upgrades (only when asked). */
  public readonly unattendedUpgradesCommand?: command.remote.Command;
  /** What the host scripts did, in words, in order. */
  public readonly actions: pulumi.Output<string[]>;
  /** The host facts afterwards: data root device, audit rules in force, docker group members. */
  public readonly hostFacts: pulumi.Output<HardenedHostFacts>;

  constructor(name: string, args: HardenedHostArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(HARDENED_HOST_TYPE, name, {}, opts);
    let plan: HardenedHostPlan;
    try {
      plan = planHardenedHost(name, args);
    } catch (err) {
      if (err instanceof HardenedArgsError) throw new pulumi.ResourceError(err.message, this);
      throw err;
    }
    const fail = (message: string): never => {
      throw new pulumi.ResourceError(`HardenedHost "${name}": ${message}`, this);
    };

    // Values that may be Outputs are checked when they resolve.
    const { connection } = remoteConnection(args.connection, plan.connection, fail);
    const digests = new CommandDigests();
    const remote = (suffix: string, script: string, dependsOn: pulumi.Resource[] = []) =>
      new command.remote.Command(
        `${name}-${suffix}`,
        digests.add(`${name}-${suffix}`, {
          connection,
          create: hostCommand(script, plan.connection.sudo),
          addPreviousOutputInEnv: false,
        }),
        { parent: this, dependsOn },
      );

    if (plan.dataRootScript) this.dataRootCommand = remote("data-root", plan.dataRootScript);
    this.auditCommand = remote("audit", plan.auditScript, this.dataRootCommand ? [this.dataRootCommand] : []);
    if (plan.dockerGroupScript) this.dockerGroupCommand = remote("docker-group", plan.dockerGroupScript);
    if (plan.unattendedUpgradesScript)
      this.unattendedUpgradesCommand = remote("unattended-upgrades", plan.unattendedUpgradesScript);

    const stdout = (c?: command.remote.Command) => (c ? c.stdout.apply((s) => s ?? "") : pulumi.output(undefined));
    const reports = pulumi
      .all([
        stdout(this.dataRootCommand),
        stdout(this.auditCommand),
        stdout(this.dockerGroupCommand),
        stdout(this.unattendedUpgradesCommand),
      ])
      .apply(([dataRoot, audit, dockerGroup, unattendedUpgrades]) =>
        hostFactsFromReports({
          audit: audit ?? "",
          ...(dataRoot !== undefined ? { dataRoot } : {}),
          ...(dockerGroup !== undefined ? { dockerGroup } : {}),
          ...(unattendedUpgrades !== undefined ? { unattendedUpgrades } : {}),
        }),
      );
    this.hostFacts = reports.apply((r) => r.facts);
    this.actions = reports.apply((r) => r.actions);
    // Its exemptions are the component's own (a host carries no labels): the pack lists them.
    this.registerOutputs({
      hostFacts: this.hostFacts,
      actions: this.actions,
      auditKey: AUDIT_KEY,
      [COMMAND_DIGESTS_OUTPUT]: digests.output,
      ...(plan.exemptions.length ? { [COMPONENT_EXEMPTIONS_OUTPUT]: plan.exemptions } : {}),
    });
  }
}
