import { swarmProcessRule } from "../kit/swarm";

export const nodeCertRotation = swarmProcessRule({
  id: "7.7",
  slug: "swarm-node-certificates-rotated",
  alias: "cis-1.13:7.8",
  title: "Swarm node certificates are rotated",
  guidance:
    "Confirm node certificate expiry suits your policy (`docker info --format '{{ " +
    ".Swarm.Cluster.Spec.CAConfig.NodeCertExpiry }}'` on a manager; default 90 days).",
  remediation: "Set the node certificate lifetime: `docker swarm update --cert-expiry 720h` on a manager.",
});
