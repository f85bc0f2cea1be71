import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const userlandProxyOff = defineRule({
  id: "2.16",
  slug: "userland-proxy-disabled",
  title: "Userland proxy is disabled",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.17"],
  reads: ["userlandProxy"],
  remediation: 'Set "userland-proxy": false in daemon.json (or dockerd --userland-proxy=false).',
  check: flagMustBe("userlandProxy", false),
});
