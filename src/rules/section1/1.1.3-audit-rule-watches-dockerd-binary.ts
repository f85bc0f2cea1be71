import { auditWatchRule } from "../kit/audit-watch";

export const auditDockerdBinary = auditWatchRule({
  id: "1.1.3",
  slug: "audit-rule-watches-dockerd-binary",
  title: "Audit rule watches the dockerd binary",
  level: 1,
  what: "the dockerd binary",
  location: "dockerdBinary",
  typical: "/usr/bin/dockerd",
});
