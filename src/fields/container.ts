/**
 * The container's field map: each ContainerFacts field ↔ the HardenedContainer argument that sets
 * it ↔ the `docker.Container` input that feeds it ↔ the Engine API's container inspect path it
 * is read from. (`docker.Service` feeds the same facts: ./service.)
 */
import type { ContainerFacts } from "../facts/types";
import type { FieldTable } from "./types";

/** `mounts[i]`: the argument that made mount i (binds, volumes, then tmpfs, in the plan's order). */
function mountArgument(field: string, origins: { mounts?: readonly string[] }): string {
  const index = /^\w+\[(\d+)\]/.exec(field)?.[1];
  return index !== undefined ? (origins.mounts?.[Number(index)] ?? "binds") : "binds";
}

/** Every ContainerFacts field, in the facts' order (labels before pidsLimit: both come from the labels input). */
export const CONTAINER_FIELDS = {
  kind: {},
  origin: {},
  id: { engine: ["Id"] },
  name: { arguments: ["name"], inputs: ["name"], engine: ["Name"] },
  state: { engine: ["State.Status"] },
  image: { arguments: ["image"], inputs: ["image"], engine: ["Config.Image", "Image"] },
  // The image's own USER and HEALTHCHECK (image inspect), which the container's replace.
  imageConfig: { engine: ["(image) Config.User", "(image) Config.Healthcheck"] },
  "imageConfig.user": { arguments: ["user"] },
  "imageConfig.healthcheck": { arguments: ["healthcheck"] },
  user: { arguments: ["user"], inputs: ["user"], engine: ["Config.User"] },
  privileged: {
    arguments: ["privileged"],
    inputs: ["privileged"],
    engine: ["HostConfig.Privileged"],
    copied: { from: ["inputs", "engine"], default: false },
  },
  // Every capability is dropped; capAdd adds some back.
  capAdd: { arguments: ["capAdd"], inputs: ["capabilities"], engine: ["HostConfig.CapAdd"] },
  capDrop: { arguments: ["capAdd"], inputs: ["capabilities"], engine: ["HostConfig.CapDrop"] },
  securityOptions: { inputs: ["securityOpts"], engine: ["HostConfig.SecurityOpt"] },
  "securityOptions.seccompProfile": { arguments: ["seccompProfile"] },
  "securityOptions.apparmorProfile": { arguments: ["apparmorProfile"] },
  "securityOptions.noNewPrivileges": { arguments: ["noNewPrivileges"] },
  "securityOptions.noNewPrivilegesOptOut": { arguments: ["noNewPrivileges"] },
  appliedAppArmorProfile: { engine: ["AppArmorProfile"] },
  mounts: {
    arguments: ["binds", "volumes", "tmpfs"],
    argumentOf: mountArgument,
    inputs: ["mounts", "volumes", "tmpfs"],
    // The engine lists binds, volumes and --mount tmpfs in Mounts (resolved); --tmpfs only in HostConfig.
    engine: ["Mounts", "HostConfig.Tmpfs"],
  },
  ports: {
    arguments: ["ports"],
    // ports[i].hostPort is the argument's ports[i].external; the other parts keep their names.
    argumentOf: (field) => field.replace("hostPort", "external"),
    inputs: ["ports"],
    engine: ["NetworkSettings.Ports", "HostConfig.PortBindings"],
  },
  publishAllPorts: { inputs: ["publishAllPorts"], engine: ["HostConfig.PublishAllPorts"] },
  networkMode: {
    arguments: ["hostNamespaces.network"],
    inputs: ["networkMode"],
    engine: ["HostConfig.NetworkMode"],
    copied: { from: ["engine"], default: "" },
  },
  networks: {
    arguments: ["networks"],
    inputs: ["networkMode", "networksAdvanced"],
    engine: ["NetworkSettings.Networks"],
  },
  pidMode: {
    arguments: ["hostNamespaces.pid"],
    inputs: ["pidMode"],
    engine: ["HostConfig.PidMode"],
    copied: { from: ["inputs", "engine"], default: "" },
  },
  ipcMode: {
    arguments: ["hostNamespaces.ipc"],
    inputs: ["ipcMode"],
    engine: ["HostConfig.IpcMode"],
    copied: { from: ["inputs", "engine"], default: "" },
  },
  utsMode: { engine: ["HostConfig.UTSMode"], copied: { from: ["engine"], default: "" } },
  usernsMode: {
    arguments: ["hostNamespaces.userns"],
    inputs: ["usernsMode"],
    engine: ["HostConfig.UsernsMode"],
    copied: { from: ["inputs", "engine"], default: "" },
  },
  cgroupParent: {
    arguments: ["cgroupParent"],
    inputs: ["cgroupParent"],
    engine: ["HostConfig.CgroupParent"],
    copied: { from: ["inputs", "engine"], default: "" },
  },
  memoryBytes: {
    arguments: ["memory"],
    inputs: ["memory"],
    engine: ["HostConfig.Memory"],
    copied: { from: ["engine"], default: 0 },
  },
  cpuShares: {
    arguments: ["cpus"],
    inputs: ["cpuShares"],
    engine: ["HostConfig.CpuShares"],
    copied: { from: ["inputs", "engine"], default: 0 },
  },
  nanoCpus: {
    arguments: ["cpus"],
    inputs: ["cpus"],
    engine: ["HostConfig.NanoCpus"],
    copied: { from: ["engine"], default: 0 },
  },
  cpuQuota: {
    arguments: ["cpus"],
    inputs: ["cpuQuota"],
    engine: ["HostConfig.CpuQuota"],
    copied: { from: ["inputs", "engine"], default: 0 },
  },
  cpuPeriod: {
    inputs: ["cpuPeriod"],
    engine: ["HostConfig.CpuPeriod"],
    copied: { from: ["inputs", "engine"], default: 0 },
  },
  readOnlyRootfs: {
    arguments: ["readOnlyRootfs"],
    inputs: ["readOnly"],
    engine: ["HostConfig.ReadonlyRootfs"],
    copied: { from: ["inputs", "engine"], default: false },
  },
  restartPolicy: { arguments: ["restart"], inputs: ["restart", "maxRetryCount"], engine: ["HostConfig.RestartPolicy"] },
  devices: { arguments: ["devices"], inputs: ["devices"], engine: ["HostConfig.Devices"] },
  ulimits: { arguments: ["ulimits"], inputs: ["ulimits"], engine: ["HostConfig.Ulimits"] },
  healthcheck: { arguments: ["healthcheck"], inputs: ["healthcheck"], engine: ["Config.Healthcheck"] },
  healthStatus: { engine: ["State.Health.Status"] },
  // Labels carry the exemptions, and the PIDs limit HardenedContainer applies (PIDS_LIMIT_LABEL).
  labels: {
    arguments: ["labels", "exemptions"],
    inputs: ["labels"],
    engine: ["Config.Labels"],
  },
  pidsLimit: { arguments: ["pidsLimit"], inputs: ["labels"], engine: ["HostConfig.PidsLimit"] },
  envNames: { arguments: ["env"], inputs: ["envs"], engine: ["Config.Env"] },
  processes: { engine: ["(top) Processes"] },
  execAuditEvents: { engine: ["(exec inspect) ProcessConfig, User, Privileged"] },
  execAuditCoverage: {},
  execAuditSince: {},
} as const satisfies FieldTable<ContainerFacts>;
