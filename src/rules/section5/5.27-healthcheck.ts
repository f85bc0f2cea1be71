import type { ContainerFacts } from "../../facts/types";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

/** The healthcheck in force: the container's own unless it is empty (inherit), else the image's. */
function effectiveHealthcheck(c: ContainerFacts): { field: string; test: string[] } | undefined {
  if (c.healthcheck && c.healthcheck.test.length > 0) return { field: "healthcheck", test: c.healthcheck.test };
  const fromImage = c.imageConfig?.healthcheck;
  if (fromImage && fromImage.test.length > 0) return { field: "imageConfig.healthcheck", test: fromImage.test };
  return undefined;
}

export const healthChecked = defineRule({
  id: "5.27",
  slug: "healthcheck",
  title: "A healthcheck is defined and the container is healthy",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["healthcheck", "imageConfig.healthcheck", "origin", "state", "healthStatus"],
  remediation:
    "Define a healthcheck (Dockerfile HEALTHCHECK, `--health-cmd`, Pulumi `healthcheck`), " +
    "never `--no-healthcheck`, and fix whatever makes it fail.",
  check(c) {
    const hc = effectiveHealthcheck(c);
    if (!hc) {
      const why =
        c.imageConfig === undefined
          ? "none on the container, and the image's configuration is not known"
          : "none on the container or in the image";
      return fail("healthcheck", null, "a healthcheck on the container or in its image", why);
    }
    if (hc.test[0]?.toUpperCase() === "NONE")
      return fail(`${hc.field}.test`, hc.test, "a check command, not NONE (which disables the check)");
    // Only a running container has a meaningful status; created/exited/paused are judged on the definition.
    if (c.origin !== "live" || c.state !== "running" || c.healthStatus === undefined) return pass();
    if (c.healthStatus === "healthy") return pass();
    const detail =
      c.healthStatus === "starting"
        ? "the check has not yet succeeded (still in its start period); re-run the audit once it settles"
        : c.healthStatus === "none"
          ? "the engine runs no healthcheck for this container"
          : undefined;
    return fail("healthStatus", c.healthStatus, "healthy", detail);
  },
});
