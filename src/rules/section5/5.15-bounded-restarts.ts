import { fail, pass } from "../kit/verdicts";
import { setRestartPolicy } from "../kit/container-fixes";
import { defineRule } from "../types";

const MAX_RESTART_RETRIES = 5;

export const restartPolicyBounded = defineRule({
  id: "5.15",
  slug: "bounded-restarts",
  title: "Restarts are bounded (on-failure, at most 5 retries)",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["restartPolicy"],
  remediation:
    'Use `--restart on-failure:5` (Pulumi `restart: "on-failure"`, `maxRetryCount: 5`) or no restart policy.',
  fix: {
    summary:
      `restarts on failure, at most ${MAX_RESTART_RETRIES} times ` +
      `(restart: "on-failure", maxRetryCount: ${MAX_RESTART_RETRIES})`,
    container: (inputs) => setRestartPolicy(inputs, "on-failure", MAX_RESTART_RETRIES),
  },
  check(c) {
    const { name, maximumRetryCount } = c.restartPolicy;
    if (name === "no") return pass();
    // ⚠ always/unless-stopped restart forever; their retry count is ignored by the engine.
    if (name !== "on-failure")
      return fail("restartPolicy.name", name, `"on-failure" with 1–${MAX_RESTART_RETRIES} retries, or "no"`);
    if (maximumRetryCount < 1 || maximumRetryCount > MAX_RESTART_RETRIES) {
      return fail(
        "restartPolicy.maximumRetryCount",
        maximumRetryCount,
        `1–${MAX_RESTART_RETRIES}`,
        maximumRetryCount < 1 ? "0 retries means on-failure restarts without limit" : undefined,
      );
    }
    return pass();
  },
});
