/**
 * CIS Docker Benchmark v1.6.0 section 1 — host configuration (1.1.1–1.1.18, 1.2.1, 1.2.2).
 * Subject: the host. All items are live-only: they need the host's mount table, audit
 * rules, group file and binaries.
 */
import { dataRootOwnFilesystem } from "./1.1.1-docker-data-root-own-filesystem";
import { onlyTrustedDockerUsers } from "./1.1.2-only-trusted-users-control-docker";
import { auditDockerdBinary } from "./1.1.3-audit-rule-watches-dockerd-binary";
import { auditContainerdRunDir } from "./1.1.4-audit-rule-watches-run-containerd";
import { auditDataRoot } from "./1.1.5-audit-rule-watches-docker-data";
import { auditEtcDocker } from "./1.1.6-audit-rule-watches-etc-docker";
import { auditDockerServiceUnit } from "./1.1.7-audit-rule-watches-docker-service";
import { auditContainerdSocket } from "./1.1.8-audit-rule-watches-containerd-sock";
import { auditDockerSocketUnit } from "./1.1.9-audit-rule-watches-docker-socket";
import { auditEtcDefaultDocker } from "./1.1.10-audit-rule-watches-etc-default";
import { auditDaemonConfig } from "./1.1.11-audit-rule-watches-daemon-config";
import { auditContainerdConfig } from "./1.1.12-audit-rule-watches-etc-containerd";
import { auditEtcSysconfigDocker } from "./1.1.13-audit-rule-watches-etc-sysconfig";
import { auditContainerdBinary } from "./1.1.14-audit-rule-watches-containerd-binary";
import { auditContainerdShimBinary } from "./1.1.15-audit-rule-watches-containerd-shim";
import { auditContainerdShimRuncV1Binary } from "./1.1.16-audit-rule-watches-containerd-shim";
import { auditContainerdShimRuncV2Binary } from "./1.1.17-audit-rule-watches-containerd-shim";
import { auditRuncBinary } from "./1.1.18-audit-rule-watches-runc-binary";
import { hostHardened } from "./1.2.1-host-operating-system-hardened";
import { engineCurrent } from "./1.2.2-docker-engine-version-current";

/** In CIS order. */
export const SECTION_1 = [
  dataRootOwnFilesystem,
  onlyTrustedDockerUsers,
  auditDockerdBinary,
  auditContainerdRunDir,
  auditDataRoot,
  auditEtcDocker,
  auditDockerServiceUnit,
  auditContainerdSocket,
  auditDockerSocketUnit,
  auditEtcDefaultDocker,
  auditDaemonConfig,
  auditContainerdConfig,
  auditEtcSysconfigDocker,
  auditContainerdBinary,
  auditContainerdShimBinary,
  auditContainerdShimRuncV1Binary,
  auditContainerdShimRuncV2Binary,
  auditRuncBinary,
  hostHardened,
  engineCurrent,
] as const;
