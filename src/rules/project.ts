/** The project's own rules (ids prefixed `hd-`), beside the CIS items. */

import { exemptionsOfLabels } from "./catalog";
import { defineRule, fail, notApplicable, pass, type Rule } from "./types";

/** The seed's extra daemon rule: SELinux support on where the host runs SELinux. */
export const selinuxEnabled = defineRule({
  id: "hd-selinux-enabled",
  title: "Daemon runs with SELinux support where the host has SELinux",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  reads: ["selinuxEnabled"],
  remediation: 'Set "selinux-enabled": true in daemon.json (on a host without SELinux dockerd only warns).',
  check(d, ctx) {
    if (ctx.host?.selinuxEnabled === false) return notApplicable("the host does not run SELinux");
    return d.selinuxEnabled ? pass() : fail("selinuxEnabled", d.selinuxEnabled, "true");
  },
});

/**
 * Exemption labels on a subject are well-formed, name a known rule, give a reason and have not
 * expired. One logic, instantiated for each kind of object that carries labels.
 */
function exemptionRule<K extends "container" | "network" | "daemon">(kind: K, id: string): Rule<K> {
  return defineRule<K>({
    id,
    slug: "valid",
    title: `Exemption labels on the ${kind} are valid and current`,
    section: kind === "daemon" ? 2 : 5,
    automated: true,
    level: 1,
    subject: kind as K,
    where: "both",
    reads: ["labels"],
    remediation:
      'Fix or renew the exemption: {"reason": "at least 10 characters", "expires": "YYYY-MM-DD"} on a known rule id.',
    check(facts, ctx) {
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

export const PROJECT_RULES = [
  selinuxEnabled,
  exemptionRule("container", "hd-exemptions"),
  exemptionRule("network", "hd-exemptions-network"),
  exemptionRule("daemon", "hd-exemptions-daemon"),
] as const;
