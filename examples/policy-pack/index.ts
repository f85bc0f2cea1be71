/**
 * The hardened-docker policy pack: `pulumi preview --policy-pack examples/policy-pack`.
 *
 * Every policy is generated from the rule catalog (src/policy). This file is the only place that
 * constructs the PolicyPack (which starts the analyzer's gRPC server).
 *
 * - Profile: HARDENED_DOCKER_PROFILE = cis-level1 (default: automated Level 1 items mandatory,
 *   the rest advisory) | cis-level2 | remediate-safe (cis-level1, with every rule that has a safe
 *   fix at `remediate`: the engine deploys the fixed inputs) | advisory.
 * - Benchmark version: HARDENED_DOCKER_BENCHMARK = cis-1.6.0 (default) | cis-1.8.0. Policy names
 *   and exemptions keep the rules' stable keys (v1.6.0 ids); descriptions give the version's ids.
 * - Values unknown at preview: reported as advisory by default; HARDENED_DOCKER_FAIL_CLOSED=1
 *   makes them violations (at each policy's level).
 * - Per-policy enforcement and settings: `--policy-pack-config config.json`, e.g. config.example.json here, or
 *   { "cis-5.4-restrict-capabilities": { "capabilityAllowList": ["NET_BIND_SERVICE"] },
 *     "cis-4.2-trusted-registries": { "trustedRegistries": ["registry.example.com"] },
 *     "hd-drift-refreshed-state": "mandatory" }
 * - Drift: `pulumi refresh`, then analyze the stack with this pack: hd-drift-refreshed-state
 *   re-checks the refreshed outputs.
 *
 * Outside this repository, import from the installed package instead: "hardened-docker/policy".
 */
import { PolicyPack } from "@pulumi/policy";
import { BENCHMARK_NAMES, benchmarkFromEnv, createPolicies, profileConfig, profileFromEnv } from "../../src/policy";

const profile = profileFromEnv();
const benchmark = benchmarkFromEnv();
const version = BENCHMARK_NAMES[benchmark].version;

new PolicyPack(
  "hardened-docker",
  {
    description: `CIS Docker Benchmark ${version} for Pulumi Docker resources (hardened-docker).`,
    enforcementLevel: "advisory",
    tags: ["docker", "cis", "security"],
    policies: createPolicies({
      profile,
      benchmark,
      unknownValues: process.env.HARDENED_DOCKER_FAIL_CLOSED === "1" ? "fail" : "report",
    }),
  },
  profileConfig(profile, benchmark),
);
