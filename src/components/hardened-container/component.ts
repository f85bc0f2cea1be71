/**
 * HardenedContainer: a `docker.Container` that passes CIS Docker Benchmark section 5 (and 4.1,
 * 4.5, 4.6) by default. Weakening any default needs an exemption for the rule it breaks.
 *
 * How it decides "secure": it renders the docker.Container inputs, turns them into facts with
 * the same adapter the policy pack uses, and runs the rule catalog on them (the self-check).
 * Every failing automated rule without an exemption becomes an error that names the argument,
 * the value and the rule — so the component, the policy pack and the audit can never disagree.
 */ import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { COMMAND_DIGESTS_OUTPUT, HARDENED_CONTAINER_TYPE } from "../../adapters/pulumi-tokens";
import type { ContainerFacts } from "../../facts/types";
import { pemStdinLines } from "../../scripts/daemon-tls";
import {
  renderEnginePidsLimitCommand,
  renderHostPidsLimitCommand,
  renderPidsLimitCommand,
} from "../../scripts/pids-limit";
import { HardenedArgsError } from "../args";
import { CommandDigests } from "../command-digests";
import { engineAccessOf, type EngineAccess } from "../engine-access";
import { hostCommand, remoteConnection } from "../ssh-connection";
import type { HardenedContainerArgs } from "./args";
import { checkResolvedImage, planHardenedContainer, type HardenedContainerPlan } from "./plan";

/** The docker package's token the container is registered under (its provider is the docker provider in effect). */
const DOCKER_CONTAINER_TOKEN = "docker:index/container:Container";

type PidsLimitTarget = { kind: "local" } | { kind: "engine"; access: EngineAccess };

/**
 * Where the PIDs-limit command sends `docker update` when it runs on the deploying machine: the
 * engine of the docker provider the container is created through (SecureDaemon's provider tells
 * how it reaches it), or, with no provider (or with `dockerHost`), the deploying environment's
 * DOCKER_HOST / `dockerHost`. A provider that does not tell is refused: the limit could land on
 * another engine while the container runs without one.
 */
function pidsLimitTarget(
  name: string,
  args: HardenedContainerArgs,
  component: pulumi.ComponentResource,
  opts: pulumi.ComponentResourceOptions,
): PidsLimitTarget {
  if (args.dockerHost !== undefined) return { kind: "local" };
  const provider = component.getProvider(DOCKER_CONTAINER_TOKEN);
  if (!provider) return { kind: "local" };
  const access = engineAccessOf(provider);
  if (access) return { kind: "engine", access };
  const providerName = (provider as unknown as { __name?: string }).__name;
  const given =
    opts.provider === provider
      ? "opts.provider"
      : opts.providers && Object.values(opts.providers).includes(provider)
        ? "opts.providers"
        : "opts.parent (its docker provider)";
  throw new pulumi.ResourceError(
    new HardenedArgsError(name, [
      `${given}: the docker provider${providerName ? ` "${providerName}"` : ""} does not tell ` +
        "HardenedContainer which engine it reaches (only a SecureDaemon's provider does), " +
        "so the PIDs limit (CIS 5.29) would be applied to another engine than the container's. " +
        "Give hostConnection (SSH to the Docker host: the limit is applied there) " +
        'or dockerHost (that engine\'s DOCKER_HOST, e.g. "ssh://root@10.0.0.5" or "tcp://10.0.0.5:2376", ' +
        "for the docker CLI on the deploying machine).",
    ]).message,
    component,
  );
}

/**
 * A hardened container. Child resources: the `docker.Container`, and a `command.local.Command`
 * applying the PIDs limit through the Engine API (the provider has no field for it).
 */
export class HardenedContainer extends pulumi.ComponentResource {
  /** The docker.Container. */
  public readonly container: docker.Container;
  /**
   * The command that applies the PIDs limit (CIS 5.29) through the Engine API: local, or on the host
   * with `hostConnection`.
   */
  public readonly pidsLimitCommand: command.local.Command | command.remote.Command;
  /** The facts the self-check judged (what the catalog saw before anything was created). */
  public readonly facts: ContainerFacts;
  /** The container's id on the engine. */
  public readonly containerId: pulumi.Output<string>;
  /** The container's name on the engine. */
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: HardenedContainerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(HARDENED_CONTAINER_TYPE, name, {}, opts);
    let plan: HardenedContainerPlan;
    try {
      plan = planHardenedContainer(name, args, { contentTrust: process.env.DOCKER_CONTENT_TRUST === "1" });
    } catch (err) {
      if (err instanceof HardenedArgsError) throw new pulumi.ResourceError(err.message, this);
      throw err;
    }
    this.facts = plan.facts;

    // An image known only at deploy time (an Output) is checked when it resolves.
    const image = pulumi.output(args.image).apply((ref) => {
      const refusal = checkResolvedImage(name, plan, ref, {
        now: new Date(),
        contentTrust: process.env.DOCKER_CONTENT_TRUST === "1",
      });
      if (refusal) throw new pulumi.ResourceError(refusal, this);
      return ref;
    });

    this.container = new docker.Container(
      name,
      { ...plan.containerArgs, image },
      { parent: this, additionalSecretOutputs: ["envs"] },
    );
    const triggers = [this.container.id, plan.pidsLimit];
    const onHost = args.hostConnection && plan.hostConnection ? plan.hostConnection : undefined;
    const digests = new CommandDigests();
    const commandName = `${name}-pids-limit`;
    const dependsOn = { parent: this, dependsOn: [this.container] };
    if (args.hostConnection && onHost) {
      // On the Docker host: its own engine, whatever DOCKER_* the SSH session carries.
      const fail = (message: string): never => {
        throw new pulumi.ResourceError(
          `HardenedContainer "${name}": hostConnection.${message.replace(/^connection\./, "")}`,
          this,
        );
      };
      const { connection } = remoteConnection(args.hostConnection, onHost, fail);
      const create = this.container.id.apply((id) =>
        hostCommand(renderHostPidsLimitCommand(id, plan.pidsLimit), onHost.sudo),
      );
      this.pidsLimitCommand = new command.remote.Command(
        commandName,
        digests.add(commandName, { connection, create, triggers, addPreviousOutputInEnv: false }),
        dependsOn,
      );
    } else {
      const target = pidsLimitTarget(name, args, this, opts);
      const create =
        target.kind === "local"
          ? this.container.id.apply((id) => renderPidsLimitCommand(id, plan.pidsLimit))
          : pulumi
              .all([
                this.container.id,
                target.access.dockerHost,
                target.access.via === "ssh" ? target.access.sshOpts : [],
              ])
              .apply(([id, dockerHost, sshOpts]) =>
                renderEnginePidsLimitCommand(
                  id,
                  plan.pidsLimit,
                  target.access.via === "ssh" ? { dockerHost, sshOpts } : { dockerHost, tls: true },
                ),
              );
      if (target.kind === "engine" && target.access.via === "tcp") {
        // The provider's TLS material travels on stdin, a secret: never in the command text.
        this.pidsLimitCommand = new command.local.Command(
          commandName,
          digests.add(commandName, {
            create,
            stdin: pulumi.secret(target.access.tls.apply(pemStdinLines)),
            triggers,
            addPreviousOutputInEnv: false,
          }),
          { ...dependsOn, additionalSecretOutputs: ["stdin"] },
        );
      } else {
        const environment =
          target.kind === "local" && args.dockerHost !== undefined
            ? { environment: { DOCKER_HOST: args.dockerHost } }
            : {};
        this.pidsLimitCommand = new command.local.Command(
          commandName,
          digests.add(commandName, { create, triggers, ...environment }),
          dependsOn,
        );
      }
    }
    this.containerId = this.container.id;
    this.containerName = this.container.name;
    // The command as built here, before any transformation could touch it: the pack sees one changed afterwards.
    this.registerOutputs({
      containerId: this.containerId,
      containerName: this.containerName,
      [COMMAND_DIGESTS_OUTPUT]: digests.output,
    });
  }
}
