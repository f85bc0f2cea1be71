import { flagMustBe, notApplicable } from "../kit/verdicts";
import { defineRule } from "../types";

const selinuxOn = flagMustBe("selinuxEnabled", true);

/** The seed's extra daemon rule: SELinux support on where the host runs SELinux. */
export const selinuxEnabled = defineRule({
  id: "hd-selinux-enabled",
  slug: "daemon-runs-with-selinux-support",
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
    return selinuxOn(d);
  },
});
