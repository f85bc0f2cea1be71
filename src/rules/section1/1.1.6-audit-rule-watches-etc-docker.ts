import { auditWatchRule } from "../kit/audit-watch";

export const auditEtcDocker = auditWatchRule({
  id: "1.1.6",
  slug: "audit-rule-watches-etc-docker",
  title: "Audit rule watches /etc/docker",
  level: 1,
  what: "/etc/docker",
  location: "etcDocker",
  typical: "/etc/docker",
});
