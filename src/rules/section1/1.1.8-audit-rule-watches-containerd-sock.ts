import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdSocket = auditWatchRule({
  id: "1.1.8",
  slug: "audit-rule-watches-containerd-sock",
  title: "Audit rule watches containerd.sock",
  level: 2,
  what: "containerd.sock",
  location: "containerdSocket",
  typical: "/run/containerd/containerd.sock",
});
