import { isHostMode } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { fail } from "../kit/verdicts";
import { defineRule } from "../types";

const HOST_NETWORK: Offence<string> = {
  isBad: isHostMode,
  field: (i) => `networks[${i}]`,
  observed: (n) => n,
  expected: "not attached to the host network",
  describe: () => "attached to the host network",
};

export const networkNotHost = defineRule({
  id: "5.10",
  slug: "no-host-network",
  title: "The container does not share the host's network stack",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["networkMode", "networks"],
  remediation:
    "Attach the container to a user-defined network instead of `--network host` (Pulumi " +
    "`networkMode`/`networksAdvanced`).",
  check(c) {
    if (isHostMode(c.networkMode)) return fail("networkMode", c.networkMode, 'not "host"');
    return failOnOffenders(c.networks, HOST_NETWORK);
  },
});
