import { splitListenAddr, SWARM_PORT, swarmGate } from "../kit/swarm";
import { fail, pass } from "../kit/verdicts";
import { isWildcardAddress } from "../predicates";
import { defineRule } from "../types";

export const specificListenAddr = defineRule({
  id: "7.2",
  slug: "swarm-management-listens-specific-address",
  title: "Swarm management listens on a specific address",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.3"],
  reads: ["active", "state", "listenAddr"],
  remediation:
    "Initialise or join the swarm with a specific address: `docker swarm init " +
    "--listen-addr 10.0.0.5:2377 --advertise-addr 10.0.0.5` (re-join the node to change " +
    "it).",
  check(s) {
    const gate = swarmGate(s);
    if (gate) return gate;
    // Unset means the swarm default, 0.0.0.0:2377: every interface.
    if (s.listenAddr === undefined) {
      return fail(
        "listenAddr",
        null,
        `a specific address for port ${SWARM_PORT}`,
        "no listen address given: swarm defaults to 0.0.0.0:2377",
      );
    }
    const { host, port } = splitListenAddr(s.listenAddr);
    if (isWildcardAddress(host)) {
      return fail(
        "listenAddr",
        s.listenAddr,
        `a specific IP address or interface for port ${port}, not a wildcard`,
        "the management port is reachable on every interface",
      );
    }
    return pass(`listens on ${s.listenAddr}`);
  },
});
