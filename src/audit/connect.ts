/**
 * Where an audit connects: a Docker host address (`--host` or DOCKER_HOST) → a dockerode client,
 * and every way that can fail → one AuditConnectionError line of a known kind (the CLI's exit
 * code 3). Addresses as the docker CLI reads them: `unix:///path`, `tcp://host:port` (TLS with
 * --tlsverify/--tls or DOCKER_TLS_VERIFY, certificates from --tlscacert/--tlscert/--tlskey or
 * DOCKER_CERT_PATH; port 2376 implies TLS), `ssh://[user@]host[:port]`, and a bare `host:port`
 * as tcp.
 */
import { existsSync, readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { cheapToInspect, defaultSshUser, SshError, SshSession } from "./ssh";

export type TargetKind = "unix" | "tcp" | "ssh";

export interface TlsFiles {
  /** Verify the server against `ca` (DOCKER_TLS_VERIFY / --tlsverify). */
  verify: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface EngineTarget {
  /** The address for reports (never carries credentials). */
  label: string;
  kind: TargetKind;
  socketPath?: string;
  host?: string;
  port?: number;
  /** TLS for tcp targets; undefined = plain HTTP. */
  tls?: TlsFiles;
  /** SSH user for ssh targets. */
  user?: string;
}

/** Connection settings from the command line and environment. */
export interface ConnectOptions {
  /** --tlsverify / DOCKER_TLS_VERIFY=1. */
  tlsVerify?: boolean;
  /** --tls: encrypt without verifying the server (as the docker CLI's --tls). */
  tls?: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
  sshIdentity?: string;
  sshKnownHosts?: string;
  /** Per-request and connect timeout (ms). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_SOCKET = "/var/run/docker.sock";
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A malformed address or option: a usage error (exit code 2). */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetError";
  }
}

export type ConnectionProblem = "unreachable" | "permission" | "tls" | "ssh" | "engine";

/** The engine could not be reached or refused us: one line, a kind, the target. */
export class AuditConnectionError extends Error {
  constructor(
    readonly target: string,
    readonly problem: ConnectionProblem,
    readonly reason: string,
  ) {
    super(`${target}: ${PROBLEM_WORDS[problem]}: ${reason}`);
    this.name = "AuditConnectionError";
  }
}

const PROBLEM_WORDS: Record<ConnectionProblem, string> = {
  unreachable: "engine unreachable",
  permission: "permission denied",
  tls: "TLS failure",
  ssh: "SSH failure",
  engine: "engine error",
};

/** The address to audit when no --host is given: DOCKER_HOST, else the default socket. */
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST?.trim() || `unix://${DEFAULT_SOCKET}`;
}

/** Parse an address into a target (no I/O). Throws TargetError on a malformed one. */
export function parseTarget(address: string, opts: ConnectOptions = {}): EngineTarget {
  const env = opts.env ?? process.env;
  const text = address.trim();
  if (text === "") throw new TargetError("empty host address");
  if (text.startsWith("unix://") || text.startsWith("/")) {
    const socketPath = text.startsWith("/") ? text : text.slice("unix://".length) || DEFAULT_SOCKET;
    if (!socketPath.startsWith("/")) throw new TargetError(`${address}: a unix socket path must be absolute`);
    return { label: `unix://${socketPath}`, kind: "unix", socketPath };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TargetError(
      `${address}: not a Docker host address (unix:///path, tcp://host:port or ssh://[user@]host[:port])`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new TargetError(`${address}: no host name`);
  const portText = url.port;
  switch (url.protocol) {
    case "ssh:": {
      const port = portText ? Number(portText) : 22;
      const user = decodeURIComponent(url.username) || defaultSshUser(env);
      if (url.password)
        throw new TargetError(`${address}: passwords in ssh:// addresses are not supported; use a key or an agent`);
      return { label: `ssh://${user}@${url.hostname}${port === 22 ? "" : `:${port}`}`, kind: "ssh", host, port, user };
    }
    case "tcp:":
    case "http:":
    case "https:": {
      if (!portText && url.protocol === "tcp:")
        throw new TargetError(`${address}: a tcp address needs a port (2376 with TLS, 2375 without)`);
      const port = portText ? Number(portText) : url.protocol === "https:" ? 443 : 80;
      const tls = tlsFor(port, url.protocol === "https:", opts, env);
      return { label: `tcp://${url.hostname}:${port}`, kind: "tcp", host, port, ...(tls ? { tls } : {}) };
    }
    default:
      throw new TargetError(`${address}: unsupported scheme ${url.protocol} (use unix://, tcp:// or ssh://)`);
  }
}

/** TLS settings as the docker CLI derives them: flags first, then DOCKER_TLS_VERIFY / DOCKER_CERT_PATH. */
function tlsFor(port: number, https: boolean, o: ConnectOptions, env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const verify =
    o.tlsVerify ??
    (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== "" && env.DOCKER_TLS_VERIFY !== "0");
  const certPath = env.DOCKER_CERT_PATH || (verify || o.tls ? join(homedir(), ".docker") : undefined);
  const wanted =
    verify || o.tls || https || port === 2376 || o.tlsCaCert || o.tlsCert || o.tlsKey || env.DOCKER_CERT_PATH;
  if (!wanted) return undefined;
  // Files named by a flag must exist; default ones are used when present (as the docker CLI does).
  const file = (flag: string | undefined, name: string) =>
    flag ?? (certPath && existsSync(join(certPath, name)) ? join(certPath, name) : undefined);
  return {
    verify: verify || !!o.tlsCaCert,
    ca: file(o.tlsCaCert, "ca.pem"),
    cert: file(o.tlsCert, "cert.pem"),
    key: file(o.tlsKey, "key.pem"),
  };
}

// ───────────────────────────── connecting ─────────────────────────────

export interface EngineConnection {
  target: EngineTarget;
  docker: Docker;
  /** The SSH session of an ssh:// target (host probes run over it). */
  ssh?: SshSession;
  close(): void;
}

/**
 * Env variables docker-modem reads in its constructor: cleared while we build the client, so only our options count.
 */
const MODEM_ENV = [
  "DOCKER_HOST",
  "DOCKER_TLS_VERIFY",
  "DOCKER_CERT_PATH",
  "DOCKER_CLIENT_TIMEOUT",
  "DOCKER_PATH_PREFIX",
];

function newDocker(options: Docker.DockerOptions): Docker {
  const saved = MODEM_ENV.map((k) => [k, process.env[k]] as const);
  for (const k of MODEM_ENV) delete process.env[k];
  try {
    return new Docker(options);
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}

function readTlsFile(target: EngineTarget, what: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new AuditConnectionError(
      target.label,
      "tls",
      `cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/**
 * A client for the target (for ssh://, after the SSH session is up). Nothing is requested
 * here except for SSH; the first API call (`ping`) shows whether the engine answers.
 */
export async function connect(target: EngineTarget, o: ConnectOptions = {}): Promise<EngineConnection> {
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Every modem option is given, so nothing leaks in from the environment's DOCKER_* variables.
  // No http.Agent of our own where none is needed (see cheapToInspect for what one costs); callers
  // bound their own concurrency.
  const base = {
    host: undefined,
    port: undefined,
    socketPath: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    protocol: undefined,
    timeout,
    headers: {},
  } as unknown as Docker.DockerOptions;
  switch (target.kind) {
    case "unix":
      return { target, docker: newDocker({ ...base, socketPath: target.socketPath }), close: () => {} };
    case "tcp": {
      if (!target.tls)
        return {
          target,
          docker: newDocker({ ...base, host: target.host, port: target.port, protocol: "http" }),
          close: () => {},
        };
      const ca = readTlsFile(target, "CA certificate", target.tls.ca);
      const cert = readTlsFile(target, "client certificate", target.tls.cert);
      const key = readTlsFile(target, "client key", target.tls.key);
      if (target.tls.verify && !ca)
        throw new AuditConnectionError(
          target.label,
          "tls",
          "--tlsverify needs a CA certificate (--tlscacert or DOCKER_CERT_PATH/ca.pem)",
        );
      // --tls without verification (as the docker CLI's --tls) needs an agent that does not reject
      // the server's certificate.
      const agent = target.tls.verify
        ? undefined
        : cheapToInspect(new HttpsAgent({ keepAlive: true, ca, cert, key, rejectUnauthorized: false }));
      const docker = newDocker({
        ...base,
        host: target.host,
        port: target.port,
        protocol: "https",
        ca,
        cert,
        key,
        ...(agent ? { agent } : {}),
      } as Docker.DockerOptions);
      return { target, docker, close: () => agent?.destroy() };
    }
    case "ssh": {
      let ssh: SshSession;
      try {
        ssh = await SshSession.open({
          host: target.host!,
          port: target.port!,
          user: target.user!,
          timeoutMs: timeout,
          ...(o.sshIdentity ? { identityFile: o.sshIdentity } : {}),
          ...(o.sshKnownHosts ? { knownHostsFile: o.sshKnownHosts } : {}),
          env: o.env ?? process.env,
        });
      } catch (err) {
        throw new AuditConnectionError(target.label, "ssh", (err as Error).message);
      }
      const agent = ssh.httpAgent();
      // The host name in URLs is a stand-in: every socket is a dial-stdio channel of the session.
      const docker = newDocker({ ...base, host: "docker", port: 80, protocol: "http", agent } as Docker.DockerOptions);
      return {
        target,
        docker,
        ssh,
        close: () => {
          agent.destroy();
          ssh.close();
        },
      };
    }
  }
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EPIPE",
  "ENOTSOCK",
  "ESOCKETTIMEDOUT",
]);
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|ERR_OSSL)/;

/** Any error from talking to the engine → the one line the CLI prints (exit code 3). */
export function classifyError(target: EngineTarget, err: unknown): AuditConnectionError {
  if (err instanceof AuditConnectionError) return err;
  const e = err as NodeJS.ErrnoException & { statusCode?: number; reason?: string; json?: { message?: string } | null };
  const code = e?.code ?? "";
  const message = (e?.message ?? String(err)).split("\n")[0]!;
  // The label is already in the message: name the socket path only (it is the thing to check).
  const where = target.kind === "unix" ? `${target.socketPath}: ` : "";
  // The engine answered with something the adapters cannot read (a broken or foreign API).
  if ((err as Error)?.name === "AdapterError" || (err as Error)?.name === "DaemonConfigError")
    return new AuditConnectionError(target.label, "engine", message);
  if (err instanceof SshError || (target.kind === "ssh" && /dial-stdio|ssh/i.test(message)))
    return new AuditConnectionError(target.label, "ssh", message);
  if (code === "EACCES" || code === "EPERM")
    return new AuditConnectionError(
      target.label,
      "permission",
      `${where}${code} (is this user root or in the docker group?)`,
    );
  if (TLS_CODE.test(code) || /certificate|ssl|tls/i.test(message)) {
    // OpenSSL's own text is a long internal trace: keep its reason only.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
    const hint = /wrong version number/.test(reason) ? " (the engine does not speak TLS on this port)" : "";
    return new AuditConnectionError(
      target.label,
      "tls",
      `${code && !reason.includes(code) ? `${code}: ` : ""}${reason}${hint}`,
    );
  }
  if (e?.statusCode === 400 && /HTTPS server/i.test(`${message} ${JSON.stringify(e.json ?? "")}`)) {
    return new AuditConnectionError(
      target.label,
      "tls",
      "the engine expects TLS (use --tlsverify, DOCKER_TLS_VERIFY=1 or port 2376)",
    );
  }
  if (e?.statusCode === 401 || e?.statusCode === 403)
    return new AuditConnectionError(
      target.label,
      "permission",
      `the engine refused the request (HTTP ${e.statusCode}): ${e.json?.message ?? message}`,
    );
  if (UNREACHABLE_CODES.has(code)) {
    const hint =
      code === "ENOENT"
        ? " (no socket there: is dockerd running?)"
        : code === "ECONNREFUSED"
          ? " (nothing listens there)"
          : "";
    return new AuditConnectionError(target.label, "unreachable", `${where}${code}${hint}`);
  }
  if (/timeout/i.test(message))
    return new AuditConnectionError(target.label, "unreachable", `${where}no answer in time`);
  if (typeof e?.statusCode === "number")
    return new AuditConnectionError(
      target.label,
      "engine",
      `HTTP ${e.statusCode}: ${e.json?.message ?? e.reason ?? message}`,
    );
  return new AuditConnectionError(target.label, "unreachable", message);
}
