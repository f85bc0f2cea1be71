import { swarmProcessRule } from "../kit/swarm";

export const caRotation = swarmProcessRule({
  id: "7.8",
  slug: "swarm-root-ca-rotated",
  alias: "cis-1.13:7.9",
  title: "Swarm root CA is rotated",
  guidance:
    "Confirm the swarm root CA certificate is rotated as your policy requires (`docker " +
    "swarm ca --rotate` on a manager).",
  remediation: "Rotate the root CA on a schedule: `docker swarm ca --rotate` on a manager.",
});
