/**
 * Shared by the pack's policies: the per-resource cache, the observer hook (how `check` sees
 * passes and exemptions, which the engine never reports), and the wording of violations.
 */
import type { Policy, ResourceValidationArgs } from "@pulumi/policy";
import { EXEMPTION_LABEL_PREFIX, type Exemption } from "../exemptions";
import type { AnyRule, Verdict } from "../rules/types";
import {
  describeUnknowns,
  resolveResource,
  type ResolvedResource,
  type ResourceKind,
  type RuleOutcome,
} from "./resources";
import { rawTarget } from "./unknowns";

export type ObservedStatus = RuleOutcome["status"];

/** One judgement a policy made, as `check` (and tests) see it. */
export interface Observation {
  policyName: string;
  /** Catalog id (`5.4`) or the stack policy's own id. */
  ruleId: string;
  urn: string;
  type: string;
  name: string;
  status: ObservedStatus;
  message: string;
  exemption?: Exemption;
  /** `inputs` (resource policies, before deploy) or `state` (stack policies, e.g. drift). */
  source: "inputs" | "state";
}

export type Observer = (o: Observation) => void;

// ───────────────────────────── cache ─────────────────────────────

/**
 * Each resource is read once for all policies. The engine calls every policy for one resource
 * before it moves on, handing each a freshly deserialised copy of the props, so the cache holds
 * the last two resources seen: a hit is the same type, URN and name with the same props object
 * (tests, `check`, the benchmark) or equal props (the engine; a change of props — preview then
 * update — is a miss). Holding so few keeps each resource's facts and outcomes short-lived: they
 * die young instead of being copied through the garbage collector's generations (holding every
 * resource seen made garbage collection a quarter of the pack's time).
 */
export class ResolutionCache {
  /** Most recently used first; moved by assignment (no array reallocation per resource). */
  private readonly recent: CacheEntry[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly capacity = 2,
  ) {}

  get(args: Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props">): ResolvedResource | undefined {
    const raw = rawTarget(args.props);
    const recent = this.recent;
    let i = 0;
    for (; i < recent.length; i++) {
      const entry = recent[i]!;
      // Names first: they tell resources apart soonest (and are the shortest strings to compare).
      if (
        entry.name === args.name &&
        entry.urn === args.urn &&
        entry.type === args.type &&
        (entry.props === raw || samePlain(entry.props, raw))
      )
        break;
    }
    // the resource the last policy read: the common case
    if (i === 0 && recent.length) return recent[0]!.res ?? undefined;
    let entry: CacheEntry;
    if (i < recent.length) entry = recent[i]!;
    else {
      entry = {
        type: args.type,
        urn: args.urn,
        name: args.name,
        props: raw,
        res: resolveResource(args.type, args.name, raw, this.now()) ?? null,
      };
      if (recent.length < this.capacity) recent.push(entry);
      i = recent.length - 1;
    }
    for (; i > 0; i--) recent[i] = recent[i - 1]!;
    recent[0] = entry;
    return entry.res ?? undefined;
  }
}

interface CacheEntry {
  type: string;
  urn: string;
  name: string;
  props: unknown;
  res: ResolvedResource | null;
}

/** Deep equality of deserialised props (plain JSON-like values), without allocating. */
export function samePlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
    count++;
    if (
      !Object.prototype.hasOwnProperty.call(b, k) ||
      !samePlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  for (const k in b) if (Object.prototype.hasOwnProperty.call(b, k)) count--;
  return count === 0;
}

// ───────────────────────────── wording ─────────────────────────────

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export const subjectLabel = (kind: ResourceKind, name: string): string => `${kind.label} "${name}"`;

export function exemptionHint(rule: AnyRule, kind: ResourceKind): string {
  // An exemption cannot excuse a broken exemption, and the provider carries no labels.
  if (!kind.labels || rule.id.startsWith("hd-exemptions")) return "";
  return (
    ` To accept the risk: label ${EXEMPTION_LABEL_PREFIX}${rule.id}={"reason":"…","expires":"YYYY-MM-DD"}` +
    " (HardenedContainer: exemptions)."
  );
}

export function failMessage(verdict: Extract<Verdict, { status: "fail" }>, subject: string): string {
  const detail = verdict.detail ? ` ${verdict.detail}.` : "";
  return `${subject}: ${verdict.field} = ${show(verdict.observed)}; expected ${verdict.expected}.${detail}`;
}

/** The message of an outcome (also what a violation says). */
export function outcomeMessage(outcome: RuleOutcome, rule: AnyRule, res: ResolvedResource): string {
  const subject = subjectLabel(res.kind, res.name);
  switch (outcome.status) {
    case "fail":
      return `${failMessage(outcome.verdict, subject)} Fix: ${rule.remediation}${exemptionHint(rule, res.kind)}`;
    case "exempted": {
      const until = outcome.exemption.expires ? ` (until ${outcome.exemption.expires})` : "";
      return `${failMessage(outcome.verdict, subject)} Exempted: ${outcome.exemption.reason}${until}.`;
    }
    case "manual": {
      const report = outcome.verdict.report === undefined ? "" : ` Data: ${show(outcome.verdict.report)}`;
      return `[manual review] ${subject}: ${outcome.verdict.guidance}${report}`;
    }
    case "unknown":
      return `${subject}: cannot be decided before deploy: ${describeUnknowns(outcome.unknowns)} unknown at preview.`;
    case "error":
      return `${subject}: inputs cannot be read, so the rule cannot be checked: ${outcome.message}`;
    case "not-applicable":
      return `${subject}: not applicable: ${outcome.why}`;
    case "pass": {
      const detail = outcome.verdict.status === "pass" && outcome.verdict.detail ? ` (${outcome.verdict.detail})` : "";
      return `${subject}: compliant${detail}.`;
    }
  }
}

// ───────────────────────────── policy metadata ─────────────────────────────

/** What a policy of this pack is about (kept beside the policy objects, not on them: the engine reads those). */
export interface PolicyMeta {
  kind: "rule" | "stack" | "report";
  /** Catalog id, or the policy's own `hd-…` id for stack policies. */
  ruleId: string;
  rule?: AnyRule;
  title: string;
  remediation: string;
  /** Resource types it judges (empty = the whole stack). */
  types: readonly string[];
}

const META = new WeakMap<Policy, PolicyMeta>();

export function policyMeta(policy: Policy): PolicyMeta | undefined {
  return META.get(policy);
}

export function registerMeta<P extends Policy>(policy: P, meta: PolicyMeta): P {
  META.set(policy, meta);
  return policy;
}
