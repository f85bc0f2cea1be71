import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const noBaseDeviceSize = defineRule({
  id: "2.11",
  slug: "base-device-size-not-changed",
  title: "Base device size is not changed",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.12"],
  reads: ["storageOpts"],
  remediation: 'Remove "dm.basesize" from "storage-opts" in daemon.json (or --storage-opt dm.basesize=…).',
  check(d) {
    // The devicemapper driver lower-cases option keys, so `DM.BaseSize` counts too.
    const i = d.storageOpts.findIndex((o) => o.key.trim().toLowerCase() === "dm.basesize");
    return i < 0
      ? pass()
      : fail(`storageOpts[${i}]`, `${d.storageOpts[i]!.key}=${d.storageOpts[i]!.value}`, "no dm.basesize option");
  },
});
