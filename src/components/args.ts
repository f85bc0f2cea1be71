/** Argument validation shared by the components: zod pieces and readable errors. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { issuePath, typeName } from "../adapters/errors";

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

/** A `pulumi.Input<string>`: a plain string (validated) or an Output (validated when it resolves). */
export function inputString(what: string) {
  return z.custom<pulumi.Input<string>>((v) => typeof v === "string" || pulumi.Output.isInstance(v) || isPromiseLike(v), { message: `must be ${what} (a string or a pulumi Output)` });
}

function isPromiseLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

export const exemptionSchema = z.strictObject({
  rule: z.string(),
  reason: z.string(),
  expires: z.string().optional(),
});

/** One zod issue → `field = value: problem`, with the value shown when short. */
export function formatArgsIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issuePath(issue.path);
  let value: unknown = input;
  for (const k of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k] : undefined;
  if (issue.code === "unrecognized_keys") return `${path === "(root)" ? "" : path + ": "}unknown argument(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  if (value === undefined && issue.code === "invalid_type") return `${path}: ${issue.message.startsWith("is required") ? issue.message : `is required (${issue.expected})`}`;
  if (issue.code === "invalid_key") return `${path}: key ${JSON.stringify(issue.path[issue.path.length - 1])} ${issue.issues[0]?.message ?? "is not allowed"}`;
  const shown = value === undefined ? "" : ` = ${short(value)}`;
  const message = issue.code === "invalid_type" ? `expected ${issue.expected}, got ${typeName(value)}` : issue.message;
  return `${path}${shown}: ${message}`;
}

function short(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : pulumi.Output.isInstance(v) ? "<Output>" : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + "…" : s;
}
