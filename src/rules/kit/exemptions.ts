/**
 * The shape of the project's exemption rules: exemption labels on a subject are well-formed, name
 * a known rule, give a reason and have not expired. One logic, for each kind of object that
 * carries labels.
 */
import { exemptionsOfLabels } from "../catalog";
import { defineRule, type Rule } from "../types";
import { fail, pass } from "./verdicts";

export function exemptionRule<K extends "container" | "network" | "daemon">(rule: {
  id: string;
  slug: string;
  title: string;
  kind: K;
}): Rule<K> {
  return defineRule<K>({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: rule.kind === "daemon" ? 2 : 5,
    automated: true,
    level: 1,
    subject: rule.kind,
    where: "both",
    reads: ["labels"],
    remediation:
      'Fix or renew the exemption: {"reason": "at least 10 characters", "expires": "YYYY-MM-DD"} on a known rule id.',
    check(facts, ctx) {
      // Read lazily: the catalog lists this rule, so it is not complete while this module loads.
      const { problems } = exemptionsOfLabels((facts as { labels: Record<string, string> }).labels, ctx.now);
      if (problems.length === 0) return pass();
      return fail(
        "labels",
        problems.map((p) => `${p.source}: ${p.problem}`),
        "every exemption label valid and not expired",
      );
    },
  });
}
