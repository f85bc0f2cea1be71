/** The project's own rules (ids prefixed `hd-`), beside the CIS items. */
import { daemonExemptionsValid } from "./hd-exemptions-daemon-valid";
import { networkExemptionsValid } from "./hd-exemptions-network-valid";
import { containerExemptionsValid } from "./hd-exemptions-valid";
import { selinuxEnabled } from "./hd-selinux-enabled-daemon-runs-with-selinux-support";

/** The daemon's SELinux rule, then the exemption rules by the kind of object they read. */
export const PROJECT_RULES = [
  selinuxEnabled,
  containerExemptionsValid,
  networkExemptionsValid,
  daemonExemptionsValid,
] as const;
