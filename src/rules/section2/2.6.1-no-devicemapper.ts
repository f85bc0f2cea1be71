import { storageDriverIsNot } from "../kit/daemon";
import { defineRule } from "../types";

export const noDevicemapper = defineRule({
  id: "2.6.1",
  slug: "no-devicemapper",
  title: "Storage driver is not devicemapper",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  // New in v1.8.0 (its 2.7); v1.6.0 has no such item.
  aliases: ["cis-1.8:2.7"],
  benchmarks: ["cis-1.8.0"],
  reads: ["storageDriver"],
  remediation:
    'Set "storage-driver": "overlay2" in daemon.json (or drop --storage-driver ' +
    "devicemapper); Engine 25 removed devicemapper.",
  check: storageDriverIsNot("devicemapper", "Engine 25"),
});
