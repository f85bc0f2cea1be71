import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const rootless = defineRule({
  id: "2.1",
  slug: "daemon-runs-rootless-possible",
  title: "Daemon runs rootless where possible",
  section: 2,
  automated: false,
  level: 1,
  subject: "daemon",
  where: "decl",
  reads: ["rootless", "usernsRemap"],
  remediation:
    "Where the workloads allow it, run dockerd rootless (dockerd-rootless-setuptool.sh " +
    "install, as an unprivileged user); otherwise keep userns-remap (2.9).",
  check(d) {
    return manual(
      d.rootless
        ? "The daemon runs rootless; confirm this is the daemon the workloads use."
        : "The daemon runs as root: decide whether rootless mode fits these workloads " +
            "(networking and resource-limit restrictions apply).",
      { rootless: d.rootless, usernsRemap: d.usernsRemap ?? null },
    );
  },
});
