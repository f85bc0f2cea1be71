import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const noCgroupParent = defineRule({
  id: "5.25",
  slug: "default-cgroup",
  title: "The container stays in the default cgroup",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["cgroupParent"],
  remediation: "Remove `--cgroup-parent` (Pulumi `cgroupParent`) unless the cgroup is deliberately managed.",
  check(c) {
    return c.cgroupParent.trim() === ""
      ? pass()
      : fail("cgroupParent", c.cgroupParent, "empty (the engine's default cgroup)");
  },
});
