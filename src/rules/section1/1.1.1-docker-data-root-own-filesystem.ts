import { mountContaining } from "../kit/host";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const dataRootOwnFilesystem = defineRule({
  id: "1.1.1",
  slug: "docker-data-root-own-filesystem",
  title: "Docker data root on its own filesystem",
  section: 1,
  automated: true,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["locations.dataRoot", "locations.containerdRoot", "mounts"],
  remediation:
    'Put the data root (docker info: DockerRootDir, daemon.json "data-root") on a ' +
    "dedicated partition or volume, e.g. an ext4/xfs volume mounted at /var/lib/docker " +
    "via /etc/fstab, before starting dockerd. With the containerd image store (Engine " +
    "29's default), images live under containerd's root (/var/lib/containerd): give it a " +
    "filesystem of its own too.",
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
          `${path} is on ${on.entry.mountPoint} (${on.entry.source}), the same filesystem as /` +
            (path === h.locations.containerdRoot ? " (the engine keeps its images there: containerd image store)" : ""),
        );
      found.push(`${path} is on ${on.entry.source} (${on.entry.device})`);
    }
    return pass(`${found.join(", ")}, / is on ${root.entry.device}`);
  },
});
