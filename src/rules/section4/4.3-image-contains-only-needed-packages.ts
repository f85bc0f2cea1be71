import { imageProcessRule } from "../kit/images";

export const minimalPackages = imageProcessRule({
  id: "4.3",
  slug: "image-contains-only-needed-packages",
  title: "Image contains only needed packages",
  level: 1,
  where: "none",
  guidance:
    "List the image's packages (an SBOM: `docker sbom IMAGE` or `syft IMAGE`) and remove " +
    "what the application does not need; prefer slim, distroless or scratch bases.",
  remediation:
    "Build from a minimal base and install only runtime dependencies (multi-stage builds " +
    "keep build tools out of the final image).",
});
