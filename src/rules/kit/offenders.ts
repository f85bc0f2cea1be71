/** The shape of list rules: fail on the first entry that breaks the rule, name every offender. */
import type { Verdict } from "../types";
import { fail, pass } from "./verdicts";

/**
 * What breaks a list rule, entry by entry, and how a failure names it. Defined once per rule (not
 * per call): the wording is needed only on failure. `X` is whatever the call judges with (e.g. the
 * allowed capabilities), handed to the functions that need it.
 */
export interface Offence<T, X = undefined> {
  isBad(item: T, x: X): boolean;
  field(index: number): string;
  observed(item: T): unknown;
  expected: string | ((x: X) => string);
  describe(item: T, x: X): string;
}

/**
 * Fail on the first list entry that breaks the rule (naming its index); the detail lists every
 * offender. Allocates nothing when nothing offends (the common case, judged for every resource).
 */
export function failOnOffenders<T, X = undefined>(items: readonly T[], offence: Offence<T, X>, x?: X): Verdict {
  let firstIndex = -1;
  let bad: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (!offence.isBad(item, x as X)) continue;
    if (firstIndex < 0) firstIndex = i;
    (bad ??= []).push(item);
  }
  if (!bad) return pass();
  const first = bad[0]!;
  const detail =
    bad.length > 1
      ? `${bad.length} offending entries: ${bad.map((b) => offence.describe(b, x as X)).join("; ")}`
      : offence.describe(first, x as X);
  const expected = typeof offence.expected === "string" ? offence.expected : offence.expected(x as X);
  return fail(offence.field(firstIndex), offence.observed(first), expected, detail);
}
