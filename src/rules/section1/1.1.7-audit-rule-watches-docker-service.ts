import { auditWatchRule } from "../kit/audit-watch";

export const auditDockerServiceUnit = auditWatchRule({
  id: "1.1.7",
  slug: "audit-rule-watches-docker-service",
  title: "Audit rule watches the docker.service unit",
  level: 2,
  what: "the docker.service unit",
  location: "dockerServiceUnit",
  typical: "/lib/systemd/system/docker.service",
});
