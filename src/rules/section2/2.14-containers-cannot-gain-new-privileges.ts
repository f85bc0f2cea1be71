import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const noNewPrivileges = defineRule({
  id: "2.14",
  slug: "containers-cannot-gain-new-privileges",
  title: "Containers cannot gain new privileges by default",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.15"],
  reads: ["noNewPrivileges"],
  remediation: 'Set "no-new-privileges": true in daemon.json (or dockerd --no-new-privileges).',
  check: flagMustBe("noNewPrivileges", true),
});
