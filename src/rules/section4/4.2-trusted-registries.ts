import { matchAllowList } from "../kit/images";
import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const trustedRegistries = defineRule({
  id: "4.2",
  slug: "trusted-registries",
  settings: ["trustedRegistries"],
  title: "Images come from trusted registries",
  section: 4,
  automated: false,
  level: 1,
  subject: "container",
  where: "decl",
  reads: ["image.raw", "image.registry", "image.repository", "image.isImageId"],
  remediation:
    "Pull images only from registries you trust (an internal registry or vetted " +
    "repositories); list them in settings.trustedRegistries so each image is reported " +
    "against that allow-list.",
  check(c, ctx) {
    const allowList = ctx.settings.trustedRegistries;
    const image = c.image.isImageId
      ? { raw: c.image.raw, isImageId: true }
      : { raw: c.image.raw, registry: c.image.registry, repository: c.image.repository };
    if (allowList.length === 0) {
      return manual(
        "Confirm the image's registry and repository are trusted (and its base images too). " +
          "Configure settings.trustedRegistries to have each image compared with an allow-list.",
        { image },
      );
    }
    if (c.image.isImageId) {
      return manual(
        "The image is referenced by ID, so its registry is unknown: confirm where it came " +
          "from, or reference it by name and digest.",
        {
          image,
          allowList,
          matchedEntry: null,
        },
      );
    }
    const matchedEntry = matchAllowList(c.image, allowList) ?? null;
    return manual(
      matchedEntry
        ? `The image matches the allow-list entry "${matchedEntry}"; confirm its base images ` +
            "come from trusted sources too."
        : "The image matches no entry of settings.trustedRegistries: move it to a trusted " +
            "registry, or review and add its source to the allow-list.",
      { image, allowList, matchedEntry },
    );
  },
});
