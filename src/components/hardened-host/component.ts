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
import { COMMAND_DIGESTS_OUTPUT, COMPONENT_EXEMPTIONS_OUTPUT, HARDENED_HOST_TYPE } from "../../adapters/pulumi-tokens";
import { AUDIT_KEY } from "../../scripts/audit-rules";
import { HardenedArgsError } from "../args";
import { CommandDigests } from "../command-digests";
import { hostCommand, remoteConnection } from "../ssh-connection";
import type { HardenedHostArgs } from "./args";
import { hostFactsFromReports, planHardenedHost, type HardenedHostFacts, type HardenedHostPlan } from "./plan";

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
