/**
 * SecureDaemon: applies a hardened daemon.json to a Docker host over SSH, safely, and hands out
 * a docker.Provider for that daemon.
 *
 * The configuration passes CIS section 2 by default (icc off, userns-remap, no-new-privileges,
 * live-restore, no userland proxy, iptables kept, log level info, a log driver that ships logs,
 * default ulimits, no insecure registries, no experimental features, TCP only with TLS client
 * verification). Weakening any of it needs an exemption for the rule it breaks, exactly as for
 * HardenedContainer: the component renders daemon.json, turns it into DaemonFacts with the same
 * adapter the audit uses, and runs the rule catalog on them (the self-check). Exemptions travel
 * as engine labels in daemon.json, so the live audit honours the same ones.
 *
 * On the host (three `remote.Command`s, scripts rendered in src/scripts/):
 * - `<name>-tls` (only with `tls`): stages the CA, certificate and key, delivered on stdin as a
 *   secret; logging off.
 * - `<name>-apply`: writes daemon.json atomically, restarts dockerd only when the configuration
 *   (or the TLS material) changed, waits for the engine, and on failure restores the previous
 *   files, brings the engine back and fails with the engine's error. live-restore is switched on
 *   in the running daemon before the restart, so running containers stay up. Journaled (in
 *   `paths.stateDir`): a run that was killed part-way is completed or rolled back by the next
 *   one; every systemctl call and wait is bounded by `restartTimeoutSeconds`.
 * - `<name>-permissions`: owners and modes of CIS section 3.
 * Each takes the host lock (`<stateDir>/host.lock`, shared with HardenedHost) first, so two
 * stacks, or a retry while a first run still goes on, never change the host at once.
 *
 * Host keys: the SSH connection pins the host's public key (`connection.hostKey`, the
 * `hostKey` field of @pulumi/command ≥ 1.1's connection; unset, that provider ignores host
 * keys). Leaving it out needs an exemption for `hd-ssh-host-key`. The docker.Provider pins the
 * same key through ssh options (see `providerSshOpts`).
 *
 * Host prerequisites: systemd's docker.service (`systemctl restart docker`), the docker CLI,
 * coreutils, flock (util-linux), a POSIX login shell for the SSH user, root (or passwordless sudo with
 * `connection.sudo`). With `tls`, daemon.json lists the listeners (`hosts`), so docker.service
 * must not pass `-H` (the stock Debian/Ubuntu unit passes `-H fd://`: add a drop-in that clears
 * ExecStart); otherwise dockerd refuses to start and the apply rolls back with that error.
 * Enabling userns-remap on a daemon that already has containers hides them (the remapped daemon
 * keeps its data under <data-root>/<uid>.<gid>). A dockerd that live-restores running containers
 * keeps its networks as they were, so icc off reaches the default bridge only at a docker restart
 * with no container running (the apply warns until then). Destroying the component leaves the
 * host as it is.
 */
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { isIP } from "net";
import { COMMAND_DIGESTS_OUTPUT, COMPONENT_EXEMPTIONS_OUTPUT, SECURE_DAEMON_TYPE } from "../../adapters/pulumi-tokens";
import type { DaemonFacts } from "../../facts/types";
import { encodeTlsStdin, tlsMaterialProblems } from "../../scripts/daemon-tls";
import { HardenedArgsError } from "../args";
import { CommandDigests } from "../command-digests";
import { attachEngineAccess } from "../engine-access";
import { hostCommand, remoteConnection, SSH_HOST_KEY_EXEMPTION } from "../ssh-connection";
import type { SecureDaemonArgs } from "./args";
import { knownHostsLine, planSecureDaemon, providerSshOpts, secureDaemonInputs, type SecureDaemonPlan } from "./plan";

function sha256(parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/**

 * A Docker host whose daemon.json is hardened. Child resources: up to three
 * `command.remote.Command`s (TLS staging, apply, permissions) and the `docker.Provider` for the daemon.
 */
export class SecureDaemon extends pulumi.ComponentResource {
  /** The daemon.json this component applies (secret when a log option is). */
  public readonly config: pulumi.Output<Record<string, unknown>>;
  /** sha256 (hex) of daemon.json as written. */
  public readonly configHash: pulumi.Output<string>;
  /** A docker.Provider for this daemon: pass it as { provider } (or providers) to HardenedContainers. */
  public readonly provider: docker.Provider;
  /** The effective configuration the self-check judged. */
  public readonly facts: DaemonFacts;
  /** The known_hosts line of the pinned host key (undefined when the key is exempted). */
  public readonly knownHostsLine?: pulumi.Output<string>;
  /** Stages the TLS CA, certificate and key on the host (only with `tls`). */
  public readonly tlsCommand?: command.remote.Command;
  /** Writes daemon.json and restarts dockerd when it changed, rolling back on failure. */
  public readonly applyCommand: command.remote.Command;
  /** Sets the owners and modes of the CIS section 3 files. */
  public readonly permissionsCommand: command.remote.Command;

  constructor(name: string, args: SecureDaemonArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Planned before registering: the component's inputs are what the self-check judged, so the
    // policy pack judges the same daemon configuration (and sees an edit by a transformation).
    let plan: SecureDaemonPlan | undefined;
    let refused: HardenedArgsError | undefined;
    try {
      plan = planSecureDaemon(name, args);
    } catch (err) {
      if (!(err instanceof HardenedArgsError)) throw err;
      refused = err;
    }
    super(SECURE_DAEMON_TYPE, name, plan ? secureDaemonInputs(plan) : {}, opts);
    if (!plan) throw new pulumi.ResourceError(refused!.message, this);
    this.facts = plan.facts;
    const fail = (message: string): never => {
      throw new pulumi.ResourceError(`SecureDaemon "${name}": ${message}`, this);
    };

    // Values that may be Outputs are checked when they resolve.
    const { connection, hostKey } = remoteConnection(args.connection, plan.connection, fail);
    const host = pulumi.output(connection.host);
    const run = (script: string) => hostCommand(script, plan.connection.sudo);
    // Each command as built and checked here: the pack sees one changed afterwards.
    const digests = new CommandDigests();

    let tlsHash: pulumi.Output<string> | undefined;
    if (args.tls && plan.tlsScript) {
      const material = pulumi.all([args.tls.caCert, args.tls.cert, args.tls.key]).apply(([caCert, cert, key]) => {
        const m = { caCert, cert, key };
        const problems = tlsMaterialProblems(m);
        return problems.length ? fail(problems.join("; ")) : m;
      });
      tlsHash = pulumi.secret(material.apply((m) => sha256([m.caCert, m.cert, m.key])));
      this.tlsCommand = new command.remote.Command(
        `${name}-tls`,
        digests.add(`${name}-tls`, {
          connection,
          create: run(plan.tlsScript),
          stdin: pulumi.secret(material.apply(encodeTlsStdin)),
          logging: "none",
          addPreviousOutputInEnv: false,
        }),
        { parent: this, additionalSecretOutputs: ["stdin", "stdout", "stderr"] },
      );
    }

    const rendered = pulumi
      .output(args.logOpts ?? {})
      .apply((logOpts) => plan.render(logOpts as Record<string, string>));
    this.config = rendered.apply((r) => r.config);
    this.configHash = rendered.apply((r) => r.configHash);
    this.applyCommand = new command.remote.Command(
      `${name}-apply`,
      digests.add(`${name}-apply`, {
        connection,
        create: rendered.apply((r) => run(r.applyScript)),
        ...(tlsHash ? { triggers: [tlsHash] } : {}),
        addPreviousOutputInEnv: false,
      }),
      {
        parent: this,
        ...(this.tlsCommand ? { dependsOn: [this.tlsCommand] } : {}),
        // A log option given as an Output may be a secret (a splunk token) that dockerd could echo in an error.
        ...(Object.values(args.logOpts ?? {}).some((v) => typeof v !== "string")
          ? { additionalSecretOutputs: ["stdout", "stderr"] }
          : {}),
      },
    );
    this.permissionsCommand = new command.remote.Command(
      `${name}-permissions`,
      digests.add(`${name}-permissions`, {
        connection,
        create: run(plan.permissionsScript),
        triggers: [this.configHash, ...(tlsHash ? [tlsHash] : [])],
        addPreviousOutputInEnv: false,
      }),
      { parent: this, dependsOn: [this.applyCommand] },
    );

    if (hostKey)
      this.knownHostsLine = pulumi.all([host, hostKey]).apply(([h, k]) => knownHostsLine(h, plan.connection.port, k));
    const dependsOn = [this.applyCommand, this.permissionsCommand];
    if (plan.provider.via === "tcp" && args.tls?.client) {
      const urlHost = host.apply((h) => (isIP(h) === 6 ? `[${h}]` : h));
      const dockerHost = pulumi.interpolate`tcp://${urlHost}:${plan.provider.tcpPort}`;
      this.provider = new docker.Provider(
        `${name}-provider`,
        {
          host: dockerHost,
          caMaterial: args.tls.caCert,
          certMaterial: args.tls.client.cert,
          keyMaterial: pulumi.secret(args.tls.client.key),
        },
        // The SDK does not mark provider key material secret; the typings omit this option for providers.
        { parent: this, dependsOn, additionalSecretOutputs: ["keyMaterial"] } as pulumi.CustomResourceOptions,
      );
      const client = args.tls.client;
      const tls = pulumi.secret(
        pulumi.all([args.tls.caCert, client.cert, client.key]).apply(([caCert, cert, key]) => ({ caCert, cert, key })),
      );
      // HardenedContainer's PIDs-limit command reaches the same engine the same way.
      attachEngineAccess(this.provider, { via: "tcp", dockerHost, tls });
    } else {
      const urlHost = host.apply((h) => (isIP(h) === 6 ? `[${h}]` : h));
      const sshOpts = hostKey
        ? hostKey.apply((k) => providerSshOpts(k, plan.provider))
        : providerSshOpts(undefined, plan.provider);
      const dockerHost = pulumi.interpolate`ssh://${plan.connection.user}@${urlHost}:${plan.connection.port}`;
      this.provider = new docker.Provider(
        `${name}-provider`,
        { host: dockerHost, sshOpts },
        { parent: this, dependsOn },
      );
      // HardenedContainer's PIDs-limit command reaches the same engine the same way.
      attachEngineAccess(this.provider, { via: "ssh", dockerHost, sshOpts });
    }
    // The host-key exemption is the component's own (daemon.json labels carry the others): the pack lists it.
    const own = plan.exemptions.filter((e) => e.rule === SSH_HOST_KEY_EXEMPTION);
    this.registerOutputs({
      config: this.config,
      configHash: this.configHash,
      knownHostsLine: this.knownHostsLine,
      [COMMAND_DIGESTS_OUTPUT]: digests.output,
      ...(own.length ? { [COMPONENT_EXEMPTIONS_OUTPUT]: own } : {}),
    });
  }
}
