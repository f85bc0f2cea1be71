/**
 * The rules' fixes (`Rule.fix`) applied to a resource's inputs: what a policy at enforcement level
 * `remediate` hands back to the engine, and what `check --fix` shows. A fix is applied only where
 * its rule fails — not where it passes, is exempted, or reads a value unknown at preview — and
 * kept only when the corrected inputs then pass that rule: a fix that would not fix is never
 * deployed.
 */
import type { AnyRule, RuleContext } from "../rules/types";
import { DOCKER_CONTAINER, judgeRule, resolveResource, type RuleOutcome } from "./resources";
import { rawTarget } from "./unknowns";

/** One input the fix changed (a top-level input of the resource). */
export interface InputChange {
  input: string;
  before: unknown;
  after: unknown;
}

export interface AppliedFix {
  ruleId: string;
  /** What the fix does, in words. */
  summary: string;
  /** The failure it fixes. */
  fixes: Extract<RuleOutcome, { status: "fail" }>["verdict"];
  /** The corrected inputs (all of them: the engine deploys these). */
  inputs: Record<string, unknown>;
  changes: InputChange[];
}

/** Resource types whose inputs the fixes are written for. */
export const FIXABLE_TYPES: readonly string[] = [DOCKER_CONTAINER];

/** Does this rule have a fix for this resource type? */
export const canFix = (rule: AnyRule, type: string): boolean => rule.fix !== undefined && FIXABLE_TYPES.includes(type);

/**
 * The rule's fix for one resource's inputs, or undefined: no fix for this rule or type, the rule
 * does not fail (passes, is exempted, cannot be decided yet), or no safe change makes it pass.
 */
export function fixResource(
  rule: AnyRule,
  resource: { type: string; name: string; inputs: Record<string, unknown> },
  ctx: RuleContext,
): AppliedFix | undefined {
  if (!rule.fix || !canFix(rule, resource.type)) return undefined;
  const before = resolveResource(resource.type, resource.name, resource.inputs, ctx.now);
  if (!before) return undefined;
  const outcome = judgeRule(before, rule, ctx);
  if (outcome.status !== "fail") return undefined;
  const inputs = rule.fix.container(resource.inputs, ctx);
  if (!inputs) return undefined;
  const after = resolveResource(resource.type, resource.name, inputs, ctx.now);
  if (!after || judgeRule(after, rule, ctx).status !== "pass") return undefined;
  return {
    ruleId: rule.id,
    summary: rule.fix.summary,
    fixes: outcome.verdict,
    inputs,
    changes: changes(resource.inputs, inputs),
  };
}

/** Every fix the rules have for one resource, applied in turn (each to the inputs the last left). */
export function fixAll(
  rules: readonly AnyRule[],
  resource: { type: string; name: string; inputs: Record<string, unknown> },
  ctxOf: (rule: AnyRule) => RuleContext,
): { inputs: Record<string, unknown>; fixes: AppliedFix[] } {
  let inputs = resource.inputs;
  const fixes: AppliedFix[] = [];
  for (const rule of rules) {
    const fixed = fixResource(rule, { ...resource, inputs }, ctxOf(rule));
    if (!fixed) continue;
    fixes.push(fixed);
    inputs = fixed.inputs;
  }
  return { inputs, fixes };
}

/** The top-level inputs whose values differ (compared as JSON: the inputs are plain values). */
function changes(before: Record<string, unknown>, after: Record<string, unknown>): InputChange[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((input) => ({ input, before: before[input], after: after[input] }));
}

// ───────────────────────────── the engine's props ─────────────────────────────

/** @pulumi/policy's secret wrapper, loaded when a remediation first runs (the pack's judging path never needs it). */
type SecretClass = new (value: unknown) => { value: unknown };
let secretClass: SecretClass | undefined;
function Secret(): SecretClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (secretClass ??= (require("@pulumi/policy/policy") as { Secret: SecretClass }).Secret);
}

/** The object behind the SDK's proxies (unknown-checking over secrets-preserving), as it is. */
function unproxied(value: unknown): unknown {
  let current = value;
  for (let target = rawTarget(current); target !== current; target = rawTarget(current)) current = target;
  return current;
}

/** Plain values: proxies removed, secrets unwrapped (what the adapters and the fixes read). */
function plainOf(value: unknown): unknown {
  const raw = unproxied(value);
  if (raw instanceof Secret()) return plainOf(raw.value);
  if (Array.isArray(raw)) return raw.map(plainOf);
  if (raw === null || typeof raw !== "object") return raw;
  if (Object.getPrototypeOf(raw) !== Object.prototype) return raw; // assets and archives, as they are
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, plainOf(v)]));
}

function holdsSecret(value: unknown): boolean {
  const raw = unproxied(value);
  if (raw instanceof Secret()) return true;
  if (Array.isArray(raw)) return raw.some(holdsSecret);
  return raw !== null && typeof raw === "object" && Object.values(raw).some(holdsSecret);
}

/**
 * The props a Remediate call receives, read for the fixes (`plain`), and the fixed inputs turned
 * back into props for the engine (`toEngine`): unchanged inputs are handed back exactly as they
 * came (secrets, unknowns and all), and a changed input that held a secret anywhere stays secret
 * as a whole — a fix never makes a secret plain.
 */
export function engineProps(props: unknown): {
  plain: Record<string, unknown>;
  toEngine(fixed: Record<string, unknown>): Record<string, unknown>;
} {
  const raw = unproxied(props) as Record<string, unknown>;
  const plain = plainOf(raw) as Record<string, unknown>;
  return {
    plain,
    toEngine(fixed) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fixed)) {
        const original = unproxied(raw[key]);
        if (key in raw && JSON.stringify(plain[key]) === JSON.stringify(value)) out[key] = original;
        else out[key] = holdsSecret(original) ? new (Secret())(value) : value;
      }
      return out;
    },
  };
}
