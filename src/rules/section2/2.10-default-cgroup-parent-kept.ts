import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const cgroupParent = defineRule({
  id: "2.10",
  slug: "default-cgroup-parent-kept",
  settings: ["cgroupParentConfirmed"],
  title: "Default cgroup parent is kept",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.11"],
  reads: ["cgroupParent"],
  remediation:
    'Remove "cgroup-parent" from daemon.json (or --cgroup-parent), or confirm it with settings.cgroupParentConfirmed.',
  check(d, ctx) {
    if (!d.cgroupParent?.trim()) return pass();
    if (ctx.settings.cgroupParentConfirmed) return pass(`cgroup parent ${d.cgroupParent} confirmed in settings`);
    return fail("cgroupParent", d.cgroupParent, "unset (or confirmed with settings.cgroupParentConfirmed)");
  },
});
