import type { PortBinding } from "../../facts/types";
import { formatPort } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { fail } from "../kit/verdicts";
import { isWildcardAddress } from "../predicates";
import { bindPorts } from "../kit/container-fixes";
import { defineRule } from "../types";

const WILDCARD_PORT: Offence<PortBinding> = {
  isBad: (p) => isWildcardAddress(p.hostIp),
  field: (i) => `ports[${i}].hostIp`,
  observed: (p) => p.hostIp,
  expected: "a specific host address (not empty, 0.0.0.0 or ::)",
  describe: (p) => `${formatPort(p)} listens on every interface`,
};

export const portsBoundToAddress = defineRule({
  id: "5.14",
  slug: "bind-ports-to-host-address",
  title: "Published ports are bound to a specific host address",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  settings: ["portBindAddress"],
  reads: ["ports", "publishAllPorts"],
  remediation:
    "Publish on one address: `-p 10.0.0.5:8080:8080` (Pulumi `ports[].ip`, whose default " +
    "is 0.0.0.0); never `-P` (Pulumi `publishAllPorts`).",
  fix: {
    summary: "binds each port published on every interface to settings.portBindAddress (default 127.0.0.1)",
    // -P publishes whatever the image EXPOSEs: which ports to publish, and where, needs a person.
    container: (inputs, ctx) =>
      inputs.publishAllPorts === true || isWildcardAddress(ctx.settings.portBindAddress)
        ? undefined
        : bindPorts(inputs, ctx.settings.portBindAddress.trim()),
  },
  check(c) {
    // -P publishes whatever the image EXPOSEs, on every interface: the same verdict before deploy
    // (the ports are not known yet) and live (whatever they turned out to be).
    if (c.publishAllPorts)
      return fail(
        "publishAllPorts",
        true,
        "false: -P publishes every EXPOSEd port on every interface; publish each port on one address",
      );
    // ⚠ IPv6 wildcards (`::`, `[::]`) expose the port on every interface just like 0.0.0.0.
    return failOnOffenders(c.ports, WILDCARD_PORT);
  },
});
