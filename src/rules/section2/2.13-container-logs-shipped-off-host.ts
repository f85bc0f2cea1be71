import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const remoteLogging = defineRule({
  id: "2.13",
  slug: "container-logs-shipped-off-host",
  settings: ["localOnlyLogDrivers"],
  title: "Container logs are shipped off the host",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.14"],
  reads: ["logDriver"],
  remediation:
    'Set "log-driver" in daemon.json to a driver that ships logs (syslog, journald, ' +
    'fluentd, gelf, …) with its "log-opts" (e.g. syslog-address).',
  check(d, ctx) {
    const driver = d.logDriver.trim() || "json-file";
    const localOnly = ctx.settings.localOnlyLogDrivers;
    return localOnly.includes(driver)
      ? fail("logDriver", d.logDriver, `a driver that ships logs off the host (not ${localOnly.join(", ")})`)
      : pass();
  },
});
