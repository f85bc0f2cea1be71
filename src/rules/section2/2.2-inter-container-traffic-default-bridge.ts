import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const iccDisabled = defineRule({
  id: "2.2",
  slug: "inter-container-traffic-default-bridge",
  title: "Inter-container traffic on the default bridge is blocked",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["icc"],
  remediation:
    'Set "icc": false in daemon.json (or dockerd --icc=false); give containers that must talk a user-defined network.',
  check: flagMustBe("icc", false),
});
