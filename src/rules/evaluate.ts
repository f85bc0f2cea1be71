import type { Facts, SubjectKind } from "../facts/types";
import type { Exemption } from "../exemptions";
import type { AnyRule, Rule, RuleContext, Verdict, VerdictStatus } from "./types";
import { CATALOG, catalogFor, exemptionsOfLabels } from "./catalog";

/** One rule's outcome on one subject, with any exemption applied. */
export interface Finding {
  ruleId: string;
  title: string;
  section: number;
  level: 1 | 2;
  automated: boolean;
  subject: SubjectKind;
  subjectId: string;
  subjectName: string;
  /** The verdict's status, or `exempted` when a valid exemption covers a failure. */
  status: VerdictStatus | "exempted";
  verdict: Verdict;
  exemption?: Exemption;
}

/** The labels of a subject that can carry exemptions. */
export function labelsOf(subject: Facts): Record<string, string> {
  return "labels" in subject && subject.labels ? subject.labels : {};
}

export function subjectIdentity(subject: Facts): { id: string; name: string } {
  switch (subject.kind) {
    case "container":
    case "network":
      return { id: subject.id, name: subject.name };
    case "image":
      return { id: subject.id, name: subject.repoTags[0] ?? subject.id };
    case "host":
      return { id: subject.hostname, name: subject.hostname };
    default:
      return { id: subject.kind, name: subject.kind };
  }
}

/** Run one rule on one subject. A rule that throws is a bug: the error names the rule and subject. */
export function runRule(rule: AnyRule | Rule, subject: Facts, ctx: RuleContext): Verdict {
  try {
    return (rule as Rule).check(subject as never, ctx);
  } catch (err) {
    const { name } = subjectIdentity(subject);
    throw new Error(`rule ${rule.id} failed on ${subject.kind} "${name}": ${(err as Error).message}`);
  }
}

/**
 * Evaluate every rule whose subject matches each subject's kind, honouring exemption labels:
 * a failure covered by a valid, current exemption becomes `exempted`; a malformed or expired
 * exemption never excuses anything (and the `hd-exemptions*` rules report it as a failure).
 */
export function evaluate(
  subjects: readonly Facts[],
  ctx: RuleContext,
  rules: readonly AnyRule[] = ctx.benchmark ? catalogFor(ctx.benchmark) : CATALOG,
): Finding[] {
  const findings: Finding[] = [];
  for (const subject of subjects) {
    const { id, name } = subjectIdentity(subject);
    const { valid } = exemptionsOfLabels(labelsOf(subject), ctx.now);
    for (const rule of rules) {
      if (rule.subject !== subject.kind) continue;
      const verdict = runRule(rule, subject, ctx);
      const exemption = verdict.status === "fail" ? valid.get(rule.id) : undefined;
      findings.push({
        ruleId: rule.id,
        title: rule.title,
        section: rule.section,
        level: rule.level,
        automated: rule.automated,
        subject: subject.kind,
        subjectId: id,
        subjectName: name,
        status: exemption ? "exempted" : verdict.status,
        verdict,
        ...(exemption ? { exemption } : {}),
      });
    }
  }
  return findings;
}
