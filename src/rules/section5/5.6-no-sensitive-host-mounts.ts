import { isPathWithin, normalisePath } from "../../facts/normalise";
import type { MountFacts } from "../../facts/types";
import { describeMount } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { defineRule } from "../types";

/**
 * Host directories that must not be bind-mounted read-write (the directory itself or anything
 * below it; `/` only itself).
 */
const SENSITIVE_HOST_DIRS = ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"];

function sensitiveHostDir(source: string): string | undefined {
  const path = normalisePath(source);
  if (path === "/") return "/";
  return SENSITIVE_HOST_DIRS.find((dir) => isPathWithin(path, dir));
}

const SENSITIVE_MOUNT: Offence<MountFacts> = {
  isBad: (m) => m.type === "bind" && !m.readOnly && sensitiveHostDir(m.source) !== undefined,
  field: (i) => `mounts[${i}].source`,
  observed: (m) => m.source,
  expected: "no read-write bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys, /usr or below",
  describe: (m) => `${describeMount(m)} is under ${sensitiveHostDir(m.source)}`,
};

export const noSensitiveHostMounts = defineRule({
  id: "5.6",
  slug: "no-sensitive-host-mounts",
  severity: "critical",
  title: "No sensitive host directory is mounted read-write",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["mounts"],
  remediation:
    "Do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or anything below " +
    "them); if one is truly needed, mount it read-only (`:ro`, Pulumi " +
    "`volumes[].readOnly: true`).",
  check(c) {
    return failOnOffenders(c.mounts, SENSITIVE_MOUNT);
  },
});
