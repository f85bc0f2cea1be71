/**
 * The shape of 1.1.3–1.1.18: an audit rule watches one Docker path. Unknown audit state
 * (auditWatches undefined) fails: CIS asks for evidence that the path is audited, and "could not
 * read the rules" is not evidence.
 */
import { isPathWithin, normalisePath } from "../../facts/normalise";
import type { HostFacts, HostLocations } from "../../facts/types";
import { defineRule, type CisLevel, type Rule } from "../types";
import { fail, notApplicable, pass } from "./verdicts";

/** Locations holding a single path (everything but the list of registry certificates). */
export type PathLocation = {
  [K in keyof HostLocations]-?: HostLocations[K] extends string | undefined ? K : never;
}[keyof HostLocations];

/**
 * /var/run is a symlink to /run on every current distribution, and the kernel resolves it
 * when a watch is inserted: `-w /var/run/docker.sock` watches /run/docker.sock.
 */
function canonical(path: string): string {
  return normalisePath(path).replace(/^\/var\/run(?=\/|$)/, "/run");
}

/**
 * The audit watch covering `path`: the path itself or an ancestor directory (auditd directory
 * watches are recursive), on path boundaries. A `-F path=` rule on an ancestor covers only
 * that directory's own inode, so it does not count for what lies below it.
 */
export function watchCovering(
  h: Pick<HostFacts, "auditWatches" | "auditNonRecursiveWatches">,
  path: string,
): string | undefined {
  const target = canonical(path);
  const exactOnly = new Set((h.auditNonRecursiveWatches ?? []).map(canonical));
  return (h.auditWatches ?? []).find((w) => {
    const c = canonical(w);
    return c === target || (isPathWithin(target, c) && !exactOnly.has(c));
  });
}

export interface AuditWatchItem {
  id: string;
  slug: string;
  title: string;
  level: CisLevel;
  /** What is watched, in words ("the dockerd binary"). */
  what: string;
  location: PathLocation;
  /** Typical path, for the remediation text only; the check uses the host's real location. */
  typical: string;
}

export function auditWatchRule(item: AuditWatchItem): Rule<"host"> {
  return defineRule({
    id: item.id,
    slug: item.slug,
    title: item.title,
    section: 1,
    automated: true,
    level: item.level,
    subject: "host",
    where: "live",
    reads: [`locations.${item.location}`, "auditWatches", "auditNonRecursiveWatches"],
    remediation:
      `Add "-w ${item.typical} -p rwxa -k docker" (with the host's real path) to ` +
      '/etc/audit/rules.d/docker.rules and load it with "augenrules --load".',
    check(h) {
      const path = h.locations[item.location];
      if (path === undefined) return notApplicable(`${item.what} not present on this host`);
      if (h.auditWatches === undefined)
        return fail("auditWatches", null, "audit rules readable (auditctl -l or /etc/audit/rules.d)");
      const watch = watchCovering(h, path);
      if (watch === undefined)
        return fail("auditWatches", h.auditWatches, `a watch on ${path} or a directory above it`);
      return pass(watch === path ? `${path} is watched` : `${path} is covered by the watch on ${watch}`);
    },
  });
}
