import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdShimRuncV2Binary = auditWatchRule({
  id: "1.1.17",
  slug: "audit-rule-watches-containerd-shim",
  title: "Audit rule watches the containerd-shim-runc-v2 binary",
  level: 2,
  what: "the containerd-shim-runc-v2 binary",
  location: "containerdShimRuncV2Binary",
  typical: "/usr/bin/containerd-shim-runc-v2",
});
