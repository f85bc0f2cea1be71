import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const ulimitsSet = defineRule({
  id: "5.19",
  slug: "ulimits-where-needed",
  title: "Per-container ulimits are set where needed",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ulimits"],
  remediation:
    "Set `--ulimit nofile=1024:4096` (Pulumi `ulimits`) where the daemon's default-ulimits do not fit the service.",
  check(c, ctx) {
    const format = (u: { name: string; soft: number; hard: number }) => `${u.name}=${u.soft}:${u.hard}`;
    if (c.ulimits.length > 0) return manual("Confirm the container's ulimits suit the service.", c.ulimits.map(format));
    const defaults = ctx.daemon?.defaultUlimits;
    if (defaults !== undefined && defaults.length > 0) {
      return manual("No per-container ulimits: the daemon's default-ulimits apply; confirm they suit the service.", {
        daemonDefaults: defaults.map(format),
      });
    }
    return manual(
      "No per-container ulimits are set and no daemon default-ulimits are known; decide " +
        "whether the service needs limits.",
      [],
    );
  },
});
