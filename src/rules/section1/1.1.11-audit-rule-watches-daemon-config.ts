import { auditWatchRule } from "../kit/audit-watch";

export const auditDaemonConfig = auditWatchRule({
  id: "1.1.11",
  slug: "audit-rule-watches-daemon-config",
  title: "Audit rule watches the daemon config file in use",
  level: 2,
  what: "the daemon config file in use",
  location: "daemonConfig",
  typical: "/etc/docker/daemon.json",
});
