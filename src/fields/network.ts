/**
 * The network's field map: each NetworkFacts field ↔ the HardenedNetwork argument that sets it ↔
 * the `docker.Network` input that feeds it ↔ the Engine API's network inspect path.
 */
import type { NetworkFacts } from "../facts/types";
import type { FieldTable } from "./types";

/** The bridge option that says whether containers of the network reach each other. */
export const ENABLE_ICC_OPTION = "com.docker.network.bridge.enable_icc";

/** Every NetworkFacts field (options first among those the options input feeds). */
export const NETWORK_FIELDS = {
  kind: {},
  origin: {},
  id: { engine: ["Id"] },
  name: { arguments: ["name"], inputs: ["name"], engine: ["Name"] },
  driver: { arguments: ["driver"], inputs: ["driver"], engine: ["Driver"] },
  // The provider has no scope input: overlay networks are swarm-scoped.
  scope: { inputs: ["driver"], engine: ["Scope"], copied: { from: ["engine"], default: "local" } },
  internal: {
    arguments: ["egress"],
    inputs: ["internal"],
    engine: ["Internal"],
    copied: { from: ["inputs", "engine"], default: false },
  },
  attachable: {
    arguments: ["attachable"],
    inputs: ["attachable"],
    engine: ["Attachable"],
    copied: { from: ["inputs", "engine"], default: false },
  },
  ipv6: { inputs: ["ipv6"], engine: ["EnableIPv6"], copied: { from: ["inputs", "engine"], default: false } },
  isDefaultBridge: { engine: ['Options["com.docker.network.bridge.default_bridge"]', "Name", "Driver"] },
  options: { inputs: ["options"], engine: ["Options"] },
  enableIcc: { inputs: ["options"], engine: [`Options["${ENABLE_ICC_OPTION}"]`] },
  encrypted: { arguments: ["encrypted"], inputs: ["options"], engine: ['Options["encrypted"]'] },
  labels: { arguments: ["labels", "exemptions"], inputs: ["labels"], engine: ["Labels"] },
  containers: { engine: ["Containers"] },
} as const satisfies FieldTable<NetworkFacts>;
