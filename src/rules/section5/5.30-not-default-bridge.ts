import type { ContainerFacts } from "../../facts/types";
import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

/**
 * On docker0: network mode bridge/default (an empty mode with no networks is the engine default
 * too), or attached to `bridge`.
 */
function onDefaultBridge(c: ContainerFacts): boolean {
  const mode = c.networkMode.trim().toLowerCase();
  if (mode === "bridge" || mode === "default") return true;
  if (mode === "" && c.networks.length === 0) return true;
  return c.networks.includes("bridge");
}

export const notOnDefaultBridge = defineRule({
  id: "5.30",
  slug: "not-default-bridge",
  title: "The container is not on the default bridge network",
  section: 5,
  automated: false,
  level: 2,
  subject: "container",
  where: "both",
  reads: ["networkMode", "networks"],
  remediation:
    "Attach the container to a user-defined network (`docker network create`, Pulumi " +
    "`networksAdvanced`) instead of docker0.",
  check(c) {
    const report = { onDefaultBridge: onDefaultBridge(c), networkMode: c.networkMode, networks: c.networks };
    return manual(
      report.onDefaultBridge
        ? "The container is on the default bridge (docker0): move it to a user-defined network unless this is intended."
        : "The container is not on the default bridge; confirm its networks are the intended ones.",
      report,
    );
  },
});
