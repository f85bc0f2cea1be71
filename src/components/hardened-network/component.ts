/**
 * HardenedNetwork: a user-defined bridge network, so that only containers that must talk share
 * one (CIS 5.30: not the default bridge). Internal (no route out of the host) unless `egress: true`.
 * Containers on one HardenedNetwork reach each other; containers on different ones do not.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { HARDENED_NETWORK_TYPE } from "../adapters/pulumi-tokens";
import { HardenedArgsError, parseArgs } from "./args";

export { HARDENED_NETWORK_TYPE };

/** Arguments of HardenedNetwork. */
export interface HardenedNetworkArgs {
  /**
   * Network name on the engine. Default: the resource name.
   * @cis none the engine's name for the network
   */
  name?: string;
  /**
   * Allow traffic out of the host (default false: an internal network without a gateway route).
   * @default false (internal)
   * @cis none no CIS item covers egress; an internal network is this project's stricter default
   */
  egress?: boolean;
  /**
   * Subnet in CIDR form, e.g. "10.42.0.0/24" (default: the engine picks one).
   * @cis none addressing only
   */
  subnet?: string;
  /**
   * Extra labels.
   * @cis none metadata
   */
  labels?: Record<string, string>;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

const schema = z.strictObject({
  name: z
    .string()
    .regex(NAME, "must be 1–64 of [a-zA-Z0-9_.-], starting with a letter or digit")
    .refine((n) => !["bridge", "host", "none", "default"].includes(n), "is reserved by Docker")
    .optional(),
  egress: z.boolean().optional(),
  subnet: z
    .string()
    .refine((s) => {
      const m = CIDR4.exec(s);
      return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 30;
    }, "must be an IPv4 CIDR like 10.42.0.0/24 (prefix ≤ 30)")
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** The docker.Network inputs for these arguments (pure; throws HardenedArgsError).
 * @internal
 */
export function planHardenedNetwork(name: string, args: HardenedNetworkArgs = {}): docker.NetworkArgs {
  const a = parseArgs(name, schema, args);
  return {
    name: a.name ?? name,
    driver: "bridge",
    internal: !a.egress,
    attachable: false,
    // Traffic between containers of this network only; iptables keeps networks apart.
    options: { "com.docker.network.bridge.enable_icc": "true" },
    ...(a.subnet ? { ipamConfigs: [{ subnet: a.subnet }] } : {}),
    labels: Object.entries({ ...(a.labels ?? {}), "hardened-docker.component": "HardenedNetwork" }).map(
      ([label, value]) => ({ label, value }),
    ),
  };
}

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
