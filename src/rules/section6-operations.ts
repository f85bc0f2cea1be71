/**
 * CIS Docker Benchmark v1.6.0, section 6: security operations. Both items are Manual in CIS:
 * how many images and containers are "too many" is an operational judgement, so the rules
 * report the counts (from the live inventory) and leave the decision to a person.
 */
import { defineRule, manual, type AnyRule } from "./types";

export const imageSprawl = defineRule({
  id: "6.1",
  title: "Image sprawl is avoided",
  section: 6,
  automated: false,
  level: 1,
  subject: "inventory",
  where: "live",
  reads: ["images", "imagesInUse"],
  remediation:
    "Remove images no container uses (review `docker images`, then `docker image prune -a`), and keep only the tags you deploy.",
  check: (inv) =>
    manual(
      inv.images > inv.imagesInUse
        ? `${inv.images - inv.imagesInUse} of ${inv.images} images are used by no container: review and remove those not needed.`
        : "Every image on the host is used by a container; review periodically that each is still needed.",
      { images: inv.images, imagesInUse: inv.imagesInUse, unused: Math.max(0, inv.images - inv.imagesInUse) },
    ),
});

export const containerSprawl = defineRule({
  id: "6.2",
  title: "Container sprawl is avoided",
  section: 6,
  automated: false,
  level: 1,
  subject: "inventory",
  where: "live",
  reads: ["containers", "runningContainers"],
  remediation:
    "Remove containers that are stopped and not needed (review `docker ps -a --filter status=exited`, then `docker container prune`).",
  check: (inv) =>
    manual(
      inv.containers > inv.runningContainers
        ? `${inv.containers - inv.runningContainers} of ${inv.containers} containers are not running: review and remove those not needed.`
        : "Every container on the host is running; review periodically that each is still needed.",
      {
        containers: inv.containers,
        running: inv.runningContainers,
        notRunning: Math.max(0, inv.containers - inv.runningContainers),
      },
    ),
});

export const SECTION_6: AnyRule[] = [imageSprawl, containerSprawl];
