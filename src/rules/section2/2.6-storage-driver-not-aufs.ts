import { storageDriverIsNot } from "../kit/daemon";
import { defineRule } from "../types";

export const notAufs = defineRule({
  id: "2.6",
  slug: "storage-driver-not-aufs",
  title: "Storage driver is not aufs",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["storageDriver"],
  remediation: 'Set "storage-driver": "overlay2" in daemon.json (or drop --storage-driver aufs).',
  check: storageDriverIsNot("aufs", "Engine 24"),
});
