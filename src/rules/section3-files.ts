/**
 * CIS Docker Benchmark v1.6.0 section 3 — daemon configuration files (3.1–3.24).
 * Twelve files, each with an ownership item and a permission item, generated from one table.
 * Subject: the host (its `locations` and the `files` stat of each).
 *
 * "Mode M or more restrictive" means no permission bit outside M is set: (mode & ~M) === 0 on
 * the octal bit masks. Special bits count too (a setgid /etc/docker, 02755, is not 755).
 */
import type { FileStat, HostFacts, HostLocations } from "../facts/types";
import { defineRule, fail, notApplicable, pass, type CisLevel, type Rule, type Verdict } from "./types";

interface FileItem {
  /** [ownership item, permission item]. */
  ids: [string, string];
  level: CisLevel;
  /** The file, in words ("the docker.service unit"). */
  what: string;
  location: keyof HostLocations;
  /** Typical path, for remediation text only. */
  typical: string;
  owner: string;
  group: string;
  mode: number;
  /** 3.14: the mode must be exactly `mode`, not merely within it. */
  exactMode?: boolean;
}

const FILE_ITEMS: FileItem[] = [
  {
    ids: ["3.1", "3.2"],
    level: 1,
    what: "the docker.service unit",
    location: "dockerServiceUnit",
    typical: "/lib/systemd/system/docker.service",
    owner: "root",
    group: "root",
    mode: 0o644,
  },
  {
    ids: ["3.3", "3.4"],
    level: 1,
    what: "the docker.socket unit",
    location: "dockerSocketUnit",
    typical: "/lib/systemd/system/docker.socket",
    owner: "root",
    group: "root",
    mode: 0o644,
  },
  {
    ids: ["3.5", "3.6"],
    level: 1,
    what: "/etc/docker",
    location: "etcDocker",
    typical: "/etc/docker",
    owner: "root",
    group: "root",
    mode: 0o755,
  },
  {
    ids: ["3.7", "3.8"],
    level: 1,
    what: "registry certificates under /etc/docker/certs.d",
    location: "registryCertFiles",
    typical: "/etc/docker/certs.d/*/*",
    owner: "root",
    group: "root",
    mode: 0o444,
  },
  {
    ids: ["3.9", "3.10"],
    level: 1,
    what: "the TLS CA certificate",
    location: "tlsCaCert",
    typical: "/etc/docker/tls/ca.pem",
    owner: "root",
    group: "root",
    mode: 0o444,
  },
  {
    ids: ["3.11", "3.12"],
    level: 1,
    what: "the TLS server certificate",
    location: "tlsCert",
    typical: "/etc/docker/tls/server-cert.pem",
    owner: "root",
    group: "root",
    mode: 0o444,
  },
  {
    ids: ["3.13", "3.14"],
    level: 1,
    what: "the TLS server key",
    location: "tlsKey",
    typical: "/etc/docker/tls/server-key.pem",
    owner: "root",
    group: "root",
    mode: 0o400,
    exactMode: true,
  },
  {
    ids: ["3.15", "3.16"],
    level: 1,
    what: "the Docker socket",
    location: "dockerSocket",
    typical: "/var/run/docker.sock",
    owner: "root",
    group: "docker",
    mode: 0o660,
  },
  {
    ids: ["3.17", "3.18"],
    level: 2,
    what: "the daemon config file",
    location: "daemonConfig",
    typical: "/etc/docker/daemon.json",
    owner: "root",
    group: "root",
    mode: 0o644,
  },
  {
    ids: ["3.19", "3.20"],
    level: 2,
    what: "/etc/default/docker",
    location: "etcDefaultDocker",
    typical: "/etc/default/docker",
    owner: "root",
    group: "root",
    mode: 0o644,
  },
  {
    ids: ["3.21", "3.22"],
    level: 2,
    what: "/etc/sysconfig/docker",
    location: "etcSysconfigDocker",
    typical: "/etc/sysconfig/docker",
    owner: "root",
    group: "root",
    mode: 0o644,
  },
  {
    ids: ["3.23", "3.24"],
    level: 1,
    what: "the containerd socket",
    location: "containerdSocket",
    typical: "/run/containerd/containerd.sock",
    owner: "root",
    group: "root",
    mode: 0o660,
  },
];

/** 0o644 → "0644", 0o2755 → "02755": modes are shown in octal, never as decimal numbers. */
export function formatMode(mode: number): string {
  return "0" + mode.toString(8).padStart(3, "0");
}

/** Owner check: owner and group names exactly as the table says. */
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

function ownershipRule(item: FileItem): Rule<"host"> {
  const want = `${item.owner}:${item.group}`;
  return defineRule({
    id: item.ids[0],
    title: `${capitalise(item.what)} owned by ${want}`,
    section: 3,
    automated: true,
    level: item.level,
    subject: "host",
    where: "live",
    reads: [`locations.${item.location}`, "files"],
    remediation: `chown ${want} ${item.typical} (the host's real path).`,
    check: (h) =>
      checkFiles(
        h,
        item,
        "owner",
        (s) => `${s.owner}:${s.group}`,
        (s) => ownedBy(s, item.owner, item.group),
        `owned by ${want}`,
      ),
  });
}

function permissionRule(item: FileItem): Rule<"host"> {
  const m = formatMode(item.mode).slice(1);
  return defineRule({
    id: item.ids[1],
    title: item.exactMode
      ? `${capitalise(item.what)} mode exactly ${m}`
      : `${capitalise(item.what)} mode ${m} or stricter`,
    section: 3,
    automated: true,
    level: item.level,
    subject: "host",
    where: "live",
    reads: [`locations.${item.location}`, "files"],
    remediation: `chmod ${m} ${item.typical} (the host's real path).`,
    check: (h) =>
      checkFiles(
        h,
        item,
        "mode",
        (s) => formatMode(s.mode),
        (s) => (item.exactMode ? s.mode === item.mode : modeAtMost(s.mode, item.mode)),
        item.exactMode ? `mode exactly ${m}` : `mode ${m} or more restrictive (no permission bit outside ${m})`,
      ),
  });
}

function capitalise(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

export const SECTION_3 = FILE_ITEMS.flatMap((item) => [ownershipRule(item), permissionRule(item)]);
