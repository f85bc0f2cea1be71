/**
 * hardened-docker public API.
 *
 * - facts: normalised views of containers, daemons, hosts, networks, images, swarms
 * - adapters: source formats (Engine API inspect JSON, daemon.json + dockerd argv) → facts
 * - rules: the CIS Docker Benchmark v1.6.0 catalog and its evaluation
 * - exemptions: typed, reasoned, expiring exceptions carried as labels
 * - components: HardenedHost, SecureDaemon, HardenedNetwork, HardenedContainer (their `plan*`
 *   functions are internal: the components are the API)
 *
 * Other entries: `hardened-docker/policy` (the CrossGuard pack), `hardened-docker/check` (the
 * offline check), `hardened-docker/audit` (the live audit).
 */
export * from "./facts/types";
export * from "./rules/types";
export { CATALOG, RULE_IDS, ruleById, CIS_ITEM_COUNT } from "./rules/catalog";
export { evaluate, runRule, type Finding } from "./rules/evaluate";
export * from "./exemptions";
export {
  HardenedContainer,
  HARDENED_CONTAINER_TYPE,
  COMPONENT_LABEL,
  type HardenedContainerArgs,
  type HardenedPort,
  type HardenedHealthcheck,
} from "./components/hardened-container";
export { HardenedNetwork, HARDENED_NETWORK_TYPE, type HardenedNetworkArgs } from "./components/hardened-network";
export { SAFE_CAPABILITIES, PRIVILEGED_CAPABILITIES, type Capability, type SafeCapability } from "./rules/capabilities";
export { containerFactsFromPulumiInputs, PIDS_LIMIT_LABEL } from "./adapters/pulumi-container";
export { daemonFactsFromConfig, configFileFromArgv, DaemonConfigError } from "./adapters/daemon-config";
export { AdapterError } from "./adapters/errors";
export { parseImageRef } from "./facts/image-ref";
export { SecureDaemon, SECURE_DAEMON_TYPE, type SecureDaemonArgs } from "./components/secure-daemon";
export {
  HardenedHost,
  HARDENED_HOST_TYPE,
  WIPE_DEVICE_EXEMPTION,
  type HardenedHostArgs,
} from "./components/hardened-host";
export { runAudit } from "./audit/run";
