import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const notPrivileged = defineRule({
  id: "5.5",
  slug: "no-privileged",
  severity: "critical",
  title: "The container is not privileged",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged"],
  remediation: "Remove `--privileged` (Pulumi `privileged: false`); grant single capabilities or devices instead.",
  check: flagMustBe("privileged", false),
});
