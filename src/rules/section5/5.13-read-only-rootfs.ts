import { flagMustBe } from "../kit/verdicts";
import { defineRule } from "../types";

export const readOnlyRootfs = defineRule({
  id: "5.13",
  slug: "read-only-rootfs",
  title: "The root filesystem is read-only",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["readOnlyRootfs"],
  remediation: "Run with `--read-only` (Pulumi `readOnly: true`) and give writable paths tmpfs or volumes.",
  check: flagMustBe("readOnlyRootfs", true),
});
