import { fail, notApplicable, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const encryptedOverlay = defineRule({
  id: "7.3",
  slug: "encrypted-overlay",
  title: "Overlay networks are encrypted",
  section: 7,
  automated: true,
  level: 1,
  subject: "network",
  where: "both",
  aliases: ["cis-1.13:7.4"],
  reads: ["driver", "encrypted"],
  remediation:
    "Create overlay networks with encryption: `docker network create -d overlay --opt " +
    'encrypted NAME` (Pulumi docker.Network `driver: "overlay", options: { encrypted: "" ' +
    "}`); an existing network must be re-created.",
  check(n) {
    if (n.driver !== "overlay")
      return notApplicable(
        `driver "${n.driver}" is not overlay: the encrypted option applies to overlay networks only`,
      );
    return n.encrypted
      ? pass("overlay traffic is encrypted (IPsec)")
      : fail("encrypted", n.encrypted, "true (the overlay network's `encrypted` option set)");
  },
});
