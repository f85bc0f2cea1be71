import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const logLevelInfo = defineRule({
  id: "2.3",
  slug: "daemon-log-level-info",
  title: "Daemon log level is info",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["logLevel"],
  remediation: 'Set "log-level": "info" in daemon.json (or remove it, and remove "debug": true / dockerd -D).',
  check(d) {
    // The adapter fills dockerd's default (info) and turns `debug` into `debug`; "" still means unset.
    const level = d.logLevel.trim().toLowerCase();
    return level === "" || level === "info" ? pass() : fail("logLevel", d.logLevel, '"info" (or unset)');
  },
});
