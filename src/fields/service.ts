/**
 * The swarm service's field map: each ContainerFacts field of a `docker.Service`'s task container ↔
 * the service input that feeds it (adapters/pulumi-resources, serviceFactsFromPulumiInputs). No
 * component makes services, so no argument sets them; a task's container is audited live as any
 * container (./container's Engine API paths). What a task cannot have is fixed by the adapter:
 * never privileged, no host namespace, ports on every interface.
 */
import type { ContainerFacts } from "../facts/types";
import type { FieldTable } from "./types";

const SPEC = "taskSpec.containerSpec";

/** Every ContainerFacts field of a task's container (labels before pidsLimit: both from the labels input). */
export const SERVICE_FIELDS = {
  kind: {},
  origin: {},
  id: {},
  name: { inputs: ["name"] },
  state: {},
  image: { inputs: [`${SPEC}.image`] },
  imageConfig: {},
  user: { inputs: [`${SPEC}.user`] },
  privileged: {},
  capAdd: { inputs: [`${SPEC}.capAdds`] },
  capDrop: { inputs: [`${SPEC}.capDrops`] },
  securityOptions: { inputs: [`${SPEC}.privileges`] },
  appliedAppArmorProfile: {},
  mounts: { inputs: [`${SPEC}.mounts`] },
  ports: { inputs: ["endpointSpec.ports"] },
  publishAllPorts: {},
  networkMode: { inputs: ["taskSpec.networksAdvanceds"] },
  networks: { inputs: ["taskSpec.networksAdvanceds"] },
  pidMode: {},
  ipcMode: {},
  utsMode: {},
  usernsMode: {},
  cgroupParent: {},
  memoryBytes: { inputs: ["taskSpec.resources"] },
  cpuShares: {},
  nanoCpus: { inputs: ["taskSpec.resources"] },
  cpuQuota: {},
  cpuPeriod: {},
  readOnlyRootfs: { inputs: [`${SPEC}.readOnly`] },
  restartPolicy: { inputs: ["taskSpec.restartPolicy"] },
  devices: {},
  ulimits: {},
  healthcheck: { inputs: [`${SPEC}.healthcheck`] },
  healthStatus: {},
  labels: { inputs: [`${SPEC}.labels`] },
  pidsLimit: { inputs: [`${SPEC}.labels`] },
  envNames: { inputs: [`${SPEC}.env`] },
  processes: {},
  execAuditEvents: {},
  execAuditCoverage: {},
  execAuditSince: {},
} as const satisfies FieldTable<ContainerFacts>;
