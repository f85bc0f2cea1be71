/**
 * HardenedNetwork's plan: the docker.Network inputs for the arguments (pure).
 * @internal
 */
import type * as docker from "@pulumi/docker";
import { parseArgs } from "../args";
import { argsSchema, type HardenedNetworkArgs } from "./args";

/** The docker.Network inputs for these arguments (pure; throws HardenedArgsError).
 * @internal
 */
export function planHardenedNetwork(name: string, args: HardenedNetworkArgs = {}): docker.NetworkArgs {
  const a = parseArgs(name, argsSchema, args);
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
