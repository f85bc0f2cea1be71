import { imageProcessRule } from "../kit/images";

export const noSetuid = imageProcessRule({
  id: "4.8",
  slug: "image-has-no-unneeded-setuid",
  title: "Image has no unneeded setuid/setgid files",
  level: 2,
  where: "none",
  guidance:
    "List setuid/setgid files in the image (`find / -xdev -perm /6000 -type f`) and " +
    "confirm each is needed; running with no-new-privileges also neutralises them.",
  remediation: "Strip the bits in the Dockerfile: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`.",
});
