import type { PortBinding } from "../../facts/types";
import { formatPort } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { defineRule } from "../types";

const PRIVILEGED_PORT: Offence<PortBinding> = {
  isBad: (p) => p.hostPort >= 1 && p.hostPort <= 1023,
  field: (i) => `ports[${i}].hostPort`,
  observed: (p) => p.hostPort,
  expected: "0 (ephemeral) or 1024–65535",
  describe: (p) => `${formatPort(p)} uses a privileged port`,
};

export const noPrivilegedPorts = defineRule({
  id: "5.8",
  slug: "no-privileged-ports",
  title: "No privileged host port (below 1024) is published",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ports"],
  remediation:
    "Publish on a host port of 1024 or above (`-p 127.0.0.1:8080:80`, Pulumi " +
    "`ports[].external`), and put a proxy in front if port 80/443 is needed.",
  check(c) {
    // Any address family counts: `[::]:80` is as privileged as `0.0.0.0:80`. Port 0 = engine-picked ephemeral port.
    return failOnOffenders(c.ports, PRIVILEGED_PORT);
  },
});
