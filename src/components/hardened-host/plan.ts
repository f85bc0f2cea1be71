/**
 * HardenedHost's plan: the host scripts for the arguments, and the facts read back from their
 * output (pure functions).
 * @internal
 */
import * as pulumi from "@pulumi/pulumi";
import { WIPE_DEVICE_EXEMPTION, type Exemption } from "../../exemptions";
import { parseAuditRules } from "../../adapters/host-parsers";
import {
  DEFAULT_AUDIT_RULES_FILE,
  defaultAuditCandidates,
  renderAuditRulesScript,
  type AuditCandidate,
} from "../../scripts/audit-rules";
import { DEFAULT_DATA_LABEL, lvmDevice, renderDataRootScript, type DataRootSource } from "../../scripts/data-root";
import { renderDockerGroupScript } from "../../scripts/docker-group";
import { factValue, parseHostReport, type HostReport } from "../../scripts/host-report";
import { DEFAULT_STATE_DIR, hostLockFile } from "../../scripts/shell-prelude";
import { DEFAULT_UNATTENDED_FILE, renderUnattendedUpgradesScript } from "../../scripts/unattended-upgrades";
import { HardenedArgsError, howToExempt, parseArgs, validateExemptions } from "../args";
import { checkConnection, SSH_HOST_KEY_EXEMPTION } from "../ssh-connection";
import { argsSchema, type HardenedHostArgs } from "./args";

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
      "dataRoot: required (CIS 1.1.1, Docker's data root on a filesystem of its own): " +
        `give a device, an LVM volume or an existing mount. ${howToExempt("1.1.1")}`,
    );
  }

  // ── 1.1.2 ──
  if (a.trustedDockerUsers === undefined && !exempt.has("1.1.2"))
    problems.push(
      "trustedDockerUsers: required (CIS 1.1.2): the users allowed in the docker group, " +
        `which is root-equivalent ([] = nobody). ${howToExempt("1.1.2")}`,
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
