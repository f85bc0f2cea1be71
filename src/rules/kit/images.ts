/** What several section 4 (images and build files) rules share. */
import type { ImageFacts, ImageRef } from "../../facts/types";
import { defineRule, type CisLevel, type Rule } from "../types";
import { manual } from "./verdicts";

/**
 * The image reference matches an allow-list entry: a registry host (`registry.example.com`)
 * or a registry/repository prefix (`registry.example.com/team`). Prefixes match on path
 * boundaries, so `…/team` does not admit `…/teamster/app`. Hosts compare case-insensitively.
 * Returns the matching entry, or undefined.
 */
export function matchAllowList(ref: ImageRef, allowList: readonly string[]): string | undefined {
  if (ref.isImageId) return undefined; // an ID carries no registry to match
  const path = `${ref.registry.toLowerCase()}/${ref.repository}`;
  return allowList.find((entry) => {
    const trimmed = entry.trim().replace(/\/+$/, "");
    if (trimmed === "") return false;
    const slash = trimmed.indexOf("/");
    const normalised = slash < 0 ? trimmed.toLowerCase() : trimmed.slice(0, slash).toLowerCase() + trimmed.slice(slash);
    return path === normalised || path.startsWith(normalised + "/");
  });
}

/** What a person reviewing an image needs to identify it. */
const imageReport = (img: ImageFacts) => ({
  id: img.id,
  repoTags: img.repoTags,
  repoDigests: img.repoDigests,
  ...(img.containersUsing !== undefined ? { containersUsing: img.containersUsing } : {}),
});

/** The report-only items about how an image was built: one verdict per image, with guidance. */
export function imageProcessRule(rule: {
  id: string;
  slug: string;
  title: string;
  level: CisLevel;
  where: "decl" | "none";
  /** What the person reviewing the image checks. */
  guidance: string;
  remediation: string;
}): Rule<"image"> {
  return defineRule({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: 4,
    automated: false,
    level: rule.level,
    subject: "image",
    where: rule.where,
    reads: ["id", "repoTags", "repoDigests", "containersUsing"],
    remediation: rule.remediation,
    check: (img) => manual(rule.guidance, imageReport(img)),
  });
}
