import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const imagePinned = defineRule({
  id: "5.28",
  slug: "image-pinned",
  title: "The image reference is pinned or pulled fresh",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "decl",
  reads: ["image"],
  remediation:
    "Reference images by digest (`app@sha256:…`, Pulumi `docker.RemoteImage` with a digest) or pull on every deploy.",
  check(c) {
    const pinned = c.image.digest !== undefined || c.image.isImageId;
    return manual(
      pinned
        ? "The image is pinned; confirm the digest is current."
        : "The image is referenced by tag: confirm it is pulled fresh on each deploy, or pin it by digest.",
      {
        image: c.image.raw,
        pinnedByDigest: c.image.digest !== undefined,
        imageId: c.image.isImageId,
        ...(c.image.digest ? { digest: c.image.digest } : {}),
      },
    );
  },
});
