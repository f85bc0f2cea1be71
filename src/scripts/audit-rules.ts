/**
 * The host script that makes auditd watch every Docker path of CIS 1.1.3–1.1.18 that exists on
 * the host, and every copy of the docker CLI and docker-compose (their runs tell `docker exec`,
 * CIS 5.23/5.24) (HardenedHost). Rendered here, as text, so unit tests read it and the
 * integration test runs exactly what Pulumi sends: a header of validated, quoted inputs (the
 * candidates as calls of the body's watch functions, each argument quoted) and shared functions,
 * then the body ./sh/audit-rules.sh.
 *
 * What the script does:
 * 1. Installs auditd when `auditctl` is missing (apt-get, dnf, yum or zypper), unless told not to.
 * 2. Writes one `-w PATH -p rwxa -k hardened-docker` line per candidate that exists: fixed paths
 *    as given, binaries resolved through PATH and `readlink -f` (the kernel watches inodes by
 *    their real path). The file (default /etc/audit/rules.d/hardened-docker.rules, read by
 *    augenrules at boot) is replaced atomically, only when its text changes.
 * 3. Loads the rules now: `augenrules --load` when the file is in /etc/audit/rules.d and augenrules
 *    exists, else `auditctl -D -k hardened-docker` + `auditctl -R FILE`. Then reads `auditctl -l`
 *    back and fails unless every watch is in force (an immutable `-e 2` configuration, or a
 *    kernel that refuses audit control, fails here with its own message).
 * Report: `hd-fact: watch=PATH` per path written, `hd-fact: rule=LINE` per rule in force with
 * this key, `hd-fact: loaded=yes|no`.
 *
 * POSIX sh (dash and bash). Candidate paths are validated here; paths resolved on the host are
 * checked there against the same character set before they reach the rules file.
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

/** The audit key of every rule this component writes (`auditctl -D -k` removes exactly these). */
export const AUDIT_KEY = "hardened-docker";
export const DEFAULT_AUDIT_RULES_FILE = "/etc/audit/rules.d/hardened-docker.rules";

/**
 * One thing to watch: a fixed path, or a program found on PATH on the host (`everyCopy`: each
 * copy of it in the usual bin directories, e.g. a docker CLI in /usr/local/bin beside the
 * package's in /usr/bin: a run of either is an exec to record).
 */
export type AuditCandidate = { rule: string; path: string } | { rule: string; binary: string; everyCopy?: boolean };

export interface AuditRulesOptions {
  /** The host lock every component command takes first (default /var/lib/hardened-docker/host.lock). */
  lockFile?: string;
  /** Seconds to wait for it before failing (default 600). */
  lockWaitSeconds?: number;
  candidates: readonly AuditCandidate[];
  /** Where the persistent rules go. */
  rulesFile: string;
  /** Install auditd when auditctl is missing. */
  installAuditd: boolean;
  /** Load the rules into the kernel now and require them in force (auditctl -l). */
  load: boolean;
}

const UNIT_DIRS = ["/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system"];

/**
 * The CIS 1.1.3–1.1.18 candidates for a host, and the docker CLI (whose runs tell `docker exec`
 * for 5.23/5.24): every place each item may live on Debian/Ubuntu
 * and RHEL-family hosts (the script keeps those that exist). `skip` drops exempted rules.
 */
export function defaultAuditCandidates(o: {
  dataRoot: string;
  daemonConfig?: string;
  skip?: ReadonlySet<string>;
}): AuditCandidate[] {
  const all: AuditCandidate[] = [
    { rule: "1.1.3", binary: "dockerd" },
    { rule: "1.1.4", path: "/run/containerd" },
    { rule: "1.1.5", path: o.dataRoot },
    { rule: "1.1.6", path: "/etc/docker" },
    ...UNIT_DIRS.map((d) => ({ rule: "1.1.7", path: `${d}/docker.service` })),
    { rule: "1.1.8", path: "/run/containerd/containerd.sock" },
    ...UNIT_DIRS.map((d) => ({ rule: "1.1.9", path: `${d}/docker.socket` })),
    { rule: "1.1.10", path: "/etc/default/docker" },
    { rule: "1.1.11", path: o.daemonConfig ?? "/etc/docker/daemon.json" },
    { rule: "1.1.12", path: "/etc/containerd/config.toml" },
    { rule: "1.1.13", path: "/etc/sysconfig/docker" },
    { rule: "1.1.14", binary: "containerd" },
    { rule: "1.1.15", binary: "containerd-shim" },
    { rule: "1.1.16", binary: "containerd-shim-runc-v1" },
    { rule: "1.1.17", binary: "containerd-shim-runc-v2" },
    { rule: "1.1.18", binary: "runc" },
    // Not a CIS 1.1 item: runs of the docker CLI, so the audit can tell `docker exec` runs (5.23, 5.24).
    { rule: "5.23", binary: "docker", everyCopy: true },
    // Standalone Compose talks to the engine itself: its runs tell its `docker-compose exec`s.
    { rule: "5.23", binary: "docker-compose", everyCopy: true },
  ];
  return all.filter((c) => !o.skip?.has(c.rule));
}

const BINARY = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const RULE_ID = /^1\.1\.\d{1,2}$|^5\.23$|^extra$/;

export function renderAuditRulesScript(o: AuditRulesOptions): string {
  const rulesFile = assertHostPath("rulesFile", o.rulesFile);
  const lines = o.candidates.map((c, i) => {
    if (!RULE_ID.test(c.rule))
      throw new Error(`candidates[${i}].rule = ${JSON.stringify(c.rule)}: must be a CIS 1.1.x id, "5.23" or "extra"`);
    if ("binary" in c) {
      if (!BINARY.test(c.binary))
        throw new Error(`candidates[${i}].binary = ${JSON.stringify(c.binary)}: must be a program name`);
      return `${c.everyCopy ? "watch_binary_copies" : "watch_binary"} ${c.rule} ${shellQuote(c.binary)}`;
    }
    return `watch_path ${c.rule} ${shellQuote(assertHostPath(`candidates[${i}].path`, c.path))}`;
  });
  const inRulesD = rulesFile.startsWith("/etc/audit/rules.d/");
  const lock = hostLockFor(o);
  const q = shellQuote;

  return `#!/bin/sh
# hardened-docker HardenedHost: audit watches for Docker's files (CIS 1.1.3-1.1.18).
# Rendered by src/scripts/audit-rules.ts: these inputs, then the shared functions, then the body
# src/scripts/sh/audit-rules.sh.
set -eu
umask 027
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LC_ALL=C
export LC_ALL

rules_file=${q(rulesFile)}
key=${q(AUDIT_KEY)}
install_auditd=${o.installAuditd ? "yes" : "no"}
load=${o.load ? "yes" : "no"}
in_rules_d=${inRulesD ? "yes" : "no"}
# The candidates, each validated and quoted (watch_path, watch_binary, watch_binary_copies are in the body).
add_watches() {
${lines.length ? lines.map((l) => `  ${l}`).join("\n") : "  :"}
}

${messageFunctions("hd-audit")}
${REPORT_FUNCTIONS}
${REPLACE_FILE_FUNCTION}
${APT_INSTALL_FUNCTION}
${REQUIRE_ROOT}
${lock}

${shFile("audit-rules.sh")}`;
}
