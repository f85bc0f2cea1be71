/**
 * The field maps, one per subject kind, and what is derived from them.
 * @internal
 */
import { CONTAINER_FIELDS } from "./container";
import { DAEMON_FIELDS } from "./daemon";
import { NETWORK_FIELDS } from "./network";
import { PROVIDER_FIELDS } from "./provider";
import { SERVICE_FIELDS } from "./service";
import { inputFieldsOf } from "./types";

export { CONTAINER_FIELDS, DAEMON_FIELDS, NETWORK_FIELDS, PROVIDER_FIELDS, SERVICE_FIELDS };
export { ENABLE_ICC_OPTION } from "./network";
export * from "./types";

/** `docker.Container` input path → the ContainerFacts fields it feeds. */
export const CONTAINER_INPUT_FIELDS = inputFieldsOf(CONTAINER_FIELDS);
/** `docker.Service` input path → the task container's ContainerFacts fields it feeds. */
export const SERVICE_INPUT_FIELDS = inputFieldsOf(SERVICE_FIELDS);
/** `docker.Network` input → the NetworkFacts fields it feeds. */
export const NETWORK_INPUT_FIELDS = inputFieldsOf(NETWORK_FIELDS);
/** Docker provider input → the DaemonFacts fields it feeds. */
export const PROVIDER_INPUT_FIELDS = inputFieldsOf(PROVIDER_FIELDS);
/** The DaemonFacts fields a provider configuration tells (the rest of the daemon is not in it). */
export const PROVIDER_KNOWN_FIELDS: readonly string[] = Object.keys(PROVIDER_FIELDS);
/** SecureDaemon's registered input → the DaemonFacts fields it feeds (daemon.json and the flags: all of them). */
export const SECURE_DAEMON_INPUT_FIELDS = inputFieldsOf(DAEMON_FIELDS);
