import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const memoryLimited = defineRule({
  id: "5.11",
  slug: "memory-limit",
  title: "Memory is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["memoryBytes"],
  remediation: "Set a memory limit: `--memory 512m` (Pulumi `memory`, in MB).",
  check(c) {
    return c.memoryBytes > 0 ? pass() : fail("memoryBytes", c.memoryBytes, "> 0 (a memory limit)");
  },
});
