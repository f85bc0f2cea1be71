import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const containerSprawl = defineRule({
  id: "6.2",
  slug: "container-sprawl-avoided",
  title: "Container sprawl is avoided",
  section: 6,
  automated: false,
  level: 1,
  subject: "inventory",
  where: "live",
  reads: ["containers", "runningContainers"],
  remediation:
    "Remove containers that are stopped and not needed (review `docker ps -a --filter " +
    "status=exited`, then `docker container prune`).",
  check: (inv) =>
    manual(
      inv.containers > inv.runningContainers
        ? `${inv.containers - inv.runningContainers} of ${inv.containers} containers are not ` +
            "running: review and remove those not needed."
        : "Every container on the host is running; review periodically that each is still needed.",
      {
        containers: inv.containers,
        running: inv.runningContainers,
        notRunning: Math.max(0, inv.containers - inv.runningContainers),
      },
    ),
});
