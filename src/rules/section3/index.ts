/**
 * CIS Docker Benchmark v1.6.0 section 3 — daemon configuration files (3.1–3.24): twelve files,
 * each with an ownership item and a permission item (the shapes are in ../kit/files.ts).
 */
import type { Rule } from "../types";
import { dockerServiceUnitOwnership } from "./3.1-docker-service-unit-owned-root";
import { dockerServiceUnitPermissions } from "./3.2-docker-service-unit-mode-644";
import { dockerSocketUnitOwnership } from "./3.3-docker-socket-unit-owned-root";
import { dockerSocketUnitPermissions } from "./3.4-docker-socket-unit-mode-644";
import { etcDockerOwnership } from "./3.5-etc-docker-owned-root-root";
import { etcDockerPermissions } from "./3.6-etc-docker-mode-755-stricter";
import { registryCertFilesOwnership } from "./3.7-registry-certificates-under-etc-docker";
import { registryCertFilesPermissions } from "./3.8-registry-certificates-under-etc-docker";
import { tlsCaCertOwnership } from "./3.9-tls-ca-certificate-owned-root";
import { tlsCaCertPermissions } from "./3.10-tls-ca-certificate-mode-444";
import { tlsCertOwnership } from "./3.11-tls-server-certificate-owned-root";
import { tlsCertPermissions } from "./3.12-tls-server-certificate-mode-444";
import { tlsKeyOwnership } from "./3.13-tls-server-key-owned-root";
import { tlsKeyPermissions } from "./3.14-tls-server-key-mode-exactly";
import { dockerSocketOwnership } from "./3.15-docker-socket-owned-root-docker";
import { dockerSocketPermissions } from "./3.16-docker-socket-mode-660-stricter";
import { daemonConfigOwnership } from "./3.17-daemon-config-file-owned-root";
import { daemonConfigPermissions } from "./3.18-daemon-config-file-mode-644";
import { etcDefaultDockerOwnership } from "./3.19-etc-default-docker-owned-root";
import { etcDefaultDockerPermissions } from "./3.20-etc-default-docker-mode-644";
import { etcSysconfigDockerOwnership } from "./3.21-etc-sysconfig-docker-owned-root";
import { etcSysconfigDockerPermissions } from "./3.22-etc-sysconfig-docker-mode-644";
import { containerdSocketOwnership } from "./3.23-containerd-socket-owned-root-root";
import { containerdSocketPermissions } from "./3.24-containerd-socket-mode-660-stricter";

/** In CIS order. */
export const SECTION_3: Rule<"host">[] = [
  dockerServiceUnitOwnership,
  dockerServiceUnitPermissions,
  dockerSocketUnitOwnership,
  dockerSocketUnitPermissions,
  etcDockerOwnership,
  etcDockerPermissions,
  registryCertFilesOwnership,
  registryCertFilesPermissions,
  tlsCaCertOwnership,
  tlsCaCertPermissions,
  tlsCertOwnership,
  tlsCertPermissions,
  tlsKeyOwnership,
  tlsKeyPermissions,
  dockerSocketOwnership,
  dockerSocketPermissions,
  daemonConfigOwnership,
  daemonConfigPermissions,
  etcDefaultDockerOwnership,
  etcDefaultDockerPermissions,
  etcSysconfigDockerOwnership,
  etcSysconfigDockerPermissions,
  containerdSocketOwnership,
  containerdSocketPermissions,
];
