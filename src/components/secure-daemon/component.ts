/**
 * SecureDaemon: applies a hardened daemon.json to a Docker host over SSH, safely, and hands out
 * a docker.Provider for that daemon.
 *
 * The configuration passes CIS section 2 by default (icc off, userns-remap, no-new-privileges,
 * live-restore, no userland proxy, iptables kept, log level info, a log driver that ships logs,
 * default ulimits, no insecure registries, no experimental features, TCP only with TLS client
 * verification). Weakening any of it needs an exemption for the rule it breaks, exactly as for
 * HardenedContainer: the component renders daemon.json, turns it into DaemonFacts with the same
 * adapter the audit uses, and runs the rule catalog on them (the self-check). Exemptions travel
 * as engine labels in daemon.json, so the live audit honours the same ones.
 *
 * On the host (three `remote.Command`s, scripts rendered in src/scripts/):
 * - `<name>-tls` (only with `tls`): stages the CA, certificate and key, delivered on stdin as a
 *   secret; logging off.
 * - `<name>-apply`: writes daemon.json atomically, restarts dockerd only when the configuration
 *   (or the TLS material) changed, waits for the engine, and on failure restores the previous
 *   files, brings the engine back and fails with the engine's error. live-restore is switched on
 *   in the running daemon before the restart, so running containers stay up. Journaled (in
 *   `paths.stateDir`): a run that was killed part-way is completed or rolled back by the next
 *   one; every systemctl call and wait is bounded by `restartTimeoutSeconds`.
 * - `<name>-permissions`: owners and modes of CIS section 3.
 * Each takes the host lock (`<stateDir>/host.lock`, shared with HardenedHost) first, so two
 * stacks, or a retry while a first run still goes on, never change the host at once.
 *
 * Host keys: the SSH connection pins the host's public key (`connection.hostKey`, the
 * `hostKey` field of @pulumi/command ≥ 1.1's connection; unset, that provider ignores host
 * keys). Leaving it out needs an exemption for `hd-ssh-host-key`. The docker.Provider pins the
 * same key through ssh options (see `providerSshOpts`).
 *
 * Host prerequisites: systemd's docker.service (`systemctl restart docker`), the docker CLI,
 * coreutils, flock (util-linux), a POSIX login shell for the SSH user, root (or passwordless sudo with
 * `connection.sudo`). With `tls`, daemon.json lists the listeners (`hosts`), so docker.service
 * must not pass `-H` (the stock Debian/Ubuntu unit passes `-H fd://`: add a drop-in that clears
 * ExecStart); otherwise dockerd refuses to start and the apply rolls back with that error.
 * Enabling userns-remap on a daemon that already has containers hides them (the remapped daemon
 * keeps its data under <data-root>/<uid>.<gid>). A dockerd that live-restores running containers
 * keeps its networks as they were, so icc off reaches the default bridge only at a docker restart
 * with no container running (the apply warns until then). Destroying the component leaves the
 * host as it is.
 */
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { isIP } from "net";
import { z } from "zod";
import { daemonFactsFromConfig, DaemonConfigError } from "../adapters/daemon-config";
import { COMMAND_DIGESTS_OUTPUT, COMPONENT_EXEMPTIONS_OUTPUT, SECURE_DAEMON_TYPE } from "../adapters/pulumi-tokens";
import { exemptionsToLabels, type Exemption } from "../exemptions";
import type { DaemonFacts } from "../facts/types";
import { evaluate } from "../rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../rules/types";
import {
  configSha256,
  daemonApplyStateFile,
  PROC_LIMIT_LABELS,
  renderDaemonApplyScript,
  TLS_FILES,
} from "../scripts/daemon-apply";
import { renderDaemonPermissionsScript } from "../scripts/daemon-permissions";
import { encodeTlsStdin, renderTlsStageScript, tlsMaterialProblems, type TlsMaterial } from "../scripts/daemon-tls";
import { hostPathProblem, parentDir } from "../scripts/host-paths";
import { DEFAULT_STATE_DIR, hostLockFile } from "../scripts/shell-prelude";
import { exemptionSchema, HardenedArgsError, howToExempt, inputString, parseArgs, validateExemptions } from "./args";
import { CommandDigests } from "./command-digests";
import { attachEngineAccess } from "./engine-access";
import {
  checkConnection,
  connectionSchema,
  HOST_KEY_ALGORITHMS,
  hostCommand,
  hostProblem,
  remoteConnection,
  SSH_HOST_KEY_EXEMPTION,
  type HostKey,
  type SshConnection,
} from "./ssh-connection";

export { SECURE_DAEMON_TYPE };

export type UlimitName = keyof typeof PROC_LIMIT_LABELS;

/** The SSH connection to the Docker host (shared with HardenedHost). */
export type SecureDaemonConnection = SshConnection;

/** A TCP listener with TLS client verification (CIS 2.7) and its key material, staged on the host with CIS section 3 owners and modes. */
export interface SecureDaemonTls {
  /**
   * TCP address dockerd listens on, "ADDRESS:PORT" (e.g. "10.0.0.5:2376"); always with TLS client verification (CIS 2.7).
   * @cis 2.7
   */
  listen: string;
  /**
   * CA certificate (PEM) client certificates must chain to; written root:root 0444 (CIS 3.9, 3.10).
   * @cis 2.7 3.9 3.10
   */
  caCert: pulumi.Input<string>;
  /**
   * The daemon's certificate (PEM); written root:root 0444 (CIS 3.11, 3.12).
   * @cis 2.7 3.11 3.12
   */
  cert: pulumi.Input<string>;
  /**
   * The daemon's private key (PEM), a secret; written root:root 0400 (CIS 3.13, 3.14), delivered on stdin only.
   * @cis 2.7 3.13 3.14
   */
  key: pulumi.Input<string>;
  /**
   * Client certificate and key (PEM) for the provider when `provider.via` is "tcp"; the key is kept secret.
   * @cis none the provider's own credentials for the TLS listener
   */
  client?: { cert: pulumi.Input<string>; key: pulumi.Input<string> };
}

/** Host layout: where dockerd's files are, for the apply and for the owners and modes of CIS section 3. */
export interface SecureDaemonPaths {
  /**
   * daemon.json, the file dockerd reads (CIS 3.17, 3.18). Default: <etcDocker>/daemon.json.
   * @default <etcDocker>/daemon.json
   * @cis 3.17 3.18
   */
  configFile?: string;
  /**
   * /etc/docker (CIS 3.5, 3.6; certs.d below it: 3.7, 3.8). Default: /etc/docker.
   * @cis 3.5 3.6 3.7 3.8
   */
  etcDocker?: string;
  /**
   * Directory of ca.pem, server-cert.pem, server-key.pem (CIS 3.9–3.14). Default: <etcDocker>/tls.
   * @cis 3.9–3.14
   */
  tlsDir?: string;
  /**
   * dockerd's unix socket (CIS 3.15, 3.16): the apply waits for the engine there. Default /var/run/docker.sock.
   * @cis 3.15 3.16
   */
  dockerSocket?: string;
  /**
   * containerd's socket (CIS 3.23, 3.24). Default /run/containerd/containerd.sock.
   * @cis 3.23 3.24
   */
  containerdSocket?: string;
  /**
   * dockerd's pid file, to read its hard limits (CIS 2.8). Default /var/run/docker.pid.
   * @cis 2.8
   */
  pidFile?: string;
  /**
   * docker.service and docker.socket unit files (CIS 3.1–3.4). Default: under /lib, /usr/lib and /etc/systemd/system.
   * @cis 3.1–3.4
   */
  unitFiles?: string[];
  /**
   * Environment files of the unit (CIS 3.19–3.22). Default /etc/default/docker, /etc/sysconfig/docker.
   * @cis 3.19–3.22
   */
  environmentFiles?: string[];
  /**
   * A file dockerd logs to, quoted when a restart fails. Default: none (the journal of docker.service).
   * @cis none error reporting only
   */
  engineLog?: string;
  /**
   * Directory of hardened-docker's own state on the host: the apply's journal (daemon-apply.state), which lets a run finish or roll back an apply that was interrupted, and the host lock (host.lock) that every command of the components takes. Default /var/lib/hardened-docker.
   * @default /var/lib/hardened-docker
   * @cis none safe apply (journal and lock)
   */
  stateDir?: string;
}

/** How the docker.Provider that SecureDaemon hands out reaches the daemon. */
export interface SecureDaemonProviderOptions {
  /**
   * "ssh" (default): ssh://user@host:port, host key pinned. "tcp": tcp://host:PORT of `tls.listen` with `tls.client`.
   * @default "ssh"
   * @cis none how Pulumi reaches the daemon afterwards
   */
  via?: "ssh" | "tcp";
  /**
   * Local path of the private key for the provider's ssh (docker's ssh transport runs the `ssh`
   * program, which reads key files or an agent, not key text). Default: ssh's own choice.
   * @cis none how Pulumi reaches the daemon afterwards
   */
  identityFile?: string;
  /**
   * A local known_hosts file holding `knownHostsLine`, for OpenSSH before 8.5. Default: the pinned
   * key is handed to ssh by KnownHostsCommand, and no known_hosts file is read.
   * @cis none how Pulumi reaches the daemon afterwards (the host key stays pinned)
   */
  knownHostsFile?: string;
}

/** Arguments of SecureDaemon. Every default passes CIS section 2; a weakening needs an exemption for its rule. */
export interface SecureDaemonArgs {
  /**
   * How to reach the host over SSH.
   * @cis none how the component reaches the host
   */
  connection: SecureDaemonConnection;
  /**
   * Log driver that ships container logs off the host (CIS 2.13). Default "journald". json-file, local and none need an exemption for 2.13.
   * @cis 2.13
   */
  logDriver?: string;
  /**
   * Options of the log driver (e.g. { "syslog-address": "udp://10.0.0.9:514" }). Secret values stay secret.
   * @cis 2.13
   */
  logOpts?: Record<string, pulumi.Input<string>>;
  /**
   * Default ulimits for containers (CIS 2.8). Default { nofile: { soft: 1024, hard: 4096 } }; hard limits are checked against dockerd's own on the host before anything changes.
   * @default { nofile: { soft: 1024, hard: 4096 } }
   * @cis 2.8
   */
  defaultUlimits?: Partial<Record<UlimitName, { soft: number; hard: number }>>;
  /**
   * The host's hard limits, when known, for the self-check of 2.8 at preview.
   * @cis 2.8
   */
  hostHardLimits?: Partial<Record<UlimitName, number>>;
  /**
   * userns-remap user (CIS 2.9). Default "default" (dockerd creates dockremap). false needs an exemption for 2.9.
   * @cis 2.9
   */
  usernsRemap?: string | false;
  /**
   * Authorization plugins (CIS 2.12), installed on the host. None needs an exemption for 2.12.
   * @cis 2.12
   */
  authorizationPlugins?: string[];
  /**
   * SELinux support (hd-selinux-enabled). Default true (dockerd only warns on hosts without SELinux).
   * @cis hd-selinux-enabled 5.3
   */
  selinuxEnabled?: boolean;
  /**
   * A daemon-wide seccomp profile: an absolute path on the host (CIS 2.17; "unconfined" needs an exemption). Default: Docker's profile.
   * @cis 2.17
   */
  seccompProfile?: string;
  /**
   * Storage driver (CIS 2.6: never aufs). Default: dockerd's choice.
   * @cis 2.6
   */
  storageDriver?: string;
  /**
   * Data root. Default: dockerd's (/var/lib/docker).
   * @cis 1.1.1
   */
  dataRoot?: string;
  /**
   * A TCP listener with TLS client verification (CIS 2.7). Default: only the unix socket.
   * @cis 2.7
   */
  tls?: SecureDaemonTls;
  /**
   * Engine labels (keys under hardened-docker. are reserved: they carry exemptions).
   * @cis none engine metadata
   */
  labels?: Record<string, string>;
  /**
   * Other daemon.json keys, verbatim (e.g. "registry-mirrors"); judged by the self-check, never overriding a key this component sets.
   * @cis none passed through; every section 2 rule judges the merged daemon.json
   */
  extraConfig?: Record<string, unknown>;
  /**
   * Flags the host's docker.service passes to dockerd, when known (e.g. ["-H", "fd://"]): merged into the self-check.
   * @cis none informs the self-check (flags win over daemon.json)
   */
  dockerdFlags?: string[];
  /**
   * Documented exceptions: `{ rule: "2.12", reason: "≥ 10 characters", expires?: "YYYY-MM-DD" }`.
   * @cis hd-exemptions-daemon
   */
  exemptions?: Exemption[];
  /**
   * Host layout (defaults: a Debian/RHEL docker.io or docker-ce install).
   * @cis 2.8 3.1–3.24
   */
  paths?: SecureDaemonPaths;
  /**
   * Seconds each systemctl call of the apply (restart, reload, stop, start) may take, and to wait for the engine after one, before rolling back. Default 60.
   * @cis none rollback timing
   */
  restartTimeoutSeconds?: number;
  /**
   * The docker.Provider this component hands out.
   * @cis none how Pulumi reaches the daemon afterwards
   */
  provider?: SecureDaemonProviderOptions;
  // ── weakenings: each needs an exemption for the rule it breaks ──
  /**
   * Inter-container traffic on the default bridge (CIS 2.2). Default false.
   * @cis 2.2
   */
  icc?: boolean;
  /**
   * Log level (CIS 2.3). Default "info".
   * @cis 2.3
   */
  logLevel?: "debug" | "info" | "warn" | "error" | "fatal";
  /**
   * Docker manages iptables (CIS 2.4). Default true.
   * @cis 2.4
   */
  iptables?: boolean;
  /**
   * Registries reached without TLS verification (CIS 2.5). Default none.
   * @cis 2.5
   */
  insecureRegistries?: string[];
  /**
   * Containers may not gain privileges (CIS 2.14). Default true.
   * @cis 2.14 5.26
   */
  noNewPrivileges?: boolean;
  /**
   * Containers outlive dockerd restarts (CIS 2.15). Default true.
   * @cis 2.15
   */
  liveRestore?: boolean;
  /**
   * The userland proxy (CIS 2.16). Default false.
   * @cis 2.16
   */
  userlandProxy?: boolean;
  /**
   * Experimental features (CIS 2.18). Default false.
   * @cis 2.18
   */
  experimental?: boolean;
}

// ───────────── validation ─────────────

const ULIMIT_NAMES = Object.keys(PROC_LIMIT_LABELS) as [UlimitName, ...UlimitName[]];
const NAME_REF = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,254}$/;
const REGISTRY = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::\d{1,5})?|[0-9A-Fa-f.:]+\/\d{1,3})$/;
const CONFIG_KEY = /^[a-z][a-z0-9-]{0,63}$/;
const LABEL_KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const OPT_KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

const hostPath = () =>
  z.string().superRefine((p, ctx) => {
    const problem = hostPathProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const noNul = z.string().refine((s) => !s.includes("\0"), "must not contain NUL bytes");
const listen = z.string().refine((s) => {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  if (!m) return false;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 && (m[1] !== undefined ? isIP(m[1]) === 6 : hostProblem(m[2]) === undefined);
}, 'must be "ADDRESS:PORT", e.g. "10.0.0.5:2376" or "[fd00::5]:2376"');

const argsSchema = z.strictObject({
  connection: connectionSchema,
  logDriver: z.string().regex(NAME_REF, "must be a log driver name (letters, digits, _ . : / -)").optional(),
  logOpts: z
    .record(z.string().regex(OPT_KEY, "must be a log option name ([a-z0-9_.-])"), inputString("a string value"))
    .optional(),
  defaultUlimits: z
    .partialRecord(
      z.enum(ULIMIT_NAMES),
      z.strictObject({ soft: z.number().int().min(0), hard: z.number().int().min(0) }),
    )
    .optional(),
  hostHardLimits: z.partialRecord(z.enum(ULIMIT_NAMES), z.number().int().min(0)).optional(),
  usernsRemap: z
    .union([
      z.literal(false),
      z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}(:[a-z_][a-z0-9_-]{0,31})?$/, 'must be a user[:group] name or "default"'),
    ])
    .optional(),
  authorizationPlugins: z
    .array(z.string().regex(NAME_REF, "must be a plugin name (letters, digits, _ . : / -)"))
    .optional(),
  selinuxEnabled: z.boolean().optional(),
  seccompProfile: z.union([z.literal("unconfined"), hostPath()]).optional(),
  storageDriver: z
    .string()
    .regex(/^[a-z0-9]{1,32}$/, "must be a storage driver name")
    .optional(),
  dataRoot: hostPath().optional(),
  tls: z
    .strictObject({
      listen,
      caCert: inputString("a PEM certificate"),
      cert: inputString("a PEM certificate"),
      key: inputString("a PEM private key"),
      client: z
        .strictObject({ cert: inputString("a PEM certificate"), key: inputString("a PEM private key") })
        .optional(),
    })
    .optional(),
  labels: z
    .record(
      z
        .string()
        .regex(LABEL_KEY, "must be a label key ([a-z0-9._-])")
        .refine((k) => !k.startsWith("hardened-docker."), "keys under hardened-docker. are reserved"),
      noNul,
    )
    .optional(),
  extraConfig: z.record(z.string().regex(CONFIG_KEY, "must be a daemon.json key ([a-z0-9-])"), z.json()).optional(),
  dockerdFlags: z.array(noNul).optional(),
  exemptions: z.array(exemptionSchema).optional(),
  paths: z
    .strictObject({
      configFile: hostPath().optional(),
      etcDocker: hostPath().optional(),
      tlsDir: hostPath().optional(),
      dockerSocket: hostPath().optional(),
      containerdSocket: hostPath().optional(),
      pidFile: hostPath().optional(),
      unitFiles: z.array(hostPath()).optional(),
      environmentFiles: z.array(hostPath()).optional(),
      engineLog: hostPath().optional(),
      stateDir: hostPath().optional(),
    })
    .optional(),
  restartTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  provider: z
    .strictObject({
      via: z.enum(["ssh", "tcp"]).optional(),
      identityFile: hostPath().optional(),
      knownHostsFile: hostPath().optional(),
    })
    .optional(),
  icc: z.boolean().optional(),
  logLevel: z.enum(["debug", "info", "warn", "error", "fatal"]).optional(),
  iptables: z.boolean().optional(),
  insecureRegistries: z.array(z.string().regex(REGISTRY, "must be a registry host[:port] or a CIDR")).optional(),
  noNewPrivileges: z.boolean().optional(),
  liveRestore: z.boolean().optional(),
  userlandProxy: z.boolean().optional(),
  experimental: z.boolean().optional(),
});

// ───────────── SSH host keys ─────────────

/** The known_hosts line for this host and key (`[host]:port` when the port is not 22). */
export function knownHostsLine(host: string, port: number, key: HostKey): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${key.type} ${key.base64}`;
}

/**
 * ssh options for the docker.Provider (docker's ssh transport runs the `ssh` program with them,
 * one argv element each, no shell). With a pinned key: strict checking against that key only —
 * no known_hosts file is read (or only `knownHostsFile`), the key comes from KnownHostsCommand
 * (OpenSSH ≥ 8.5; `%H` is the name ssh looks up), and only that key type is negotiated.
 */
export function providerSshOpts(
  key: HostKey | undefined,
  o: { identityFile?: string; knownHostsFile?: string } = {},
): string[] {
  const opts: string[] = [];
  if (o.identityFile) opts.push("-i", o.identityFile, "-o", "IdentitiesOnly=yes");
  if (!key) return opts;
  opts.push(
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `HostKeyAlgorithms=${HOST_KEY_ALGORITHMS[key.type]}`,
    "-o",
    "CheckHostIP=no",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "GlobalKnownHostsFile=/dev/null",
  );
  if (o.knownHostsFile) opts.push("-o", `UserKnownHostsFile=${o.knownHostsFile}`);
  else
    opts.push("-o", "UserKnownHostsFile=/dev/null", "-o", `KnownHostsCommand=/bin/echo '%H' ${key.type} ${key.base64}`);
  return opts;
}

// ───────────── the plan ─────────────

const DEFAULT_ULIMITS: Partial<Record<UlimitName, { soft: number; hard: number }>> = {
  nofile: { soft: 1024, hard: 4096 },
};
const DEFAULT_UNIT_FILES = ["/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system"].flatMap((d) => [
  `${d}/docker.service`,
  `${d}/docker.socket`,
]);

export interface ResolvedPaths {
  configFile: string;
  etcDocker: string;
  tlsDir: string;
  dockerSocket: string;
  containerdSocket: string;
  pidFile: string;
  unitFiles: string[];
  environmentFiles: string[];
  engineLog?: string;
  stateDir: string;
}

/** What the class needs to render daemon.json once the log options resolve. */
export interface RenderedConfig {
  config: Record<string, unknown>;
  configText: string;
  configHash: string;
  applyScript: string;
}

export interface SecureDaemonPlan {
  /** daemon.json with the log options known at plan time (Output values shown as "<output>"). */
  rendered: RenderedConfig;
  /** Renders daemon.json and the apply script for resolved log options. */
  render(logOpts: Record<string, string>): RenderedConfig;
  /** The effective configuration the self-check judged. */
  facts: DaemonFacts;
  exemptions: Exemption[];
  paths: ResolvedPaths;
  permissionsScript: string;
  /** The TLS staging script, when the daemon listens on TCP. */
  tlsScript?: string;
  connection: { port: number; user: string; sudo: boolean; hostKeyPinned: boolean };
  provider: { via: "ssh" | "tcp"; identityFile?: string; knownHostsFile?: string; tcpPort?: number };
  /** dockerd flags merged into the self-check (`dockerdFlags`). */
  dockerdFlags: string[];
}

/**
 * The inputs SecureDaemon registers, read by the policy pack (src/adapters/pulumi-resources.ts,
 * secureDaemonFacts): daemon.json as judged, with log options given as Outputs shown as
 * "<output>" (so no secret is ever among them), and the dockerd flags.
 */
export interface SecureDaemonInputs {
  daemonJson: string;
  configFile: string;
  dockerdFlags: string[];
}

export function secureDaemonInputs(plan: SecureDaemonPlan): SecureDaemonInputs {
  return { daemonJson: plan.rendered.configText, configFile: plan.paths.configFile, dockerdFlags: plan.dockerdFlags };
}

export interface SecureDaemonPlanOptions {
  /** Clock for exemption expiry. */
  now?: Date;
}

/** Where each fact field comes from among the arguments (for error messages). */
function argumentFor(field: string, fromFlags: boolean): string {
  if (fromFlags) return "dockerdFlags";
  const root = field.split(/[.[]/)[0];
  switch (root) {
    case "defaultUlimits":
      return "defaultUlimits";
    case "hosts":
    case "tlsVerify":
    case "tlsCaCert":
    case "tlsCert":
    case "tlsKey":
      return "tls";
    case "cgroupParent":
      return 'extraConfig["cgroup-parent"]';
    case "storageOpts":
      return 'extraConfig["storage-opts"]';
    case "labels":
      return "exemptions";
    default:
      return root;
  }
}

/**
 * Compute daemon.json and the host scripts for these arguments, and check the configuration
 * against the catalog. Pure; throws HardenedArgsError on any refusal.
 * @internal
 */
export function planSecureDaemon(
  name: string,
  rawArgs: SecureDaemonArgs,
  options: SecureDaemonPlanOptions = {},
): SecureDaemonPlan {
  const now = options.now ?? new Date();
  const a = parseArgs(name, argsSchema, rawArgs);

  // Exemptions first: a malformed one is an error even if it would not be needed.
  const exemptions = a.exemptions ?? [];
  const exempt = validateExemptions(name, exemptions, now, [SSH_HOST_KEY_EXEMPTION]);

  const c = a.connection;
  const { problems, resolved } = checkConnection(c, exempt, "receive the configuration");
  const { user, sudo, port } = resolved;

  const via = a.provider?.via ?? "ssh";
  if (via === "tcp" && !a.tls?.client)
    problems.push('provider.via = "tcp": needs tls.client (a client certificate and key signed by tls.caCert)');
  if (via === "tcp" && a.provider?.knownHostsFile)
    problems.push('provider.knownHostsFile: only used when provider.via is "ssh"');
  if (a.tls && typeof a.tls.key === "string") {
    // Plain PEM text can be checked now (Outputs are checked when they resolve); the messages never quote the material.
    const plain = { caCert: a.tls.caCert, cert: a.tls.cert, key: a.tls.key };
    if (Object.values(plain).every((v) => typeof v === "string"))
      problems.push(...tlsMaterialProblems(plain as TlsMaterial));
  }

  const p = a.paths ?? {};
  const etcDocker = p.etcDocker ?? "/etc/docker";
  const paths: ResolvedPaths = {
    configFile: p.configFile ?? `${etcDocker}/daemon.json`,
    etcDocker,
    tlsDir: p.tlsDir ?? `${etcDocker}/tls`,
    dockerSocket: p.dockerSocket ?? "/var/run/docker.sock",
    containerdSocket: p.containerdSocket ?? "/run/containerd/containerd.sock",
    pidFile: p.pidFile ?? "/var/run/docker.pid",
    unitFiles: p.unitFiles ?? DEFAULT_UNIT_FILES,
    environmentFiles: p.environmentFiles ?? ["/etc/default/docker", "/etc/sysconfig/docker"],
    ...(p.engineLog !== undefined ? { engineLog: p.engineLog } : {}),
    stateDir: p.stateDir ?? DEFAULT_STATE_DIR,
  };
  const lockFile = hostLockFile(paths.stateDir);
  if (a.tls && parentDir(paths.configFile) === paths.tlsDir)
    problems.push("paths.tlsDir: must not be the directory of daemon.json");

  const flags = a.dockerdFlags ?? [];
  let flagFacts: DaemonFacts | undefined;
  try {
    flagFacts = daemonFactsFromConfig({ argv: ["dockerd", ...flags] });
  } catch (err) {
    if (!(err instanceof DaemonConfigError)) throw err;
    problems.push(`dockerdFlags: ${err.problem}`);
  }
  if (a.tls && flagFacts && flagFacts.hosts.length > 0)
    problems.push(
      `dockerdFlags: ${JSON.stringify(flagFacts.hosts)} — with tls, daemon.json lists the listeners, and dockerd refuses -H on its command line as well; remove -H from docker.service (a drop-in that clears ExecStart)`,
    );
  if (problems.length) throw new HardenedArgsError(name, problems);

  // ── daemon.json ──
  const ulimits = a.defaultUlimits ?? DEFAULT_ULIMITS;
  const exemptionLabels = exemptionsToLabels(exemptions.filter((e) => e.rule !== SSH_HOST_KEY_EXEMPTION));
  const labels = { ...(a.labels ?? {}), ...exemptionLabels };
  const tlsPaths = Object.fromEntries(TLS_FILES.map((f) => [f.key, `${paths.tlsDir}/${f.file}`]));
  const managed: Record<string, unknown> = {
    icc: a.icc ?? false,
    ...(a.usernsRemap === false ? {} : { "userns-remap": a.usernsRemap ?? "default" }),
    "selinux-enabled": a.selinuxEnabled ?? true,
    "no-new-privileges": a.noNewPrivileges ?? true,
    "live-restore": a.liveRestore ?? true,
    "userland-proxy": a.userlandProxy ?? false,
    iptables: a.iptables ?? true,
    "log-level": a.logLevel ?? "info",
    "log-driver": a.logDriver ?? "journald",
    "default-ulimits": sortedObject(
      Object.fromEntries(Object.entries(ulimits).map(([n, u]) => [n, { Name: n, Soft: u!.soft, Hard: u!.hard }])),
    ),
    "insecure-registries": a.insecureRegistries ?? [],
    experimental: a.experimental ?? false,
    ...(a.authorizationPlugins?.length ? { "authorization-plugins": a.authorizationPlugins } : {}),
    ...(a.tls
      ? { hosts: [`unix://${paths.dockerSocket}`, `tcp://${a.tls.listen}`], tls: true, tlsverify: true, ...tlsPaths }
      : {}),
    ...(a.storageDriver ? { "storage-driver": a.storageDriver } : {}),
    ...(a.dataRoot ? { "data-root": a.dataRoot } : {}),
    ...(a.seccompProfile ? { "seccomp-profile": a.seccompProfile } : {}),
    ...(Object.keys(labels).length
      ? { labels: Object.entries(sortedObject(labels)).map(([k, v]) => `${k}=${v}`) }
      : {}),
  };
  const extra = a.extraConfig ?? {};
  const clashes = Object.keys(extra).filter(
    (k) =>
      k in managed || k === "log-opts" || ["hosts", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey"].includes(k),
  );
  if (clashes.length)
    throw new HardenedArgsError(
      name,
      clashes.map((k) => `extraConfig["${k}"]: set by SecureDaemon itself; use its typed argument`),
    );
  const ulimitChecks = Object.entries(ulimits).map(([n, u]) => ({ name: n, hard: u!.hard }));

  const render = (logOpts: Record<string, string>): RenderedConfig => {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(managed)) {
      config[k] = v;
      // log-opts right after log-driver, for a readable file
      if (k === "log-driver" && Object.keys(logOpts).length) config["log-opts"] = sortedObject(logOpts);
    }
    for (const k of Object.keys(extra).sort()) config[k] = extra[k];
    const configText = JSON.stringify(config, null, 2) + "\n";
    const applyScript = renderDaemonApplyScript({
      configText,
      configFile: paths.configFile,
      dockerSocket: paths.dockerSocket,
      pidFile: paths.pidFile,
      ...(paths.engineLog !== undefined ? { engineLog: paths.engineLog } : {}),
      timeoutSeconds: a.restartTimeoutSeconds ?? 60,
      liveRestore: config["live-restore"] === true,
      iccOff: config.icc === false,
      ...(a.tls ? { tlsDir: paths.tlsDir } : {}),
      ulimits: ulimitChecks,
      stateFile: daemonApplyStateFile(paths.stateDir),
      lockFile,
    });
    return { config, configText, configHash: configSha256(configText), applyScript };
  };
  const plainLogOpts = Object.fromEntries(
    Object.entries(a.logOpts ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : "<output>"]),
  );
  const rendered = render(plainLogOpts);

  // ── the self-check: the catalog decides ──
  const facts = daemonFactsFromConfig({
    configText: rendered.configText,
    configFile: paths.configFile,
    argv: ["dockerd", ...flags],
    origin: "declared",
  });
  const ctx: RuleContext = {
    settings: DEFAULT_SETTINGS,
    now,
    ...(a.hostHardLimits ? { host: { ulimitHardLimits: a.hostHardLimits as Record<string, number> } } : {}),
  };
  // A fact the flags change (against the file alone) is the flags' doing.
  const fileOnly = daemonFactsFromConfig({ configText: rendered.configText, configFile: paths.configFile });
  const findings = evaluate([facts], ctx).filter((f) => f.subject === "daemon");
  // Any `fail` refuses, Manual rules too: 2.8 and 2.17 fail only on definite defects (a limit above the host's, unconfined).
  const refusals = findings
    .filter((f) => f.status === "fail" && f.verdict.status === "fail")
    .map((f) => {
      const v = f.verdict as Extract<typeof f.verdict, { status: "fail" }>;
      const factKey = v.field.split(/[.[]/)[0] as keyof DaemonFacts;
      const fromFlags = JSON.stringify(facts[factKey]) !== JSON.stringify(fileOnly[factKey]);
      return `${argumentFor(v.field, fromFlags)}: ${JSON.stringify(v.observed)} breaks CIS ${f.ruleId} (${f.title}); expected ${v.expected}. ${howToExempt(f.ruleId)}`;
    });
  if (refusals.length) throw new HardenedArgsError(name, refusals);
  for (const e of exemptions) {
    const needed =
      e.rule === SSH_HOST_KEY_EXEMPTION
        ? c.hostKey === undefined
        : findings.some((f) => f.ruleId === e.rule && f.status === "exempted");
    if (!needed)
      pulumi.log.warn(`SecureDaemon "${name}": exemption for ${e.rule} is not needed by these arguments; remove it`);
  }

  return {
    rendered,
    render,
    facts,
    exemptions,
    paths,
    permissionsScript: renderDaemonPermissionsScript({
      etcDocker: paths.etcDocker,
      configFile: paths.configFile,
      ...(a.tls ? { tlsDir: paths.tlsDir } : {}),
      dockerSocket: paths.dockerSocket,
      containerdSocket: paths.containerdSocket,
      unitFiles: paths.unitFiles,
      environmentFiles: paths.environmentFiles,
      lockFile,
    }),
    ...(a.tls ? { tlsScript: renderTlsStageScript(paths.tlsDir, { lockFile }) } : {}),
    connection: { port, user, sudo, hostKeyPinned: c.hostKey !== undefined },
    dockerdFlags: flags,
    provider: {
      via,
      ...(a.provider?.identityFile ? { identityFile: a.provider.identityFile } : {}),
      ...(a.provider?.knownHostsFile ? { knownHostsFile: a.provider.knownHostsFile } : {}),
      ...(a.tls ? { tcpPort: Number(/:(\d+)$/.exec(a.tls.listen)![1]) } : {}),
    },
  };
}

/** The same entries with keys in code-point order (stable daemon.json text, whatever the argument order). */
function sortedObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]!]),
  );
}

function sha256(parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/**
 * A Docker host whose daemon.json is hardened. Child resources: up to three
 * `command.remote.Command`s (TLS staging, apply, permissions) and the `docker.Provider` for the daemon.
 */
export class SecureDaemon extends pulumi.ComponentResource {
  /** The daemon.json this component applies (secret when a log option is). */
  public readonly config: pulumi.Output<Record<string, unknown>>;
  /** sha256 (hex) of daemon.json as written. */
  public readonly configHash: pulumi.Output<string>;
  /** A docker.Provider for this daemon: pass it as { provider } (or providers) to HardenedContainers. */
  public readonly provider: docker.Provider;
  /** The effective configuration the self-check judged. */
  public readonly facts: DaemonFacts;
  /** The known_hosts line of the pinned host key (undefined when the key is exempted). */
  public readonly knownHostsLine?: pulumi.Output<string>;
  /** Stages the TLS CA, certificate and key on the host (only with `tls`). */
  public readonly tlsCommand?: command.remote.Command;
  /** Writes daemon.json and restarts dockerd when it changed, rolling back on failure. */
  public readonly applyCommand: command.remote.Command;
  /** Sets the owners and modes of the CIS section 3 files. */
  public readonly permissionsCommand: command.remote.Command;

  constructor(name: string, args: SecureDaemonArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Planned before registering: the component's inputs are what the self-check judged, so the
    // policy pack judges the same daemon configuration (and sees an edit by a transformation).
    let plan: SecureDaemonPlan | undefined;
    let refused: HardenedArgsError | undefined;
    try {
      plan = planSecureDaemon(name, args);
    } catch (err) {
      if (!(err instanceof HardenedArgsError)) throw err;
      refused = err;
    }
    super(SECURE_DAEMON_TYPE, name, plan ? secureDaemonInputs(plan) : {}, opts);
    if (!plan) throw new pulumi.ResourceError(refused!.message, this);
    this.facts = plan.facts;
    const fail = (message: string): never => {
      throw new pulumi.ResourceError(`SecureDaemon "${name}": ${message}`, this);
    };

    // Values that may be Outputs are checked when they resolve.
    const { connection, hostKey } = remoteConnection(args.connection, plan.connection, fail);
    const host = pulumi.output(connection.host);
    const run = (script: string) => hostCommand(script, plan.connection.sudo);
    // Each command as built and checked here: the pack sees one changed afterwards.
    const digests = new CommandDigests();

    let tlsHash: pulumi.Output<string> | undefined;
    if (args.tls && plan.tlsScript) {
      const material = pulumi.all([args.tls.caCert, args.tls.cert, args.tls.key]).apply(([caCert, cert, key]) => {
        const m = { caCert, cert, key };
        const problems = tlsMaterialProblems(m);
        return problems.length ? fail(problems.join("; ")) : m;
      });
      tlsHash = pulumi.secret(material.apply((m) => sha256([m.caCert, m.cert, m.key])));
      this.tlsCommand = new command.remote.Command(
        `${name}-tls`,
        digests.add(`${name}-tls`, {
          connection,
          create: run(plan.tlsScript),
          stdin: pulumi.secret(material.apply(encodeTlsStdin)),
          logging: "none",
          addPreviousOutputInEnv: false,
        }),
        { parent: this, additionalSecretOutputs: ["stdin", "stdout", "stderr"] },
      );
    }

    const rendered = pulumi
      .output(args.logOpts ?? {})
      .apply((logOpts) => plan.render(logOpts as Record<string, string>));
    this.config = rendered.apply((r) => r.config);
    this.configHash = rendered.apply((r) => r.configHash);
    this.applyCommand = new command.remote.Command(
      `${name}-apply`,
      digests.add(`${name}-apply`, {
        connection,
        create: rendered.apply((r) => run(r.applyScript)),
        ...(tlsHash ? { triggers: [tlsHash] } : {}),
        addPreviousOutputInEnv: false,
      }),
      {
        parent: this,
        ...(this.tlsCommand ? { dependsOn: [this.tlsCommand] } : {}),
        // A log option given as an Output may be a secret (a splunk token) that dockerd could echo in an error.
        ...(Object.values(args.logOpts ?? {}).some((v) => typeof v !== "string")
          ? { additionalSecretOutputs: ["stdout", "stderr"] }
          : {}),
      },
    );
    this.permissionsCommand = new command.remote.Command(
      `${name}-permissions`,
      digests.add(`${name}-permissions`, {
        connection,
        create: run(plan.permissionsScript),
        triggers: [this.configHash, ...(tlsHash ? [tlsHash] : [])],
        addPreviousOutputInEnv: false,
      }),
      { parent: this, dependsOn: [this.applyCommand] },
    );

    if (hostKey)
      this.knownHostsLine = pulumi.all([host, hostKey]).apply(([h, k]) => knownHostsLine(h, plan.connection.port, k));
    const dependsOn = [this.applyCommand, this.permissionsCommand];
    if (plan.provider.via === "tcp" && args.tls?.client) {
      const urlHost = host.apply((h) => (isIP(h) === 6 ? `[${h}]` : h));
      const dockerHost = pulumi.interpolate`tcp://${urlHost}:${plan.provider.tcpPort}`;
      this.provider = new docker.Provider(
        `${name}-provider`,
        {
          host: dockerHost,
          caMaterial: args.tls.caCert,
          certMaterial: args.tls.client.cert,
          keyMaterial: pulumi.secret(args.tls.client.key),
        },
        // The SDK does not mark provider key material secret; the typings omit this option for providers.
        { parent: this, dependsOn, additionalSecretOutputs: ["keyMaterial"] } as pulumi.CustomResourceOptions,
      );
      const client = args.tls.client;
      const tls = pulumi.secret(
        pulumi.all([args.tls.caCert, client.cert, client.key]).apply(([caCert, cert, key]) => ({ caCert, cert, key })),
      );
      // HardenedContainer's PIDs-limit command reaches the same engine the same way.
      attachEngineAccess(this.provider, { via: "tcp", dockerHost, tls });
    } else {
      const urlHost = host.apply((h) => (isIP(h) === 6 ? `[${h}]` : h));
      const sshOpts = hostKey
        ? hostKey.apply((k) => providerSshOpts(k, plan.provider))
        : providerSshOpts(undefined, plan.provider);
      const dockerHost = pulumi.interpolate`ssh://${plan.connection.user}@${urlHost}:${plan.connection.port}`;
      this.provider = new docker.Provider(
        `${name}-provider`,
        { host: dockerHost, sshOpts },
        { parent: this, dependsOn },
      );
      // HardenedContainer's PIDs-limit command reaches the same engine the same way.
      attachEngineAccess(this.provider, { via: "ssh", dockerHost, sshOpts });
    }
    // The host-key exemption is the component's own (daemon.json labels carry the others): the pack lists it.
    const own = plan.exemptions.filter((e) => e.rule === SSH_HOST_KEY_EXEMPTION);
    this.registerOutputs({
      config: this.config,
      configHash: this.configHash,
      knownHostsLine: this.knownHostsLine,
      [COMMAND_DIGESTS_OUTPUT]: digests.output,
      ...(own.length ? { [COMPONENT_EXEMPTIONS_OUTPUT]: own } : {}),
    });
  }
}
