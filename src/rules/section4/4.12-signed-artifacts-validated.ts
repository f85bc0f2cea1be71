import { imageProcessRule } from "../kit/images";

export const signedArtifacts = imageProcessRule({
  id: "4.12",
  slug: "signed-artifacts-validated",
  title: "Signed artifacts are validated",
  level: 1,
  where: "none",
  guidance:
    "Confirm the image and the artifacts in it are signed and their signatures verified " +
    "before deploy (Docker Content Trust, `cosign verify`, or an admission policy).",
  remediation:
    "Sign images in CI (cosign or Notary) and verify signatures before deploy; pin verified images by digest.",
});
