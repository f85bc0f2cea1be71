import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const usernsRemap = defineRule({
  id: "2.9",
  slug: "user-namespace-remapping-enabled",
  title: "User namespace remapping is enabled",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.10"],
  reads: ["usernsRemap", "rootless"],
  remediation:
    'Set "userns-remap": "default" in daemon.json (with /etc/subuid and /etc/subgid ' +
    "entries), or run the daemon rootless.",
  check(d) {
    if (d.usernsRemap?.trim()) return pass();
    // Rootless mode runs the daemon and its containers inside a user namespace already.
    if (d.rootless) return pass("rootless daemon: containers run in the daemon's user namespace");
    return fail("usernsRemap", d.usernsRemap ?? null, "a remap user (e.g. default)");
  },
});
