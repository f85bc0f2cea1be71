import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const noHostDevices = defineRule({
  id: "5.18",
  slug: "no-host-devices",
  title: "Host devices are not exposed to the container",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["devices", "privileged"],
  remediation:
    "Remove `--device` mappings (Pulumi `devices`) that are not needed; never expose all devices with `--privileged`.",
  check(c) {
    const report = c.devices.map((d) => `${d.pathOnHost}:${d.pathInContainer}:${d.permissions}`);
    const privilegedNote = c.privileged ? " The container is privileged: every host device is available to it." : "";
    if (report.length === 0) return manual(`No host devices are mapped.${privilegedNote}`, []);
    return manual(
      `Confirm each mapped host device is needed, with the least permissions (r, w, m).${privilegedNote}`,
      report,
    );
  },
});
