import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const imageSprawl = defineRule({
  id: "6.1",
  slug: "image-sprawl-avoided",
  title: "Image sprawl is avoided",
  section: 6,
  automated: false,
  level: 1,
  subject: "inventory",
  where: "live",
  reads: ["images", "imagesInUse"],
  remediation:
    "Remove images no container uses (review `docker images`, then `docker image prune " +
    "-a`), and keep only the tags you deploy.",
  check: (inv) =>
    manual(
      inv.images > inv.imagesInUse
        ? `${inv.images - inv.imagesInUse} of ${inv.images} images are used by no container: ` +
            "review and remove those not needed."
        : "Every image on the host is used by a container; review periodically that each is still needed.",
      { images: inv.images, imagesInUse: inv.imagesInUse, unused: Math.max(0, inv.images - inv.imagesInUse) },
    ),
});
