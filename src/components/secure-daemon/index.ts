/** SecureDaemon: its arguments (./args), its plan (./plan, internal) and the component (./component). */
export { SECURE_DAEMON_TYPE } from "../../adapters/pulumi-tokens";
export type {
  SecureDaemonArgs,
  SecureDaemonConnection,
  SecureDaemonPaths,
  SecureDaemonProviderOptions,
  SecureDaemonTls,
  UlimitName,
} from "./args";
export {
  knownHostsLine,
  planSecureDaemon,
  providerSshOpts,
  secureDaemonInputs,
  type RenderedConfig,
  type ResolvedPaths,
  type SecureDaemonInputs,
  type SecureDaemonPlan,
  type SecureDaemonPlanOptions,
} from "./plan";
export { SecureDaemon } from "./component";
