import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdRunDir = auditWatchRule({
  id: "1.1.4",
  slug: "audit-rule-watches-run-containerd",
  title: "Audit rule watches /run/containerd",
  level: 1,
  what: "/run/containerd",
  location: "containerdRunDir",
  typical: "/run/containerd",
});
