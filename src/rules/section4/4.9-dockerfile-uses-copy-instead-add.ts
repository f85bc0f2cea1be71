import { imageProcessRule } from "../kit/images";

export const copyNotAdd = imageProcessRule({
  id: "4.9",
  slug: "dockerfile-uses-copy-instead-add",
  title: "Dockerfile uses COPY instead of ADD",
  level: 1,
  where: "decl",
  guidance:
    "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for ADD: it fetches URLs " +
    "and unpacks archives implicitly. COPY does neither.",
  remediation: "Replace ADD with COPY; download remote files explicitly and verify their checksum.",
});
