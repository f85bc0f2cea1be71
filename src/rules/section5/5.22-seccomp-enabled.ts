import { fail, pass } from "../kit/verdicts";
import { editSecurityOpts } from "../kit/container-fixes";
import { defineRule } from "../types";

const isUnconfined = (profile: string | undefined): boolean => profile?.trim().toLowerCase() === "unconfined";

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
  fix: {
    summary: "removes seccomp=unconfined from securityOpts (the engine's default profile applies again)",
    container: (inputs) =>
      inputs.privileged === true ? undefined : editSecurityOpts(inputs, (o) => isUnconfined(o.seccompProfile)),
  },
  check(c, ctx) {
    // ⚠ Privileged containers run without seccomp whatever the options say.
    if (c.privileged) return fail("privileged", true, "false: privileged containers run without seccomp");
    const profile = c.securityOptions.seccompProfile;
    if (isUnconfined(profile))
      return fail("securityOptions.seccompProfile", profile, "the default or a custom profile, not unconfined");
    // No profile of its own: the daemon's default applies, which may itself be unconfined.
    if (profile === undefined && isUnconfined(ctx.daemon?.seccompProfile)) {
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
