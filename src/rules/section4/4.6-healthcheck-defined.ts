import type { HealthcheckFacts } from "../../facts/types";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

/** Healthcheck `test: ["NONE"]` disables a check (`--no-healthcheck`, `HEALTHCHECK NONE`). */
const isDisabled = (hc: HealthcheckFacts): boolean => hc.test[0] === "NONE";

export const healthcheckDefined = defineRule({
  id: "4.6",
  slug: "healthcheck-defined",
  title: "A healthcheck is defined (image or container)",
  section: 4,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["healthcheck", "imageConfig.healthcheck"],
  remediation:
    "Add a HEALTHCHECK instruction to the Dockerfile, or set `--health-cmd` (Pulumi " +
    'docker.Container `healthcheck: { tests: ["CMD", …] }`); do not use ' +
    "`--no-healthcheck`.",
  check(c) {
    // The container's check overrides the image's; an empty test means "inherit the image's".
    const own = c.healthcheck && c.healthcheck.test.length > 0 ? c.healthcheck : undefined;
    if (own) {
      return isDisabled(own)
        ? fail(
            "healthcheck.test",
            own.test,
            "a healthcheck command",
            "the container disables the healthcheck (--no-healthcheck)",
          )
        : pass("healthcheck defined on the container");
    }
    if (c.imageConfig === undefined) {
      return fail(
        "healthcheck",
        null,
        "a healthcheck on the container",
        "the container defines none and the image's HEALTHCHECK is not known here; define it " +
          "on the container so it is guaranteed",
      );
    }
    const inherited = c.imageConfig.healthcheck;
    if (!inherited || inherited.test.length === 0) {
      return fail(
        "imageConfig.healthcheck",
        null,
        "a healthcheck in the image or on the container",
        "neither the image nor the container defines one",
      );
    }
    return isDisabled(inherited)
      ? fail(
          "imageConfig.healthcheck.test",
          inherited.test,
          "a healthcheck command",
          "the image disables its healthcheck (HEALTHCHECK NONE)",
        )
      : pass("healthcheck inherited from the image");
  },
});
