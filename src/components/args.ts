/** Argument validation shared by the components: zod pieces and readable errors. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { issuePath, typeName } from "../adapters/errors";
import { exemptionProblems, type Exemption } from "../exemptions";
import { resolveRuleReference, RULE_IDS } from "../rules/catalog";

/** Thrown by the components' pure planning functions; the component class turns it into a pulumi.ResourceError. */
export class HardenedArgsError extends Error {
  constructor(
    readonly resourceName: string,
    readonly problems: string[],
  ) {
    super(`${resourceName}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    this.name = "HardenedArgsError";
  }
}

/** True when A and B are the same type (not merely assignable: an optional field in one only makes them differ). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * A component's argument schema, typed against its arguments interface: `argsSchemaFor<Args>()(schema)`
 * returns `schema` unchanged, and fails to compile unless the schema accepts exactly `Args` (every
 * field, nested ones too, with the same type and optionality), so the two cannot drift apart.
 */
export function argsSchemaFor<Args>() {
  return <S extends z.ZodType>(
    schema: S,
    ..._drift: Equals<z.input<S>, Args> extends true
      ? []
      : [drift: "the schema's input type differs from the arguments interface", schema: z.input<S>, args: Args]
  ): S => schema;
}

/** A `pulumi.Input<string>`: a plain string (validated) or an Output (validated when it resolves). */
export function inputString(what: string) {
  return z.custom<pulumi.Input<string>>(
    (v) => typeof v === "string" || pulumi.Output.isInstance(v) || isPromiseLike(v),
    { message: `must be ${what} (a string or a pulumi Output)` },
  );
}

function isPromiseLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** The sentence every refusal ends with: how to accept the weakening with a reason. */
export function howToExempt(ruleId: string): string {
  return `To accept this, add exemptions: [{ rule: "${ruleId}", reason: "<why, 10+ chars>", expires: "YYYY-MM-DD" }].`;
}

/**
 * Validate a component's exemptions (catalog rule ids plus the component's own `extraIds`):
 * a malformed one is an error even if it would not be needed. Returns the exempted rule ids.
 */
export function validateExemptions(
  resourceName: string,
  exemptions: readonly Exemption[],
  now: Date,
  extraIds: readonly string[] = [],
): Set<string> {
  const { errors, exempt } = checkExemptions(exemptions, now, extraIds);
  if (errors.length) throw new HardenedArgsError(resourceName, errors);
  return exempt;
}

/**
 * The same check without throwing, for a component that reports every argument error at once:
 * the errors, the rules validly exempted, and the rules named by a malformed exemption (`doubtful`:
 * a refusal of such a rule would only repeat what its exemption's error says). `sources[i]` names
 * exemption i in messages (default `exemptions[i]`).
 */
export function checkExemptions(
  exemptions: readonly Exemption[],
  now: Date,
  extraIds: readonly string[] = [],
  sources?: readonly string[],
): { errors: string[]; exempt: Set<string>; doubtful: Set<string> } {
  const known = extraIds.length ? new Set([...RULE_IDS, ...extraIds]) : RULE_IDS;
  const errors: string[] = [];
  const exempt = new Set<string>();
  const doubtful = new Set<string>();
  exemptions.forEach((e, i) => {
    const problems = exemptionProblems(e, known, now, sources?.[i] ?? `exemptions[${i}]`);
    errors.push(...problems.map((p) => `${p.source} (rule "${p.rule}"): ${p.problem}`));
    (problems.length ? doubtful : exempt).add(e.rule);
  });
  return { errors, exempt, doubtful };
}

/**
 * A component's exemption; a rule named by a benchmark version's id ("cis-1.8.0:2.13") is read as
 * its stable key ("2.12").
 */
export const exemptionSchema = z
  .strictObject({
    rule: z.string(),
    reason: z.string(),
    expires: z.string().optional(),
  })
  .transform((e) => ({ ...e, rule: resolveRuleReference(e.rule) ?? e.rule }));

/** The arguments' shape checked against `schema`: the parsed value, or HardenedArgsError naming every bad field. */
export function parseArgs<T>(resourceName: string, schema: z.ZodType, rawArgs: T): T {
  const parsed = schema.safeParse(rawArgs);
  if (!parsed.success)
    throw new HardenedArgsError(
      resourceName,
      parsed.error.issues.map((i) => formatArgsIssue(i, rawArgs)),
    );
  return parsed.data as T;
}

/** One zod issue → `field = value: problem`, with the value shown when short. */
export function formatArgsIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issuePath(issue.path);
  let value: unknown = input;
  for (const k of issue.path)
    value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k] : undefined;
  if (issue.code === "unrecognized_keys")
    return (
      `${path === "(root)" ? "" : path + ": "}` +
      `unknown argument(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
    );
  if (value === undefined && issue.code === "invalid_type")
    return `${path}: ${issue.message.startsWith("is required") ? issue.message : `is required (${issue.expected})`}`;
  if (issue.code === "invalid_key")
    return (
      `${path}: key ${JSON.stringify(issue.path[issue.path.length - 1])} ` +
      `${issue.issues[0]?.message ?? "is not allowed"}`
    );
  const shown = value === undefined ? "" : ` = ${short(value)}`;
  const message = issue.code === "invalid_type" ? `expected ${issue.expected}, got ${typeName(value)}` : issue.message;
  return `${path}${shown}: ${message}`;
}

function short(v: unknown): string {
  const s =
    typeof v === "string"
      ? JSON.stringify(v)
      : pulumi.Output.isInstance(v)
        ? "<Output>"
        : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? s.slice(0, 77) + "…" : s;
}
