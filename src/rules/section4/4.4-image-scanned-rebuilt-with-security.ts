import { imageProcessRule } from "../kit/images";

export const scanAndRebuild = imageProcessRule({
  id: "4.4",
  slug: "image-scanned-rebuilt-with-security",
  title: "Image is scanned and rebuilt with security patches",
  level: 1,
  where: "none",
  guidance:
    "Scan the image for known vulnerabilities (Trivy, Grype, Docker Scout) and confirm it " +
    "is rebuilt from a patched base on a schedule and when fixes land; then redeploy its " +
    "containers.",
  remediation:
    "Add image scanning to CI and rebuild images regularly from updated bases (`docker " +
    "build --pull --no-cache`); redeploy containers from the new image.",
});
