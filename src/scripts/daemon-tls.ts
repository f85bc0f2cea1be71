/**
 * The host script that stages dockerd's TLS material (SecureDaemon with a TCP listener).
 *
 * The secrets never appear in the command text: they arrive on the command's stdin, three lines
 * of base64 (CA certificate, server certificate, server key), and are decoded by `base64 -d`
 * fed by the shell's builtin printf (no secret in any process's argv). Files are created with
 * umask 077, chowned root:root and given their CIS modes (3.9–3.14: 0444, 0444, 0400) before
 * they are renamed to `<file>.hd-staged`. The apply step (./daemon-apply.ts) compares them with
 * the live files and commits them together with daemon.json — one transaction, one rollback.
 * It first takes the host lock (./shell-prelude.ts), so it never stages while an apply commits.
 * Rendered as a header of validated, quoted inputs and shared functions, then the body
 * ./sh/daemon-tls.sh.
 */
import { STAGED_SUFFIX, TLS_FILES } from "./daemon-apply";
import { assertHostPath } from "./host-paths";
import { shellQuote } from "./quote";
import { shFile } from "./sh-file";
import { hostLockFor, messageFunctions, REQUIRE_ROOT } from "./shell-prelude";

export interface TlsMaterial {
  /** CA certificate (PEM) that client certificates must chain to. */
  caCert: string;
  /** The daemon's certificate (PEM). */
  cert: string;
  /** The daemon's private key (PEM). */
  key: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z]+ )?PRIVATE KEY-----/;

/** Problems with TLS material, named by field; never quotes the material itself. */
export function tlsMaterialProblems(m: TlsMaterial, prefix = "tls"): string[] {
  const problems: string[] = [];
  if (typeof m.caCert !== "string" || !PEM_CERT.test(m.caCert))
    problems.push(`${prefix}.caCert: must be a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (typeof m.cert !== "string" || !PEM_CERT.test(m.cert))
    problems.push(`${prefix}.cert: must be a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (typeof m.key !== "string" || !PEM_KEY.test(m.key))
    problems.push(`${prefix}.key: must be a PEM private key (-----BEGIN … PRIVATE KEY-----)`);
  return problems;
}

/** CA certificate, certificate and key as stdin: one base64 line each, in TLS_FILES order (no check). */
export function pemStdinLines(m: TlsMaterial): string {
  return [m.caCert, m.cert, m.key].map((pem) => Buffer.from(pem, "utf8").toString("base64")).join("\n") + "\n";
}

/** The stdin of the TLS step (pemStdinLines), refused when the material is not PEM. */
export function encodeTlsStdin(m: TlsMaterial): string {
  const problems = tlsMaterialProblems(m);
  if (problems.length) throw new Error(problems.join("; "));
  return pemStdinLines(m);
}

export interface TlsStageOptions {
  /** The host lock every component command takes (default: host.lock in /var/lib/hardened-docker). */
  lockFile?: string;
  /** Seconds to wait for the host lock before failing (default 600). */
  lockWaitSeconds?: number;
}

/** Render the TLS staging script for `tlsDir`. */
export function renderTlsStageScript(tlsDir: string, o: TlsStageOptions = {}): string {
  const dir = assertHostPath("tlsDir", tlsDir);
  const lock = hostLockFor(o);
  const q = shellQuote;
  const stages = TLS_FILES.map((f) => `  stage ${q(f.file)} ${f.mode}`).join("\n");
  return `#!/bin/sh
# hardened-docker SecureDaemon: stage dockerd's TLS material. Rendered by src/scripts/daemon-tls.ts:
# these inputs, then the shared functions, then the body src/scripts/sh/daemon-tls.sh.
# stdin: three base64 lines (CA certificate, server certificate, server key). Prints no secret.
set -eu
umask 077
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

tls_dir=${q(dir)}
staged_suffix=${q(STAGED_SUFFIX)}
tls_names=${q(TLS_FILES.map((f) => f.file).join(", "))}
# The files in the order of stdin's lines, with their CIS modes (stage is in the body).
stage_all() {
${stages}
}

${messageFunctions("hd-tls")}
${REQUIRE_ROOT}
${lock}

${shFile("daemon-tls.sh")}`;
}
