import { swarmGate } from "../kit/swarm";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const minimalManagers = defineRule({
  id: "7.1",
  slug: "swarm-has-minimal-odd-number",
  settings: ["swarmFaultTolerance"],
  title: "Swarm has the minimal odd number of managers",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.2"],
  reads: ["active", "state", "isManager", "managers"],
  remediation:
    "Run 2f+1 managers for the f manager failures you must tolerate " +
    "(settings.swarmFaultTolerance): `docker node demote NODE` the excess, `docker node " +
    "promote NODE` if short.",
  check(s, ctx) {
    const gate = swarmGate(s, "only managers see the manager count");
    if (gate) return gate;
    const f = ctx.settings.swarmFaultTolerance;
    const wanted = 2 * f + 1;
    if (s.managers === wanted) return pass(`${s.managers} managers tolerate ${f} manager failure(s)`);
    const tolerates = Math.max(0, Math.floor((s.managers - 1) / 2));
    const why =
      s.managers % 2 === 0
        ? `an even count tolerates no more failures than ${s.managers - 1} managers would ` +
          `(${tolerates}) and only widens the attack surface`
        : s.managers > wanted
          ? `${s.managers} managers tolerate ${tolerates} failures, more than the ${f} wanted: ` +
            "the extra managers only widen the attack surface"
          : `${s.managers} managers tolerate ${tolerates} failures, fewer than the ${f} wanted`;
    return fail("managers", s.managers, `${wanted} managers (2 × swarmFaultTolerance ${f} + 1)`, why);
  },
});
