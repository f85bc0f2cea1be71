import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const contentTrust = defineRule({
  id: "4.5",
  slug: "verified-image",
  title: "Image is verified: pinned by digest or pulled with content trust",
  section: 4,
  automated: true,
  level: 2,
  subject: "container",
  where: "decl",
  reads: ["image.digest", "image.isImageId", "image.raw"],
  remediation:
    "Reference the image by digest (`name:tag@sha256:…`, e.g. from `docker buildx " +
    "imagetools inspect`) in the Pulumi docker.Container `image`, or deploy with " +
    "DOCKER_CONTENT_TRUST=1 in the environment.",
  check(c, ctx) {
    if (c.image.digest) return pass(`pinned by digest ${c.image.digest}`);
    // An image ID is a content address: it cannot silently change either.
    if (c.image.isImageId) return pass("referenced by image ID (content-addressed)");
    if (ctx.contentTrust === true) return pass("DOCKER_CONTENT_TRUST=1 in the deploying environment");
    return fail(
      "image.digest",
      c.image.raw,
      "the reference pinned by @sha256:<digest>, or DOCKER_CONTENT_TRUST=1",
      "a tag can be moved to different content; nothing verifies what is pulled",
    );
  },
});
