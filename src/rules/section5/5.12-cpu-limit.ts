import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

/** CPU shares of 0 mean the engine default, 1024. */
const DEFAULT_CPU_SHARES = 1024;

export const cpuLimited = defineRule({
  id: "5.12",
  slug: "cpu-limit",
  title: "CPU use is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["cpuShares", "nanoCpus", "cpuQuota"],
  remediation:
    "Limit CPU: `--cpus 0.5` (Pulumi `cpus`), or `--cpu-quota`, or a non-default `--cpu-shares` (Pulumi `cpuShares`).",
  check(c) {
    if (c.nanoCpus > 0) return pass(`cpus ${c.nanoCpus / 1e9}`);
    if (c.cpuQuota > 0) return pass(`cpu quota ${c.cpuQuota}`);
    if (c.cpuShares > 0 && c.cpuShares !== DEFAULT_CPU_SHARES) return pass(`cpu shares ${c.cpuShares}`);
    return fail(
      "nanoCpus",
      { cpuShares: c.cpuShares, nanoCpus: c.nanoCpus, cpuQuota: c.cpuQuota },
      "nanoCpus > 0, or cpuQuota > 0, or cpuShares other than 0/1024 (the default)",
    );
  },
});
