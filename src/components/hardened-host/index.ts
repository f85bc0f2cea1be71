/** HardenedHost: its arguments (./args), its plan (./plan, internal) and the component (./component). */
export { HARDENED_HOST_TYPE } from "../../adapters/pulumi-tokens";
export { WIPE_DEVICE_EXEMPTION } from "../../exemptions";
export type {
  HardenedHostArgs,
  HardenedHostAudit,
  HardenedHostConnection,
  HardenedHostDataRoot,
  HardenedHostPaths,
  HardenedHostUnattendedUpgrades,
} from "./args";
export {
  hostFactsFromReports,
  planHardenedHost,
  type HardenedHostFacts,
  type HardenedHostPlan,
  type HardenedHostPlanOptions,
} from "./plan";
export { HardenedHost } from "./component";
