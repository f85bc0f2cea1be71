import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdShimBinary = auditWatchRule({
  id: "1.1.15",
  slug: "audit-rule-watches-containerd-shim",
  title: "Audit rule watches the containerd-shim binary",
  level: 2,
  what: "the containerd-shim binary",
  location: "containerdShimBinary",
  typical: "/usr/bin/containerd-shim",
});
