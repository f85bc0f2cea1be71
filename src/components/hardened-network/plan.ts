/**
 * HardenedNetwork's plan: the docker.Network inputs for the arguments, and the self-check of the
 * network they make against the catalog (pure).
 * @internal
 */
import type * as docker from "@pulumi/docker";
import { networkFactsFromPulumiInputs } from "../../adapters/pulumi-resources";
import { argumentFor, ENABLE_ICC_OPTION, NETWORK_FIELDS } from "../../fields";
import { DEFAULT_SETTINGS } from "../../rules/types";
import { exemptionsToLabels } from "../../exemptions";
import { HardenedArgsError, parseArgs, validateExemptions } from "../args";
import { refusals, selfCheckFailures } from "../self-check";
import { argsSchema, type HardenedNetworkArgs } from "./args";

/**
 * The docker.Network inputs for these arguments (pure; throws HardenedArgsError). An overlay is
 * encrypted and not attachable unless asked; the self-check refuses what breaks a rule (an
 * unencrypted overlay: 7.3) unless exempted.
 * @internal
 */
export function planHardenedNetwork(
  name: string,
  args: HardenedNetworkArgs = {},
  options: { now?: Date } = {},
): docker.NetworkArgs {
  const a = parseArgs(name, argsSchema, args);
  const now = options.now ?? new Date();
  const overlay = a.driver === "overlay";
  const problems = (["encrypted", "attachable"] as const)
    .filter((k) => !overlay && a[k] !== undefined)
    .map((k) => `${k}: ${a[k]} applies to an overlay network only (set driver: "overlay")`);
  if (problems.length) throw new HardenedArgsError(name, problems);
  const exemptions = a.exemptions ?? [];
  validateExemptions(name, exemptions, now);
  const labels = {
    ...(a.labels ?? {}),
    ...exemptionsToLabels(exemptions),
    "hardened-docker.component": "HardenedNetwork",
  };
  const networkArgs = {
    name: a.name ?? name,
    driver: overlay ? "overlay" : "bridge",
    internal: !a.egress,
    attachable: overlay && a.attachable === true,
    // Overlay: IPsec between nodes (7.3). Bridge: traffic between this network's containers only;
    // iptables keeps networks apart.
    options: networkOptions(overlay, a.encrypted !== false),
    ...(a.subnet ? { ipamConfigs: [{ subnet: a.subnet }] } : {}),
    labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
  };
  const facts = networkFactsFromPulumiInputs(networkArgs, name);
  const failures = selfCheckFailures({ facts, ctx: { settings: DEFAULT_SETTINGS, now }, rules: "automated" });
  const refused = refusals(failures, { argumentFor: (field) => argumentFor(NETWORK_FIELDS, field) });
  if (refused.length) throw new HardenedArgsError(name, refused);
  return networkArgs;
}

/** The driver options: overlay traffic encrypted unless told not to; a bridge's containers reach each other. */
function networkOptions(overlay: boolean, encrypted: boolean): Record<string, string> {
  if (overlay) return encrypted ? { encrypted: "" } : {};
  return { [ENABLE_ICC_OPTION]: "true" };
}
