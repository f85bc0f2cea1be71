/** Verdict constructors: keep rule bodies short and uniform. */
import type { Verdict } from "../types";

export const pass = (detail?: string): Verdict => (detail ? { status: "pass", detail } : { status: "pass" });
export const fail = (field: string, observed: unknown, expected: string, detail?: string): Verdict =>
  detail ? { status: "fail", field, observed, expected, detail } : { status: "fail", field, observed, expected };
export const notApplicable = (why: string): Verdict => ({ status: "not-applicable", why });
export const manual = (guidance: string, report?: unknown): Verdict =>
  report === undefined ? { status: "manual", guidance } : { status: "manual", guidance, report };

/**
 * A check for a yes/no fact that must hold one value (2.2 `icc` false, 5.5 `privileged` false, …):
 * passes when it does, else fails naming the field.
 */
export function flagMustBe<F extends string>(
  field: F,
  wanted: boolean,
  expected: string = String(wanted),
): (facts: Readonly<Record<F, boolean>>) => Verdict {
  return (facts) => (facts[field] === wanted ? pass() : fail(field, facts[field], expected));
}
