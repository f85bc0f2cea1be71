import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdConfig = auditWatchRule({
  id: "1.1.12",
  slug: "audit-rule-watches-etc-containerd",
  title: "Audit rule watches /etc/containerd/config.toml",
  level: 2,
  what: "/etc/containerd/config.toml",
  location: "containerdConfig",
  typical: "/etc/containerd/config.toml",
});
