/**
 * CIS Docker Benchmark v1.6.0, section 5: container runtime.
 *
 * Every item reads ContainerFacts, except 5.1 which reads SwarmFacts. Declared (IaC) and live
 * (engine inspect) containers go through the same checks; where the engine changes what a
 * declaration means (privileged containers lose AppArmor and SELinux confinement, a daemon-wide
 * no-new-privileges is inherited, …) the rule applies the engine's behaviour, not the literal
 * option list.
 */
import type { AnyRule } from "../types";
import { swarmModeInactive } from "./5.1-swarm-mode-off-unless-host";
import { appArmorProfile } from "./5.2-apparmor-profile";
import { selinuxOptions } from "./5.3-selinux-options";
import { capabilitiesRestricted } from "./5.4-restrict-capabilities";
import { notPrivileged } from "./5.5-no-privileged";
import { noSensitiveHostMounts } from "./5.6-no-sensitive-host-mounts";
import { noSshd } from "./5.7-no-ssh-server-runs-inside";
import { noPrivilegedPorts } from "./5.8-no-privileged-ports";
import { onlyNeededPorts } from "./5.9-only-needed-ports";
import { networkNotHost } from "./5.10-no-host-network";
import { memoryLimited } from "./5.11-memory-limit";
import { cpuLimited } from "./5.12-cpu-limit";
import { readOnlyRootfs } from "./5.13-read-only-rootfs";
import { portsBoundToAddress } from "./5.14-bind-ports-to-host-address";
import { restartPolicyBounded } from "./5.15-bounded-restarts";
import { pidNotHost } from "./5.16-no-host-pid";
import { ipcNotHost } from "./5.17-no-host-ipc";
import { noHostDevices } from "./5.18-no-host-devices";
import { ulimitsSet } from "./5.19-ulimits-where-needed";
import { noSharedPropagation } from "./5.20-no-shared-propagation";
import { utsNotHost } from "./5.21-no-host-uts";
import { seccompEnabled } from "./5.22-seccomp-enabled";
import { noPrivilegedExec } from "./5.23-docker-exec-never-run-with";
import { noRootExec } from "./5.24-docker-exec-never-run-with";
import { noCgroupParent } from "./5.25-default-cgroup";
import { noNewPrivileges } from "./5.26-no-new-privileges";
import { healthChecked } from "./5.27-healthcheck";
import { imagePinned } from "./5.28-image-pinned";
import { pidsLimited } from "./5.29-pids-limit";
import { notOnDefaultBridge } from "./5.30-not-default-bridge";
import { usernsNotHost } from "./5.31-no-host-userns";
import { noDockerSocketMount } from "./5.32-no-docker-socket";

/** In CIS order. */
export const SECTION_5: AnyRule[] = [
  swarmModeInactive,
  appArmorProfile,
  selinuxOptions,
  capabilitiesRestricted,
  notPrivileged,
  noSensitiveHostMounts,
  noSshd,
  noPrivilegedPorts,
  onlyNeededPorts,
  networkNotHost,
  memoryLimited,
  cpuLimited,
  readOnlyRootfs,
  portsBoundToAddress,
  restartPolicyBounded,
  pidNotHost,
  ipcNotHost,
  noHostDevices,
  ulimitsSet,
  noSharedPropagation,
  utsNotHost,
  seccompEnabled,
  noPrivilegedExec,
  noRootExec,
  noCgroupParent,
  noNewPrivileges,
  healthChecked,
  imagePinned,
  pidsLimited,
  notOnDefaultBridge,
  usernsNotHost,
  noDockerSocketMount,
];
