/**
 * HardenedNetwork: a user-defined bridge network, so that only containers that must talk share
 * one (CIS 5.30: not the default bridge). Internal (no route out of the host) unless `egress: true`.
 * Containers on one HardenedNetwork reach each other; containers on different ones do not.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { HARDENED_NETWORK_TYPE } from "../../adapters/pulumi-tokens";
import { HardenedArgsError } from "../args";
import type { HardenedNetworkArgs } from "./args";
import { planHardenedNetwork } from "./plan";

/**
 * A user-defined bridge network, so that containers stay off the default bridge (CIS 5.30) and only
 * containers that must talk share one. Internal unless `egress: true`. Child resource: the `docker.Network`.
 */
export class HardenedNetwork extends pulumi.ComponentResource {
  /** The docker.Network. */
  public readonly network: docker.Network;
  /** The engine's name for the network (what containers attach to). */
  public readonly networkName: pulumi.Output<string>;
  /** No route out of the host. The engine publishes no port of a container whose only networks are internal. */
  public readonly internal: boolean;

  constructor(name: string, args: HardenedNetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super(HARDENED_NETWORK_TYPE, name, {}, opts);
    let networkArgs: docker.NetworkArgs;
    try {
      networkArgs = planHardenedNetwork(name, args);
    } catch (err) {
      if (err instanceof HardenedArgsError) throw new pulumi.ResourceError(err.message, this);
      throw err;
    }
    this.internal = networkArgs.internal === true;
    this.network = new docker.Network(name, networkArgs, { parent: this });
    this.networkName = this.network.name;
    this.registerOutputs({ networkName: this.networkName });
  }
}
