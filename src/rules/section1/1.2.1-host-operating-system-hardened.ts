import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const hostHardened = defineRule({
  id: "1.2.1",
  slug: "host-operating-system-hardened",
  title: "Host operating system hardened",
  section: 1,
  automated: false,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["os"],
  remediation:
    "Harden the host OS (e.g. the CIS benchmark for the distribution): minimal packages, " +
    "patched kernel, restricted SSH, host firewall.",
  check(h) {
    return manual(
      "Check that the host OS follows a hardening guide (e.g. the CIS benchmark for this distribution).",
      h.os,
    );
  },
});
