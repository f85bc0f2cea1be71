import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const iptablesAllowed = defineRule({
  id: "2.4",
  slug: "docker-may-manage-iptables",
  title: "Docker may manage iptables",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["iptables"],
  remediation: 'Remove "iptables": false from daemon.json (or dockerd --iptables=false).',
  check: flagMustBe("iptables", true, "true (the default)"),
});
