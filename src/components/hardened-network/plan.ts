/**
 * HardenedNetwork's plan: the docker.Network inputs for the arguments, and the self-check of the
 * network they make against the catalog (pure).
 * @internal
 */
import type * as docker from "@pulumi/docker";
import { networkFactsFromPulumiInputs } from "../../adapters/pulumi-resources";
import { argumentFor, ENABLE_ICC_OPTION, NETWORK_FIELDS } from "../../fields";
import { DEFAULT_SETTINGS } from "../../rules/types";
import { HardenedArgsError, parseArgs } from "../args";
import { refusals, selfCheckFailures } from "../self-check";
import { argsSchema, type HardenedNetworkArgs } from "./args";

/**
 * The docker.Network inputs for these arguments (pure; throws HardenedArgsError). No argument
 * weakens the network: the self-check guards the plan itself.
 * @internal
 */
export function planHardenedNetwork(name: string, args: HardenedNetworkArgs = {}): docker.NetworkArgs {
  const a = parseArgs(name, argsSchema, args);
  const networkArgs = {
    name: a.name ?? name,
    driver: "bridge",
    internal: !a.egress,
    attachable: false,
    // Traffic between containers of this network only; iptables keeps networks apart.
    options: { [ENABLE_ICC_OPTION]: "true" },
    ...(a.subnet ? { ipamConfigs: [{ subnet: a.subnet }] } : {}),
    labels: Object.entries({ ...(a.labels ?? {}), "hardened-docker.component": "HardenedNetwork" }).map(
      ([label, value]) => ({ label, value }),
    ),
  };
  const facts = networkFactsFromPulumiInputs(networkArgs, name);
  const failures = selfCheckFailures({
    facts,
    ctx: { settings: DEFAULT_SETTINGS, now: new Date() },
    rules: "automated",
  });
  const refused = refusals(failures, { argumentFor: (field) => argumentFor(NETWORK_FIELDS, field) });
  if (refused.length) throw new HardenedArgsError(name, refused);
  return networkArgs;
}
