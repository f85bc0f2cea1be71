import { auditWatchRule } from "../kit/audit-watch";

export const auditContainerdShimRuncV1Binary = auditWatchRule({
  id: "1.1.16",
  slug: "audit-rule-watches-containerd-shim",
  title: "Audit rule watches the containerd-shim-runc-v1 binary",
  level: 2,
  what: "the containerd-shim-runc-v1 binary",
  location: "containerdShimRuncV1Binary",
  typical: "/usr/bin/containerd-shim-runc-v1",
});
