import { imageProcessRule } from "../kit/images";

export const noLoneUpdate = imageProcessRule({
  id: "4.7",
  slug: "dockerfile-runs-no-package-update",
  title: "Dockerfile runs no package update alone",
  level: 1,
  where: "decl",
  guidance:
    "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for a package index " +
    "update in a RUN of its own: the cached layer keeps stale indexes. Combine update and " +
    "install in one RUN.",
  remediation:
    "Write `RUN apt-get update && apt-get install -y --no-install-recommends PKG…` as one " +
    "instruction (likewise for apk/yum), or build with --no-cache.",
});
