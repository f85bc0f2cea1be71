import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const pidsLimited = defineRule({
  id: "5.29",
  slug: "pids-limit",
  title: "The number of processes is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["pidsLimit"],
  remediation:
    "Set `--pids-limit 100`; @pulumi/docker 5.2.0's Container has no field for it, so set " +
    "it through the HardenedContainer component (or `docker update --pids-limit`).",
  check(c) {
    return c.pidsLimit !== undefined && c.pidsLimit > 0 ? pass() : fail("pidsLimit", c.pidsLimit ?? null, "> 0");
  },
});
