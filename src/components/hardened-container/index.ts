/** HardenedContainer: its arguments (./args), its plan (./plan, internal) and the component (./component). */
export { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE } from "../../adapters/pulumi-tokens";
export { type HardenedContainerArgs, type HardenedHealthcheck, type HardenedPort } from "./args";
export { checkResolvedImage, planHardenedContainer, type HardenedContainerPlan, type PlanOptions } from "./plan";
export { HardenedContainer } from "./component";
