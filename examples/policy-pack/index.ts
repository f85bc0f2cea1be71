/**
 * The hardened-docker policy pack: `pulumi preview --policy-pack examples/policy-pack`.
 *
 * Every policy is generated from the rule catalog (src/policy). This file is the only place that
 * constructs the PolicyPack (which starts the analyzer's gRPC server).
 *
 * - Profile: HARDENED_DOCKER_PROFILE = cis-level1 (default: automated Level 1 items mandatory,
 *   the rest advisory) | cis-level2 | advisory.
 * - Values unknown at preview: reported as advisory by default; HARDENED_DOCKER_FAIL_CLOSED=1
 *   makes them violations (at each policy's level).
 * - Per-policy enforcement and settings: `--policy-pack-config config.json`, e.g. config.example.json here, or
 *   { "cis-5.4-restrict-capabilities": { "capabilityAllowList": ["NET_BIND_SERVICE"] },
 *     "cis-4.2-trusted-registries": { "trustedRegistries": ["registry.example.com"] },
 *     "hd-drift-refreshed-state": "mandatory" }
 * - Drift: `pulumi refresh`, then analyze the stack with this pack: hd-drift-refreshed-state
 *   re-checks the refreshed outputs.
 *
 * Outside this repository, import from the installed package instead: "hardened-docker/dist/policy".
 */
import { PolicyPack } from "@pulumi/policy";
import { createPolicies, profileConfig, profileFromEnv } from "../../src/policy";

const profile = profileFromEnv();

new PolicyPack(
  "hardened-docker",
  {
    description: "CIS Docker Benchmark 1.6.0 for Pulumi Docker resources (hardened-docker).",
    enforcementLevel: "advisory",
    tags: ["docker", "cis", "security"],
    policies: createPolicies({ profile, unknownValues: process.env.HARDENED_DOCKER_FAIL_CLOSED === "1" ? "fail" : "report" }),
  },
  profileConfig(profile),
);
