import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdBinary = auditWatchRule({
  id: "1.1.14",
  slug: "audit-rule-watches-containerd-binary",
  title: "Audit rule watches the containerd binary",
  level: 2,
  what: "the containerd binary",
  location: "containerdBinary",
  typical: "/usr/bin/containerd",
});
