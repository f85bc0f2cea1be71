import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const experimentalOff = defineRule({
  id: "2.18",
  slug: "experimental-features-off",
  title: "Experimental features are off",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.19"],
  reads: ["experimental"],
  remediation: 'Remove "experimental": true from daemon.json (or dockerd --experimental).',
  check: flagMustBe("experimental", false),
});
