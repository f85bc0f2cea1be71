import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const noNewPrivileges = defineRule({
  id: "5.26",
  slug: "no-new-privileges",
  title: "The container cannot gain new privileges",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["securityOptions.noNewPrivileges", "securityOptions.noNewPrivilegesOptOut"],
  remediation:
    "Add `--security-opt no-new-privileges` (Pulumi `securityOpts: " +
    '["no-new-privileges"]`) or set "no-new-privileges": true in daemon.json; never ' +
    "`no-new-privileges=false`.",
  check(c, ctx) {
    const opts = c.securityOptions;
    if (opts.noNewPrivileges) return pass();
    // The engine applies the container's explicit `no-new-privileges=false` over the daemon default.
    if (opts.noNewPrivilegesOptOut === true)
      return fail(
        "securityOptions.noNewPrivilegesOptOut",
        true,
        "no `no-new-privileges=false` (it overrides the daemon-wide setting)",
      );
    if (ctx.daemon?.noNewPrivileges === true) return pass("inherited from the daemon's no-new-privileges: true");
    return fail("securityOptions.noNewPrivileges", false, "true, or no-new-privileges: true daemon-wide");
  },
});
