import { auditWatchRule } from "../kit/audit-watch";

export const auditRuncBinary = auditWatchRule({
  id: "1.1.18",
  slug: "audit-rule-watches-runc-binary",
  title: "Audit rule watches the runc binary",
  level: 2,
  what: "the runc binary",
  location: "runcBinary",
  typical: "/usr/bin/runc",
});
