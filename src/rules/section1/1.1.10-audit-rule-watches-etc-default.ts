import { auditWatchRule } from "../kit/audit-watch";

export const auditEtcDefaultDocker = auditWatchRule({
  id: "1.1.10",
  slug: "audit-rule-watches-etc-default",
  title: "Audit rule watches /etc/default/docker",
  level: 2,
  what: "/etc/default/docker",
  location: "etcDefaultDocker",
  typical: "/etc/default/docker",
});
