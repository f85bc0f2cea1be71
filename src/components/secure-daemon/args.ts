/** SecureDaemon's arguments: the interfaces and the zod schema typed against them (they cannot drift). */
import type * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";
import { z } from "zod";
import type { Exemption } from "../../exemptions";
import { PROC_LIMIT_LABELS } from "../../scripts/daemon-apply";
import { hostPathProblem } from "../../scripts/host-paths";
import { argsSchemaFor, exemptionSchema, inputString } from "../args";
import { connectionSchema, hostProblem, type SshConnection } from "../ssh-connection";

export type UlimitName = keyof typeof PROC_LIMIT_LABELS;

/** The SSH connection to the Docker host (shared with HardenedHost). */
export type SecureDaemonConnection = SshConnection;

/**
 * A TCP listener with TLS client verification (CIS 2.7) and its key material, staged on the host with CIS section
 * 3 owners and modes.
 */
export interface SecureDaemonTls {
  /**
   * TCP address dockerd listens on, "ADDRESS:PORT" (e.g. "10.0.0.5:2376"); always with TLS client verification
   * (CIS 2.7).
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
   * Directory of hardened-docker's own state on the host: the apply's journal (daemon-apply.state), which lets a
   * run finish or roll back an apply that was interrupted, and the host lock (host.lock) that every command of
   * the components takes. Default /var/lib/hardened-docker.
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
   * Log driver that ships container logs off the host (CIS 2.13). Default "journald". json-file, local and none
   * need an exemption for 2.13.
   * @cis 2.13
   */
  logDriver?: string;
  /**
   * Options of the log driver (e.g. { "syslog-address": "udp://10.0.0.9:514" }). Secret values stay secret.
   * @cis 2.13
   */
  logOpts?: Record<string, pulumi.Input<string>>;
  /**
   * Default ulimits for containers (CIS 2.8). Default { nofile: { soft: 1024, hard: 4096 } }; hard limits are
   * checked against dockerd's own on the host before anything changes.
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
   * A daemon-wide seccomp profile: an absolute path on the host (CIS 2.17; "unconfined" needs an exemption).
   * Default: Docker's profile.
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
   * Other daemon.json keys, verbatim (e.g. "registry-mirrors"); judged by the self-check, never overriding a key
   * this component sets.
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
   * Seconds each systemctl call of the apply (restart, reload, stop, start) may take, and to wait for the engine
   * after one, before rolling back. Default 60.
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

// Any JSON value, read as `unknown` (the interface's type for a value passed through verbatim).
const JSON_VALUE: z.ZodType<unknown> = z.json();

/** The arguments' shape. @internal */
export const argsSchema = argsSchemaFor<SecureDaemonArgs>()(
  z.strictObject({
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
    extraConfig: z.record(z.string().regex(CONFIG_KEY, "must be a daemon.json key ([a-z0-9-])"), JSON_VALUE).optional(),
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
  }),
);
