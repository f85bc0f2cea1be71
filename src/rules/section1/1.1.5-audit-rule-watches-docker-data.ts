import { auditWatchRule } from "../kit/audit-watch";

export const auditDataRoot = auditWatchRule({
  id: "1.1.5",
  slug: "audit-rule-watches-docker-data",
  title: "Audit rule watches the Docker data root",
  level: 1,
  what: "the Docker data root",
  location: "dataRoot",
  typical: "/var/lib/docker",
});
