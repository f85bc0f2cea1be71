/**
 * The settings rules read (ctx.settings), each once: its JSON schema and description. Defaults are
 * DEFAULT_SETTINGS (./types.ts); the rules that read a setting name it in their record
 * (`settings`). The pack's config schemas, the audit's `--settings` file and docs derive from this.
 */
import { DEFAULT_SETTINGS, type RuleSettings } from "./types";

/** A JSON schema for one setting (the subset the pack's config schemas use). */
export interface SettingSchema {
  type: "string" | "boolean" | "integer" | "array";
  items?: { type: "string" };
  pattern?: string;
  minimum?: number;
  default?: string | number | boolean | string[];
  description: string;
}

const stringList = (description: string, dflt: readonly string[]): SettingSchema => ({
  type: "array",
  items: { type: "string" },
  default: [...dflt],
  description,
});
const d = DEFAULT_SETTINGS;

export const SETTING_SCHEMAS: Readonly<Record<keyof RuleSettings, SettingSchema>> = {
  capabilityAllowList: stringList(
    "Capabilities a container may add back after dropping ALL (upper-case, without CAP_). " +
      "Default: the capabilities HardenedContainer allows without an exemption.",
    d.capabilityAllowList,
  ),
  trustedDockerUsers: stringList("Users allowed in the docker group / owning the socket.", d.trustedDockerUsers),
  trustedRegistries: stringList(
    'Registries or repository prefixes images may come from (e.g. "registry.example.com", ' +
      '"docker.io/library"); empty = report each image for review.',
    d.trustedRegistries,
  ),
  minimumEngineVersion: {
    type: "string",
    pattern: "^\\d+(\\.\\d+){0,2}$",
    ...(d.minimumEngineVersion ? { default: d.minimumEngineVersion } : {}),
    description: 'Minimum acceptable Docker Engine version, e.g. "28.3.3".',
  },
  dockerSocketPath: {
    type: "string",
    default: d.dockerSocketPath,
    description: "The Docker socket's path on the hosts (any path ending in docker.sock counts too).",
  },
  swarmNeeded: { type: "boolean", default: d.swarmNeeded, description: "Swarm mode is needed on these hosts." },
  swarmFaultTolerance: {
    type: "integer",
    minimum: 0,
    default: d.swarmFaultTolerance,
    description: "Manager failures the swarm must tolerate.",
  },
  cgroupParentConfirmed: {
    type: "boolean",
    default: d.cgroupParentConfirmed,
    description: "A non-default cgroup parent was deliberately chosen.",
  },
  localOnlyLogDrivers: stringList("Log drivers that keep logs on the host only.", d.localOnlyLogDrivers),
  portBindAddress: {
    type: "string",
    default: d.portBindAddress,
    description:
      "Where 5.14's fix binds a port published on every interface (a specific host address, e.g. 127.0.0.1 " +
      "or the host's private address).",
  },
};

/** Every setting's name. */
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as (keyof RuleSettings)[];
