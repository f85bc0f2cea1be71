/** CIS 4.4: an image judged by a vulnerability scanner's report (src/adapters/vuln-report.ts). */
import type { ImageFacts } from "../../facts/types";
import type { VulnFinding, VulnReport } from "../../facts/vulns";

/** The digest a reference pins: `sha256:…` itself, or what follows `@` in `name@sha256:…`. */
export function digestOf(ref: string): string | undefined {
  const at = ref.lastIndexOf("@");
  const digest = (at >= 0 ? ref.slice(at + 1) : ref).toLowerCase();
  return /^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest) ? digest : undefined;
}

/**
 * The reports that cover this image: one naming its id (the config digest) or the digest of one of
 * its repo digests. Digests, not names: `alpine@sha256:x` and `docker.io/library/alpine@sha256:x`
 * are the same content, and a tag proves nothing about what was scanned.
 */
export function reportsFor(img: ImageFacts, reports: readonly VulnReport[]): VulnReport[] {
  const own = new Set([img.id, ...img.repoDigests].map(digestOf).filter((d): d is string => d !== undefined));
  return reports.filter((r) => r.imageRefs.some((ref) => own.has(digestOf(ref) ?? "")));
}

/** Findings of several reports on one image, each vulnerability in each package once. */
export function mergedFindings(reports: readonly VulnReport[]): VulnFinding[] {
  const seen = new Map<string, VulnFinding>();
  for (const f of reports.flatMap((r) => r.findings)) {
    const key = `${f.id}\0${f.pkg}\0${f.installed}`;
    // Where scanners disagree, the one that knows a fix wins: the fix exists.
    if (!seen.has(key) || (f.fixedVersion && !seen.get(key)!.fixedVersion)) seen.set(key, f);
  }
  return [...seen.values()];
}

/** `CVE-2024-1 (openssl 3.0.1 → 3.0.2)`: one finding as evidence. */
export const shownFinding = (f: VulnFinding): string =>
  `${f.id} (${f.pkg} ${f.installed}${f.fixedVersion ? ` → ${f.fixedVersion}` : ""})`;
