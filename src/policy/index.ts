/**
 * `hardened-docker/policy`: the CrossGuard policy pack, generated from the rule catalog. Construct
 * the pack with `new PolicyPack("hardened-docker", { policies: createPolicies() })` in the pack's
 * entry file only. The engine emulation that runs it offline is `hardened-docker/check` (src/check):
 * a pack does not load it.
 */
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { createPolicies } from "./policies";
import { isProfile, DEFAULT_PROFILE, PROFILES, type Profile } from "./metadata";
import { BENCHMARKS, DEFAULT_BENCHMARK, isBenchmark, type Benchmark } from "../rules/benchmarks";
export { BENCHMARK_NAMES, BENCHMARKS, DEFAULT_BENCHMARK, isBenchmark, type Benchmark } from "../rules/benchmarks";
export { createPolicies, packRules, type PackOptions, type RulePolicyConfig } from "./policies";
export { policyMeta, type Observation, type Observer, type PolicyMeta } from "./outcomes";
export {
  CIS_FRAMEWORK,
  DEFAULT_PROFILE,
  isProfile,
  PACK_DEFAULT_SETTINGS,
  policyName,
  PROFILES,
  ruleEnforcement,
  ruleSeverity,
  type Profile,
  type UnknownMode,
} from "./metadata";
export {
  DOCKER_CONTAINER,
  DOCKER_NETWORK,
  DOCKER_PROVIDER,
  DOCKER_SERVICE,
  LOCAL_COMMAND,
  RESOURCE_KINDS,
} from "./resources";
export { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE } from "./stack";
export { UNKNOWN_STRING, unknownCheckingProxy } from "./unknowns";

/**
 * Per-policy enforcement levels of a profile, as a pack's initial config (the third argument of
 * `new PolicyPack`): a user's `--policy-pack-config` still overrides each of them.
 */
export function profileConfig(profile: Profile, benchmark: Benchmark = DEFAULT_BENCHMARK): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  for (const p of createPolicies({ profile, benchmark })) config[p.name] = p.enforcementLevel as EnforcementLevel;
  return config;
}

/** The benchmark version named by `HARDENED_DOCKER_BENCHMARK` (or the default); an unknown name is an error. */
export function benchmarkFromEnv(env: NodeJS.ProcessEnv = process.env): Benchmark {
  const name = env.HARDENED_DOCKER_BENCHMARK;
  if (name === undefined || name === "") return DEFAULT_BENCHMARK;
  if (!isBenchmark(name))
    throw new Error(`HARDENED_DOCKER_BENCHMARK="${name}" is not a benchmark version (${BENCHMARKS.join(", ")})`);
  return name;
}

/**
 * The profile named by `HARDENED_DOCKER_PROFILE` (or the default); an unknown name is an error, not a silent default.
 */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): Profile {
  const name = env.HARDENED_DOCKER_PROFILE;
  if (name === undefined || name === "") return DEFAULT_PROFILE;
  const profiles = PROFILES.join(", ");
  if (!isProfile(name)) throw new Error(`HARDENED_DOCKER_PROFILE="${name}" is not a profile (${profiles})`);
  return name;
}
