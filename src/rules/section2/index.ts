/**
 * CIS Docker Benchmark v1.6.0, section 2: Docker daemon configuration. Every rule reads the
 * effective dockerd configuration (daemon.json merged with the dockerd flags, flags winning,
 * dockerd's defaults filled in: see src/adapters/daemon-config.ts).
 *
 * Levels follow docker-bench-security's `docker_daemon_configuration_level1` list, matched by
 * title: its list uses the later 19-item numbering (v1.7/v1.8 inserted "devicemapper not used"
 * as 2.7), so its 2.8–2.19 are this section's 2.7–2.18 (recorded as `cis-1.8:` aliases).
 * Level 2: 2.9 user namespaces, 2.10 cgroup parent, 2.11 base device size, 2.12 authorization
 * plugins, 2.13 remote logging, 2.17 seccomp; everything else Level 1.
 */
import type { AnyRule } from "../types";
import { rootless } from "./2.1-daemon-runs-rootless-possible";
import { iccDisabled } from "./2.2-inter-container-traffic-default-bridge";
import { logLevelInfo } from "./2.3-daemon-log-level-info";
import { iptablesAllowed } from "./2.4-docker-may-manage-iptables";
import { noInsecureRegistries } from "./2.5-no-insecure-registries";
import { notAufs } from "./2.6-storage-driver-not-aufs";
import { noDevicemapper } from "./2.6.1-no-devicemapper";
import { tcpNeedsTls } from "./2.7-tcp-requires-tls";
import { defaultUlimits } from "./2.8-default-ulimits-set-workable";
import { usernsRemap } from "./2.9-user-namespace-remapping-enabled";
import { cgroupParent } from "./2.10-default-cgroup-parent-kept";
import { noBaseDeviceSize } from "./2.11-base-device-size-not-changed";
import { authorizationPlugin } from "./2.12-authorization-plugin-guards-client-commands";
import { remoteLogging } from "./2.13-container-logs-shipped-off-host";
import { noNewPrivileges } from "./2.14-containers-cannot-gain-new-privileges";
import { liveRestore } from "./2.15-live-restore-enabled";
import { userlandProxyOff } from "./2.16-userland-proxy-disabled";
import { seccompProfile } from "./2.17-daemon-wide-seccomp-profile-never";
import { experimentalOff } from "./2.18-experimental-features-off";

/** In CIS order. */
export const SECTION_2: AnyRule[] = [
  rootless,
  iccDisabled,
  logLevelInfo,
  iptablesAllowed,
  noInsecureRegistries,
  notAufs,
  noDevicemapper,
  tcpNeedsTls,
  defaultUlimits,
  usernsRemap,
  cgroupParent,
  noBaseDeviceSize,
  authorizationPlugin,
  remoteLogging,
  noNewPrivileges,
  liveRestore,
  userlandProxyOff,
  seccompProfile,
  experimentalOff,
];
