import { formatPort } from "../kit/container";
import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const onlyNeededPorts = defineRule({
  id: "5.9",
  slug: "only-needed-ports",
  title: "Only needed ports are published",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ports"],
  remediation: "Remove `-p`/`-P` publications (Pulumi `ports`) the service does not need.",
  check(c) {
    if (c.ports.length === 0) return manual("No ports are published; confirm the container needs none.", []);
    return manual("Confirm every published port is needed by the service.", c.ports.map(formatPort));
  },
});
