import { swarmProcessRule } from "../kit/swarm";

export const planeSeparation = swarmProcessRule({
  id: "7.9",
  slug: "management-data-plane-traffic-separated",
  alias: "cis-1.13:7.10",
  title: "Management and data plane traffic are separated",
  guidance:
    "Confirm management traffic (--advertise-addr/--listen-addr) and container traffic " +
    "(--data-path-addr) use different interfaces.",
  remediation:
    "Join nodes with separate interfaces: `docker swarm init --advertise-addr MGMT_IP --data-path-addr DATA_IP`.",
});
