/** Readings of host facts that section 1 rules (and their tests) share. */
import { isPathWithin, normalisePath } from "../../facts/normalise";
import type { MountInfoEntry } from "../../facts/types";

/**
 * The mount `path` lives on: the entry whose mount point is the longest path-boundary prefix
 * of `path`. Of several entries at that mount point the last wins (it is mounted on top).
 */
export function mountContaining(
  mounts: readonly MountInfoEntry[],
  path: string,
): { entry: MountInfoEntry; index: number } | undefined {
  let best: { entry: MountInfoEntry; index: number } | undefined;
  mounts.forEach((entry, index) => {
    if (!isPathWithin(path, entry.mountPoint)) return;
    if (!best || normalisePath(entry.mountPoint).length >= normalisePath(best.entry.mountPoint).length)
      best = { entry, index };
  });
  return best;
}

/** A dotted numeric version: "20.10.24+dfsg1" → [20, 10, 24]; `-rc`, `-beta`, `~alpha` suffixes mark a pre-release. */
export function parseDottedVersion(v: string): { parts: number[]; prerelease: boolean } | undefined {
  const m = /^v?(\d+(?:\.\d+)*)(.*)$/.exec(v.trim());
  if (!m) return undefined;
  return { parts: m[1].split(".").map(Number), prerelease: /^[-~.]?(alpha|beta|rc)/i.test(m[2]) };
}

/**
 * Compare dotted versions numerically (missing parts count as 0; a pre-release sorts before
 * its release; other suffixes such as "+dfsg1" or "-0ubuntu1" are ignored). Negative: a < b.
 */
export function compareDottedVersions(
  a: { parts: number[]; prerelease: boolean },
  b: { parts: number[]; prerelease: boolean },
): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return Number(b.prerelease) - Number(a.prerelease);
}
