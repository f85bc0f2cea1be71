import { fail, manual, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const seccompProfile = defineRule({
  id: "2.17",
  slug: "daemon-wide-seccomp-profile-never",
  title: "Daemon-wide seccomp profile is never unconfined",
  section: 2,
  automated: false,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.18"],
  reads: ["seccompProfile"],
  remediation:
    'Remove "seccomp-profile": "unconfined" from daemon.json (or --seccomp-profile); keep ' +
    "the default or point it at a reviewed custom profile.",
  check(d) {
    const profile = d.seccompProfile?.trim() ?? "";
    if (profile.toLowerCase() === "unconfined")
      return fail("seccompProfile", d.seccompProfile, "the default or a custom profile, not unconfined");
    if (profile === "" || profile === "builtin") return pass("Docker's default seccomp profile applies");
    return manual(
      "A custom daemon-wide seccomp profile is set: review that it is at least as strict as Docker's default.",
      {
        seccompProfile: profile,
      },
    );
  },
});
