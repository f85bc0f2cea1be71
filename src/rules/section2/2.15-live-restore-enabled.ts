import { flagMustBe, notApplicable } from "../kit/verdicts";
import { defineRule } from "../types";

const liveRestoreOn = flagMustBe("liveRestore", true);

export const liveRestore = defineRule({
  id: "2.15",
  slug: "live-restore-enabled",
  title: "Live restore is enabled",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.16"],
  reads: ["liveRestore"],
  remediation: 'Set "live-restore": true in daemon.json (or dockerd --live-restore).',
  check(d, ctx) {
    if (ctx.swarm?.active) return notApplicable("the engine is in swarm mode, where live restore does not apply");
    return liveRestoreOn(d);
  },
});
