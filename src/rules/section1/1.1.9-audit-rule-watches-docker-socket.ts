import { auditWatchRule } from "../kit/audit-watch";

export const auditDockerSocketUnit = auditWatchRule({
  id: "1.1.9",
  slug: "audit-rule-watches-docker-socket",
  title: "Audit rule watches the docker.socket unit",
  level: 2,
  what: "the docker.socket unit",
  location: "dockerSocketUnit",
  typical: "/lib/systemd/system/docker.socket",
});
