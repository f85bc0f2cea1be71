/**
 * CIS Docker Benchmark v1.6.0 section 1 — host configuration (1.1.1–1.1.18, 1.2.1, 1.2.2).
 * Subject: the host. All items are live-only: they need the host's mount table, audit
 * rules, group file and binaries.
 */
import { isPathWithin, normalisePath } from "../facts/normalise";
import type { HostFacts, HostLocations, MountInfoEntry } from "../facts/types";
import { defineRule, fail, manual, notApplicable, pass, type CisLevel, type Rule } from "./types";

// ───────────────────────────── 1.1.1 separate filesystem ─────────────────────────────

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

export const dataRootOwnFilesystem = defineRule({
  id: "1.1.1",
  title: "Docker data root on its own filesystem",
  section: 1,
  automated: true,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["locations.dataRoot", "locations.containerdRoot", "mounts"],
  remediation:
    "Put the data root (docker info: DockerRootDir, daemon.json \"data-root\") on a dedicated partition or volume, e.g. an ext4/xfs volume mounted at /var/lib/docker via /etc/fstab, before starting dockerd. With the containerd image store (Engine 29's default), images live under containerd's root (/var/lib/containerd): give it a filesystem of its own too.",
  check(h) {
    const root = mountContaining(h.mounts, "/");
    if (!root)
      return fail(
        "mounts",
        h.mounts.length === 0 ? "empty" : "no entry for /",
        "the host mount table (/proc/self/mountinfo) with an entry for /",
      );
    // With the containerd image store the images fill containerd's root, not the data root: both count.
    const places: [string, string][] = [
      ["locations.dataRoot", h.locations.dataRoot],
      ...(h.locations.containerdRoot
        ? [["locations.containerdRoot", h.locations.containerdRoot] as [string, string]]
        : []),
    ];
    const found: string[] = [];
    for (const [, path] of places) {
      const on = mountContaining(h.mounts, path)!;
      // dockerd bind-mounts the data root onto itself, so an entry AT the data root proves
      // nothing: only a backing device different from that of / does.
      if (on.entry.device === root.entry.device)
        return fail(
          `mounts[${on.index}].device`,
          on.entry.device,
          `a device other than that of / (${root.entry.device})`,
          `${path} is on ${on.entry.mountPoint} (${on.entry.source}), the same filesystem as /${path === h.locations.containerdRoot ? " (the engine keeps its images there: containerd image store)" : ""}`,
        );
      found.push(`${path} is on ${on.entry.source} (${on.entry.device})`);
    }
    return pass(`${found.join(", ")}, / is on ${root.entry.device}`);
  },
});

// ───────────────────────────── 1.1.2 trusted users ─────────────────────────────

export const onlyTrustedDockerUsers = defineRule({
  id: "1.1.2",
  settings: ["trustedDockerUsers"],
  title: "Only trusted users control the Docker daemon",
  section: 1,
  automated: true,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["dockerGroupMembers", "locations.dockerSocket", "files"],
  remediation:
    "Remove untrusted users from the docker group (gpasswd -d USER docker), chown the socket to root, or add the user to settings.trustedDockerUsers if they are meant to have root-equivalent access.",
  check(h, ctx) {
    const trusted = new Set(ctx.settings.trustedDockerUsers);
    const badMembers = h.dockerGroupMembers.filter((u) => !trusted.has(u));
    const socket = h.locations.dockerSocket;
    const owner = socket !== undefined ? h.files[socket]?.owner : undefined;
    const badOwner = owner !== undefined && !trusted.has(owner) ? owner : undefined;
    if (badMembers.length === 0 && badOwner === undefined) return pass();
    const untrusted = [...new Set([...badMembers, ...(badOwner ? [badOwner] : [])])];
    const expected = `only users in trustedDockerUsers (${[...trusted].join(", ") || "none"})`;
    const parts = [
      ...(badMembers.length ? [`docker group members: ${badMembers.join(", ")}`] : []),
      ...(badOwner ? [`owner of ${socket}: ${badOwner}`] : []),
    ];
    const field = badMembers.length ? "dockerGroupMembers" : `files["${socket}"].owner`;
    return fail(field, untrusted, expected, `untrusted ${parts.join("; ")}`);
  },
});

// ───────────────────────────── 1.1.3–1.1.18 audit watches ─────────────────────────────

/** Locations holding a single path (everything but the list of registry certificates). */
type PathLocation = {
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

interface AuditItem {
  id: string;
  level: CisLevel;
  /** What is watched, in words ("the dockerd binary"). */
  what: string;
  location: PathLocation;
  /** Typical path, for the remediation text only; the check uses the host's real location. */
  typical: string;
}

const AUDIT_ITEMS: AuditItem[] = [
  { id: "1.1.3", level: 1, what: "the dockerd binary", location: "dockerdBinary", typical: "/usr/bin/dockerd" },
  { id: "1.1.4", level: 1, what: "/run/containerd", location: "containerdRunDir", typical: "/run/containerd" },
  { id: "1.1.5", level: 1, what: "the Docker data root", location: "dataRoot", typical: "/var/lib/docker" },
  { id: "1.1.6", level: 1, what: "/etc/docker", location: "etcDocker", typical: "/etc/docker" },
  {
    id: "1.1.7",
    level: 2,
    what: "the docker.service unit",
    location: "dockerServiceUnit",
    typical: "/lib/systemd/system/docker.service",
  },
  {
    id: "1.1.8",
    level: 2,
    what: "containerd.sock",
    location: "containerdSocket",
    typical: "/run/containerd/containerd.sock",
  },
  {
    id: "1.1.9",
    level: 2,
    what: "the docker.socket unit",
    location: "dockerSocketUnit",
    typical: "/lib/systemd/system/docker.socket",
  },
  { id: "1.1.10", level: 2, what: "/etc/default/docker", location: "etcDefaultDocker", typical: "/etc/default/docker" },
  {
    id: "1.1.11",
    level: 2,
    what: "the daemon config file in use",
    location: "daemonConfig",
    typical: "/etc/docker/daemon.json",
  },
  {
    id: "1.1.12",
    level: 2,
    what: "/etc/containerd/config.toml",
    location: "containerdConfig",
    typical: "/etc/containerd/config.toml",
  },
  {
    id: "1.1.13",
    level: 2,
    what: "/etc/sysconfig/docker",
    location: "etcSysconfigDocker",
    typical: "/etc/sysconfig/docker",
  },
  {
    id: "1.1.14",
    level: 2,
    what: "the containerd binary",
    location: "containerdBinary",
    typical: "/usr/bin/containerd",
  },
  {
    id: "1.1.15",
    level: 2,
    what: "the containerd-shim binary",
    location: "containerdShimBinary",
    typical: "/usr/bin/containerd-shim",
  },
  {
    id: "1.1.16",
    level: 2,
    what: "the containerd-shim-runc-v1 binary",
    location: "containerdShimRuncV1Binary",
    typical: "/usr/bin/containerd-shim-runc-v1",
  },
  {
    id: "1.1.17",
    level: 2,
    what: "the containerd-shim-runc-v2 binary",
    location: "containerdShimRuncV2Binary",
    typical: "/usr/bin/containerd-shim-runc-v2",
  },
  { id: "1.1.18", level: 2, what: "the runc binary", location: "runcBinary", typical: "/usr/bin/runc" },
];

/**
 * One audit-watch item. Unknown audit state (auditWatches undefined) fails: CIS asks for
 * evidence that the path is audited, and "could not read the rules" is not evidence.
 */
function auditWatchRule(item: AuditItem): Rule<"host"> {
  return defineRule({
    id: item.id,
    title: `Audit rule watches ${item.what}`,
    section: 1,
    automated: true,
    level: item.level,
    subject: "host",
    where: "live",
    reads: [`locations.${item.location}`, "auditWatches", "auditNonRecursiveWatches"],
    remediation: `Add "-w ${item.typical} -p rwxa -k docker" (with the host's real path) to /etc/audit/rules.d/docker.rules and load it with "augenrules --load".`,
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

// ───────────────────────────── 1.2 general configuration ─────────────────────────────

export const hostHardened = defineRule({
  id: "1.2.1",
  title: "Host operating system hardened",
  section: 1,
  automated: false,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["os"],
  remediation:
    "Harden the host OS (e.g. the CIS benchmark for the distribution): minimal packages, patched kernel, restricted SSH, host firewall.",
  check(h) {
    return manual(
      "Check that the host OS follows a hardening guide (e.g. the CIS benchmark for this distribution).",
      h.os,
    );
  },
});

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

export const engineCurrent = defineRule({
  id: "1.2.2",
  settings: ["minimumEngineVersion"],
  title: "Docker engine version current",
  section: 1,
  automated: false,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["engineVersion"],
  remediation: "Upgrade Docker Engine (and containerd/runc) to a supported, patched release.",
  check(h, ctx) {
    const guidance = "Check that the engine version is a supported release with current security fixes.";
    const min = ctx.settings.minimumEngineVersion;
    if (h.engineVersion === undefined) return manual(`${guidance} (the engine version could not be read)`);
    if (min === undefined) return manual(guidance, h.engineVersion);
    const wanted = parseDottedVersion(min);
    // A bad setting is a configuration error: loud, never a silent pass or manual.
    if (!wanted)
      throw new Error(`settings.minimumEngineVersion ${JSON.stringify(min)} is not a dotted numeric version`);
    const have = parseDottedVersion(h.engineVersion);
    if (!have)
      return manual(
        `${guidance} (version ${JSON.stringify(h.engineVersion)} is not numeric; compare with ${min} by hand)`,
        h.engineVersion,
      );
    if (compareDottedVersions(have, wanted) < 0)
      return fail("engineVersion", h.engineVersion, `${min} or newer (settings.minimumEngineVersion)`);
    return manual(`${guidance} It meets the configured minimum ${min}.`, h.engineVersion);
  },
});

export const SECTION_1 = [
  dataRootOwnFilesystem,
  onlyTrustedDockerUsers,
  ...AUDIT_ITEMS.map(auditWatchRule),
  hostHardened,
  engineCurrent,
] as const;
