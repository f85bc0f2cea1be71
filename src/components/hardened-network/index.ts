/** HardenedNetwork: its arguments (./args), its plan (./plan, internal) and the component (./component). */
export { HARDENED_NETWORK_TYPE } from "../../adapters/pulumi-tokens";
export type { HardenedNetworkArgs } from "./args";
export { planHardenedNetwork } from "./plan";
export { HardenedNetwork } from "./component";
