import { auditWatchRule } from "../kit/audit-watch";

export const auditEtcSysconfigDocker = auditWatchRule({
  id: "1.1.13",
  slug: "audit-rule-watches-etc-sysconfig",
  title: "Audit rule watches /etc/sysconfig/docker",
  level: 2,
  what: "/etc/sysconfig/docker",
  location: "etcSysconfigDocker",
  typical: "/etc/sysconfig/docker",
});
