import type { Ulimit } from "../../facts/types";
import { fail, manual } from "../kit/verdicts";
import { defineRule } from "../types";

/** Ulimits among the daemon's defaults that cannot work: soft above hard, or hard above the host's hard limit. */
function unworkableUlimits(limits: readonly Ulimit[], hostHard: Record<string, number> | undefined) {
  const problems: { field: string; observed: Ulimit; expected: string }[] = [];
  limits.forEach((u, i) => {
    const field = `defaultUlimits[${i}]`;
    const max = hostHard?.[u.name];
    if (u.soft > u.hard) problems.push({ field, observed: u, expected: `soft limit ≤ hard limit (${u.hard})` });
    else if (max !== undefined && u.hard > max)
      problems.push({ field: `${field}.hard`, observed: u, expected: `≤ the host's hard ${u.name} limit (${max})` });
  });
  return problems;
}

export const defaultUlimits = defineRule({
  id: "2.8",
  slug: "default-ulimits-set-workable",
  title: "Default ulimits are set and workable",
  section: 2,
  automated: false,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.9"],
  reads: ["defaultUlimits"],
  remediation:
    'Set "default-ulimits" in daemon.json (e.g. {"nofile": {"Name": "nofile", "Soft": ' +
    '1024, "Hard": 4096}}) with hard limits no higher than the host\'s.',
  check(d, ctx) {
    const hostHard = ctx.host?.ulimitHardLimits;
    const [problem, ...more] = unworkableUlimits(d.defaultUlimits, hostHard);
    if (problem) {
      const detail = more.length ? `also: ${more.map((p) => `${p.observed.name} (${p.field})`).join(", ")}` : undefined;
      return fail(problem.field, problem.observed, problem.expected, detail);
    }
    const report = { defaultUlimits: d.defaultUlimits, hostHardLimits: hostHard ?? null };
    return d.defaultUlimits.length === 0
      ? manual("No default ulimits are configured: decide limits (e.g. nofile, nproc) that fit the workloads.", report)
      : manual("Confirm the default ulimits fit the workloads.", report);
  },
});
