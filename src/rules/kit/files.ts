/**
 * The shape of section 3: twelve daemon configuration files, each with an ownership item and a
 * permission item. Subject: the host (its `locations` and the `files` stat of each).
 *
 * "Mode M or more restrictive" means no permission bit outside M is set: (mode & ~M) === 0 on
 * the octal bit masks. Special bits count too (a setgid /etc/docker, 02755, is not 755).
 */
import type { FileStat, HostFacts, HostLocations } from "../../facts/types";
import { defineRule, type CisLevel, type Rule, type Verdict } from "../types";
import { fail, notApplicable, pass } from "./verdicts";

/** The file (or files) an item is about. */
interface FileItem {
  id: string;
  slug: string;
  title: string;
  level: CisLevel;
  /** The file, in words ("the docker.service unit"). */
  what: string;
  location: keyof HostLocations;
  /** Typical path, for remediation text only. */
  typical: string;
}

/** 0o644 → "0644", 0o2755 → "02755": modes are shown in octal, never as decimal numbers. */
export function formatMode(mode: number): string {
  return "0" + mode.toString(8).padStart(3, "0");
}

/** Owner check: owner and group names exactly as the item says. */
export const ownedBy = (s: FileStat, owner: string, group: string): boolean => s.owner === owner && s.group === group;

/** "M or more restrictive": no permission bit outside M ((mode & ~M) === 0), on octal bit masks. */
export const modeAtMost = (mode: number, max: number): boolean => (mode & ~max) === 0;

/**
 * Stats of the item's files that exist, or the reason the item is n/a. A location that is
 * undefined, or has no stat in `files`, is a file absent from this host.
 */
function presentFiles(h: HostFacts, item: FileItem): FileStat[] | string {
  const at = h.locations[item.location];
  const paths = Array.isArray(at) ? at : at !== undefined ? [at] : [];
  const stats = paths.map((p) => h.files[p]).filter((s): s is FileStat => s !== undefined);
  return stats.length > 0 ? stats : `${item.what} not present on this host`;
}

/**
 * Shared body of both items of a pair: `observe` gives the value a file shows, `ok` whether it
 * complies. One offender on a single location names `files["PATH"].<attr>`; a list location
 * (registry certificates) names the location and lists every offender.
 */
function checkFiles(
  h: HostFacts,
  item: FileItem,
  attr: "owner" | "mode",
  observe: (s: FileStat) => string,
  ok: (s: FileStat) => boolean,
  expected: string,
): Verdict {
  const stats = presentFiles(h, item);
  if (typeof stats === "string") return notApplicable(stats);
  const bad = stats.filter((s) => !ok(s));
  if (bad.length === 0) return pass(stats.map((s) => `${s.path}: ${observe(s)}`).join(", "));
  if (!Array.isArray(h.locations[item.location]))
    return fail(`files["${bad[0].path}"].${attr}`, observe(bad[0]), expected);
  return fail(
    `locations.${item.location}`,
    bad.map((s) => ({ path: s.path, [attr]: observe(s) })),
    `every file ${expected}`,
    `${bad.length} of ${stats.length} ${item.what} do not comply`,
  );
}

const fileRule = (item: FileItem, remediation: string, check: (h: HostFacts) => Verdict): Rule<"host"> =>
  defineRule({
    id: item.id,
    slug: item.slug,
    title: item.title,
    section: 3,
    automated: true,
    level: item.level,
    subject: "host",
    where: "live",
    reads: [`locations.${item.location}`, "files"],
    remediation,
    check,
  });

/** The file is owned by `owner:group`. */
export function fileOwnershipRule(item: FileItem & { owner: string; group: string }): Rule<"host"> {
  const want = `${item.owner}:${item.group}`;
  return fileRule(item, `chown ${want} ${item.typical} (the host's real path).`, (h) =>
    checkFiles(
      h,
      item,
      "owner",
      (s) => `${s.owner}:${s.group}`,
      (s) => ownedBy(s, item.owner, item.group),
      `owned by ${want}`,
    ),
  );
}

/** The file's mode is `mode` or stricter; with `exactMode` (3.14), exactly `mode`. */
export function filePermissionRule(item: FileItem & { mode: number; exactMode?: boolean }): Rule<"host"> {
  const m = formatMode(item.mode).slice(1);
  return fileRule(item, `chmod ${m} ${item.typical} (the host's real path).`, (h) =>
    checkFiles(
      h,
      item,
      "mode",
      (s) => formatMode(s.mode),
      (s) => (item.exactMode ? s.mode === item.mode : modeAtMost(s.mode, item.mode)),
      item.exactMode ? `mode exactly ${m}` : `mode ${m} or more restrictive (no permission bit outside ${m})`,
    ),
  );
}
