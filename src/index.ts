/**
 * hardened-docker public API.
 *
 * - facts: normalised views of containers, daemons, hosts, networks, images, swarms
 * - adapters: source formats (Engine API inspect JSON, daemon.json + dockerd argv) → facts
 * - rules: the CIS Docker Benchmark v1.6.0 catalog and its evaluation
 * - exemptions: typed, reasoned, expiring exceptions carried as labels
 */
export * from "./facts/types";
export * from "./rules/types";
export { CATALOG, RULE_IDS, ruleById, CIS_ITEM_COUNT } from "./rules/catalog";
export { evaluate, runRule, type Finding } from "./rules/evaluate";
export * from "./exemptions";
