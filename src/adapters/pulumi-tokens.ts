/**
 * Names shared by the components, the policy pack, `check` and the audit's drift: Pulumi type
 * tokens, the label that marks a HardenedContainer's container, and the markers of Pulumi's wire
 * and state format. Plain constants in a module of their own, so that reading them never loads
 * the Pulumi SDK (the audit does not).
 */

export const DOCKER_CONTAINER = "docker:index/container:Container";
export const DOCKER_NETWORK = "docker:index/network:Network";
export const DOCKER_SERVICE = "docker:index/service:Service";
export const DOCKER_PROVIDER = "pulumi:providers:docker";
export const LOCAL_COMMAND = "command:local:Command";
export const REMOTE_COMMAND = "command:remote:Command";

export const HARDENED_CONTAINER_TYPE = "hardened-docker:index:HardenedContainer";
export const HARDENED_NETWORK_TYPE = "hardened-docker:index:HardenedNetwork";
export const SECURE_DAEMON_TYPE = "hardened-docker:index:SecureDaemon";
export const HARDENED_HOST_TYPE = "hardened-docker:index:HardenedHost";

/**
 * Output of HardenedHost and SecureDaemon: the exemptions the component honours itself (its
 * safeguards, and for HardenedHost its CIS section 1 parts), which no Docker object's labels
 * carry. The pack's `hd-component-exemptions` stack policy reports them.
 */
export const COMPONENT_EXEMPTIONS_OUTPUT = "componentExemptions";

/**
 * Output of every component that creates commands: `{ <command name>: digest of its arguments }`
 * (src/scripts/command-digest.ts). The pack's `hd-component-commands-intact` stack policy checks
 * each command still runs exactly what the component built.
 */
export const COMMAND_DIGESTS_OUTPUT = "commandDigests";

/** Label marking containers made by HardenedContainer (the pack's stack policy reads it). */
export const COMPONENT_LABEL = "hardened-docker.component";

// Wire and state signatures (sdk/go/common/resource/properties.go): an object whose SIG_KEY is
// SECRET_SIG is a secret, RESOURCE_SIG a resource reference, OUTPUT_SIG an output value.
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
