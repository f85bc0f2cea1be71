/**
 * The host script that turns on unattended security updates for the OS and, optionally, the
 * Docker engine packages (HardenedHost; supports CIS 1.2.2 "keep the engine current").
 *
 * apt hosts only (Debian, Ubuntu): installs `unattended-upgrades` when missing (unless told not
 * to), and writes one apt configuration file (default
 * /etc/apt/apt.conf.d/52hardened-docker-unattended-upgrades) that
 * - runs the daily package-list update and unattended upgrade (APT::Periodic),
 * - allows the distribution's security archives (Debian-Security, Ubuntu -security),
 * - with `includeEngine`, also the packages from Docker's own repository (site
 *   download.docker.com: docker-ce, docker-ce-cli, containerd.io, …). docker.io from the
 *   distribution is covered by its security archive.
 * apt lists append, so the distribution's own 50unattended-upgrades stays in effect. The file is
 * checked with `apt-config` before it is moved into place, and replaced only when its text changes.
 * Non-apt hosts fail with a clear message (dnf-automatic is not covered). Rendered as a header of
 * validated, quoted inputs (the configuration text among them) and shared functions, then the
 * body ./sh/unattended-upgrades.sh.
 */
import { assertHostPath } from "./host-paths";
import { REPORT_FUNCTIONS } from "./host-report";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import {
  APT_INSTALL_FUNCTION,
  hostLockFor,
  messageFunctions,
  REPLACE_FILE_FUNCTION,
  REQUIRE_ROOT,
} from "./shell-prelude";

export const DEFAULT_UNATTENDED_FILE = "/etc/apt/apt.conf.d/52hardened-docker-unattended-upgrades";

export interface UnattendedUpgradesOptions {
  /** The host lock every component command takes first (default /var/lib/hardened-docker/host.lock). */
  lockFile?: string;
  /** Seconds to wait for it before failing (default 600). */
  lockWaitSeconds?: number;
  /** Also upgrade the engine packages from download.docker.com. */
  includeEngine: boolean;
  /** The apt configuration file to write. */
  confFile: string;
  /** Install the unattended-upgrades package when missing. */
  installPackage: boolean;
}

/** The apt configuration text (pure; the unit tests read it). */
export function unattendedUpgradesConfig(includeEngine: boolean): string {
  const origins = [
    '"origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
    '"origin=Ubuntu,archive=${distro_codename}-security";',
    ...(includeEngine ? ['"site=download.docker.com";'] : []),
  ];
  return [
    "// Written by hardened-docker (HardenedHost): unattended security updates" +
      (includeEngine ? " for the OS and the Docker engine packages." : " for the OS."),
    'APT::Periodic::Update-Package-Lists "1";',
    'APT::Periodic::Unattended-Upgrade "1";',
    "Unattended-Upgrade::Origins-Pattern {",
    ...origins.map((o) => `  ${o}`),
    "};",
    "",
  ].join("\n");
}

export function renderUnattendedUpgradesScript(o: UnattendedUpgradesOptions): string {
  const confFile = assertHostPath("confFile", o.confFile);
  const text = unattendedUpgradesConfig(o.includeEngine);
  const q = shellQuote;
  const lock = hostLockFor(o);
  return `#!/bin/sh
# hardened-docker HardenedHost: unattended security updates. Rendered by
# src/scripts/unattended-upgrades.ts: these inputs, then the shared functions, then the body
# src/scripts/sh/unattended-upgrades.sh.
set -eu
umask 022
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LC_ALL=C
export LC_ALL

conf=${q(confFile)}
install_package=${o.installPackage ? "yes" : "no"}
scope=${o.includeEngine ? "os+engine" : "os"}
# The apt configuration to write, byte for byte.
conf_text=${q(text)}

${messageFunctions("hd-upgrades")}
${REPORT_FUNCTIONS}
${REPLACE_FILE_FUNCTION}
${APT_INSTALL_FUNCTION}
${REQUIRE_ROOT}
${lock}

${shFile("unattended-upgrades.sh")}`;
}
