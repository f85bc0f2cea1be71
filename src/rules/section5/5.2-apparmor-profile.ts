import { fail, notApplicable, pass } from "../kit/verdicts";
import { editSecurityOpts } from "../kit/container-fixes";
import { defineRule } from "../types";

export const appArmorProfile = defineRule({
  id: "5.2",
  slug: "apparmor-profile",
  title: "An AppArmor profile confines the container",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["origin", "privileged", "securityOptions.apparmorProfile", "appliedAppArmorProfile"],
  remediation:
    "Leave the engine's docker-default profile in place or name a custom one " +
    "(`--security-opt apparmor=PROFILE`, Pulumi `securityOpts`); never " +
    "`apparmor=unconfined`, never `--privileged`.",
  fix: {
    summary: "removes apparmor=unconfined from securityOpts (the engine's default profile applies again)",
    // A privileged container is unconfined whatever its options say: dropping privileged needs a person.
    container: (inputs) =>
      inputs.privileged === true ? undefined : editSecurityOpts(inputs, (o) => o.apparmorProfile === "unconfined"),
  },
  check(c, ctx) {
    // ⚠ A host without AppArmor cannot apply any profile: not a failure of every container.
    if (ctx.host?.apparmorEnabled === false) return notApplicable("the host does not support AppArmor");
    if (c.securityOptions.apparmorProfile === "unconfined") {
      return fail(
        "securityOptions.apparmorProfile",
        "unconfined",
        "a profile other than unconfined (docker-default or a custom profile)",
      );
    }
    // The engine sets `unconfined` on privileged containers whatever profile was asked for.
    if (c.privileged) return fail("privileged", true, "false: privileged containers always run AppArmor-unconfined");
    // The engine picks the profile when a container starts: a created, never-started container
    // has none yet and is judged by its declaration, like a planned one.
    if (c.origin === "live" && c.state !== "created") {
      const applied = c.appliedAppArmorProfile;
      if (ctx.host?.apparmorEnabled === true) {
        if (!applied || applied === "unconfined") {
          return fail(
            "appliedAppArmorProfile",
            applied ?? null,
            "the engine applied a profile other than unconfined (e.g. docker-default)",
          );
        }
        return pass(`profile ${applied} applied`);
      }
      // Host support unknown: an engine on an AppArmor host always applies a profile, so none means no AppArmor.
      if (applied === "unconfined") return fail("appliedAppArmorProfile", applied, "a profile other than unconfined");
      if (!applied)
        return notApplicable(
          "the engine applied no AppArmor profile and the host's AppArmor support is unknown " +
            "(an engine on an AppArmor host always applies one)",
        );
      return pass(`profile ${applied} applied`);
    }
    // Declared: the engine applies docker-default (or the named profile) wherever AppArmor exists.
    return pass(
      c.securityOptions.apparmorProfile
        ? `profile ${c.securityOptions.apparmorProfile} requested`
        : "engine default profile (docker-default) applies",
    );
  },
});
