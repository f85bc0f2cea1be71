import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const authorizationPlugin = defineRule({
  id: "2.12",
  slug: "authorization-plugin-guards-client-commands",
  title: "An authorization plugin guards client commands",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.13"],
  reads: ["authorizationPlugins"],
  remediation:
    'Install an authorization plugin and list it in "authorization-plugins" in ' +
    "daemon.json (or --authorization-plugin=NAME).",
  check(d) {
    const plugins = d.authorizationPlugins.filter((p) => p.trim() !== "");
    return plugins.length > 0
      ? pass()
      : fail("authorizationPlugins", d.authorizationPlugins, "at least one authorization plugin");
  },
});
