import { fail, pass } from "../kit/verdicts";
import { editSecurityOpts } from "../kit/container-fixes";
import { defineRule } from "../types";

/** `no-new-privileges`, alone or with a value after `=` or `:` (how dockerd splits security options). */
const NO_NEW_PRIVILEGES_ENTRY = /^no-new-privileges(?:[=:]|$)/;

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
  fix: {
    summary: "sets no-new-privileges:true in securityOpts, in place of any no-new-privileges entry",
    // Every no-new-privileges entry goes, whatever its value (an opt-out, or one dockerd would refuse).
    container: (inputs) =>
      editSecurityOpts(inputs, (_, entry) => NO_NEW_PRIVILEGES_ENTRY.test(entry.trim()), ["no-new-privileges:true"]),
  },
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
