import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const seccompEnabled = defineRule({
  id: "5.22",
  slug: "seccomp-enabled",
  title: "seccomp filtering is not disabled",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged", "securityOptions.seccompProfile"],
  remediation:
    "Remove `--security-opt seccomp=unconfined` and `--privileged`; keep the default profile or name a custom one.",
  check(c, ctx) {
    // ⚠ Privileged containers run without seccomp whatever the options say.
    if (c.privileged) return fail("privileged", true, "false: privileged containers run without seccomp");
    const profile = c.securityOptions.seccompProfile;
    if (profile?.trim().toLowerCase() === "unconfined")
      return fail("securityOptions.seccompProfile", profile, "the default or a custom profile, not unconfined");
    // No profile of its own: the daemon's default applies, which may itself be unconfined.
    if (profile === undefined && ctx.daemon?.seccompProfile?.trim().toLowerCase() === "unconfined") {
      return fail(
        "securityOptions.seccompProfile",
        null,
        "a profile other than unconfined",
        "the daemon's default seccomp profile is unconfined (--seccomp-profile)",
      );
    }
    return pass();
  },
});
