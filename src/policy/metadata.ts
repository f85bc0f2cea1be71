/**
 * What the policy pack says about each rule: the policy name (carrying the CIS id), severity,
 * enforcement under each profile, compliance-framework metadata, and the settings a rule reads
 * (exposed in that policy's config schema). Everything here is derived from the catalog plus
 * small tables; no rule logic.
 */
import type { EnforcementLevel, PolicyComplianceFramework, PolicyConfigSchema, Severity } from "@pulumi/policy";
import type { AnyRule, RuleSettings } from "../rules/types";
import { DEFAULT_SETTINGS } from "../rules/types";
import { BENCHMARK_NAMES, benchmarkId, DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";

/** The benchmark the pack and `check` follow unless told otherwise (./rules/benchmarks.ts). */
export const CIS_FRAMEWORK = BENCHMARK_NAMES[DEFAULT_BENCHMARK];

/**
 * Enforcement profiles:
 * - `cis-level1` (default): automated CIS Level 1 items (and the project's Level 1 rules) mandatory, the rest advisory;
 * - `cis-level2`: every automated item mandatory, manual items advisory;
 * - `advisory`: everything advisory (to roll the pack out on an existing estate).
 */
export const PROFILES = ["cis-level1", "cis-level2", "advisory"] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = "cis-level1";

export function isProfile(value: unknown): value is Profile {
  return typeof value === "string" && (PROFILES as readonly string[]).includes(value);
}

export function ruleEnforcement(rule: Pick<AnyRule, "automated" | "level">, profile: Profile): EnforcementLevel {
  switch (profile) {
    case "cis-level1":
      return rule.automated && rule.level === 1 ? "mandatory" : "advisory";
    case "cis-level2":
      return rule.automated ? "mandatory" : "advisory";
    case "advisory":
      return "advisory";
  }
}

/** Short slugs for policy names (`cis-5.4-restrict-capabilities`); a rule without one gets a slug of its title. */
const SLUGS: Record<string, string> = {
  "2.6.1": "no-devicemapper",
  "2.7": "tcp-requires-tls",
  "4.1": "run-as-non-root",
  "4.2": "trusted-registries",
  "4.5": "verified-image",
  "4.6": "healthcheck-defined",
  "5.2": "apparmor-profile",
  "5.3": "selinux-options",
  "5.4": "restrict-capabilities",
  "5.5": "no-privileged",
  "5.6": "no-sensitive-host-mounts",
  "5.8": "no-privileged-ports",
  "5.9": "only-needed-ports",
  "5.10": "no-host-network",
  "5.11": "memory-limit",
  "5.12": "cpu-limit",
  "5.13": "read-only-rootfs",
  "5.14": "bind-ports-to-host-address",
  "5.15": "bounded-restarts",
  "5.16": "no-host-pid",
  "5.17": "no-host-ipc",
  "5.18": "no-host-devices",
  "5.19": "ulimits-where-needed",
  "5.20": "no-shared-propagation",
  "5.21": "no-host-uts",
  "5.22": "seccomp-enabled",
  "5.25": "default-cgroup",
  "5.26": "no-new-privileges",
  "5.27": "healthcheck",
  "5.28": "image-pinned",
  "5.29": "pids-limit",
  "5.30": "not-default-bridge",
  "5.31": "no-host-userns",
  "5.32": "no-docker-socket",
  "7.3": "encrypted-overlay",
  "hd-exemptions": "valid",
  "hd-exemptions-network": "valid",
  "hd-exemptions-daemon": "valid",
};

const STOP_WORDS = new Set(["a", "an", "the", "is", "are", "of", "to", "on", "in", "into", "and", "or", "be", "by", "where", "its"]);

function slugOfTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w && !STOP_WORDS.has(w))
    .slice(0, 5)
    .join("-");
}

export const isCisRule = (rule: Pick<AnyRule, "id">): boolean => !rule.id.startsWith("hd-");

/** `cis-5.4-restrict-capabilities`; project rules keep their `hd-` id as prefix (`hd-exemptions-valid`). */
export function policyName(rule: Pick<AnyRule, "id" | "title">): string {
  const slug = SLUGS[rule.id] ?? slugOfTitle(rule.title);
  return isCisRule(rule) ? `cis-${rule.id}-${slug}` : `${rule.id}-${slug}`;
}

/** Items whose failure hands over the host: critical whatever their level. */
const CRITICAL = new Set(["2.7", "5.5", "5.6", "5.32"]);

export function ruleSeverity(rule: Pick<AnyRule, "id" | "automated" | "level">): Severity {
  if (CRITICAL.has(rule.id)) return "critical";
  if (!rule.automated) return "low";
  return rule.level === 1 ? "high" : "medium";
}

/** The rule's place in a benchmark version: its id there (`reference`) and title. */
export function ruleFramework(rule: Pick<AnyRule, "id" | "title" | "aliases">, benchmark: Benchmark = DEFAULT_BENCHMARK): PolicyComplianceFramework | undefined {
  return isCisRule(rule) ? { ...BENCHMARK_NAMES[benchmark], reference: benchmarkId(rule, benchmark), specification: rule.title } : undefined;
}

export function ruleTags(rule: AnyRule): string[] {
  return [
    isCisRule(rule) ? `cis-${rule.id}` : rule.id,
    `section-${rule.section}`,
    `level-${rule.level}`,
    rule.automated ? "automated" : "manual",
    `subject-${rule.subject}`,
  ];
}

// ───────────────────────────── settings in config schemas ─────────────────────────────

/**
 * The RuleSettings each rule reads (ctx.settings.*). A test reads the rule sources to keep
 * this table complete. The policy for a rule exposes exactly these settings in its config.
 */
export const RULE_SETTINGS: Readonly<Record<string, readonly (keyof RuleSettings)[]>> = {
  "1.1.2": ["trustedDockerUsers"],
  "1.2.2": ["minimumEngineVersion"],
  "2.10": ["cgroupParentConfirmed"],
  "2.13": ["localOnlyLogDrivers"],
  "4.2": ["trustedRegistries"],
  "5.1": ["swarmNeeded"],
  "5.4": ["capabilityAllowList"],
  "5.32": ["dockerSocketPath"],
  "7.1": ["swarmFaultTolerance"],
};

const stringList = (description: string, dflt: readonly string[]) => ({ type: "array" as const, items: { type: "string" as const }, default: [...dflt], description });

/**
 * The pack's defaults for settings. They match HardenedContainer's self-check, so the pack and
 * the component agree: capabilities HardenedContainer adds without an exemption are allowed here.
 */
/** The pack judges with the catalog's own defaults (so do the components and the audit). */
export const PACK_DEFAULT_SETTINGS: RuleSettings = DEFAULT_SETTINGS;

export const SETTING_SCHEMAS: Record<keyof RuleSettings, PolicyConfigSchema["properties"][string]> = {
  capabilityAllowList: stringList(
    "Capabilities a container may add back after dropping ALL (upper-case, without CAP_). Default: the capabilities HardenedContainer allows without an exemption.",
    PACK_DEFAULT_SETTINGS.capabilityAllowList,
  ),
  trustedDockerUsers: stringList("Users allowed in the docker group / owning the socket.", PACK_DEFAULT_SETTINGS.trustedDockerUsers),
  trustedRegistries: stringList(
    'Registries or repository prefixes images may come from (e.g. "registry.example.com", "docker.io/library"); empty = report each image for review.',
    PACK_DEFAULT_SETTINGS.trustedRegistries,
  ),
  minimumEngineVersion: { type: "string", pattern: "^\\d+(\\.\\d+){0,2}$", description: 'Minimum acceptable Docker Engine version, e.g. "26.1.0".' },
  dockerSocketPath: { type: "string", default: PACK_DEFAULT_SETTINGS.dockerSocketPath, description: "The Docker socket's path on the hosts (any path ending in docker.sock counts too)." },
  swarmNeeded: { type: "boolean", default: PACK_DEFAULT_SETTINGS.swarmNeeded, description: "Swarm mode is needed on these hosts." },
  swarmFaultTolerance: { type: "integer", minimum: 0, default: PACK_DEFAULT_SETTINGS.swarmFaultTolerance, description: "Manager failures the swarm must tolerate." },
  cgroupParentConfirmed: { type: "boolean", default: PACK_DEFAULT_SETTINGS.cgroupParentConfirmed, description: "A non-default cgroup parent was deliberately chosen." },
  localOnlyLogDrivers: stringList("Log drivers that keep logs on the host only.", PACK_DEFAULT_SETTINGS.localOnlyLogDrivers),
};

/** How a policy treats a value unknown at preview. */
export const UNKNOWN_MODES = ["report", "fail"] as const;
export type UnknownMode = (typeof UNKNOWN_MODES)[number];
