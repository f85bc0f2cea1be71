/**
 * One SSH session per audited `ssh://` host (ssh2, pure JavaScript): the Engine API travels over
 * `docker system dial-stdio` channels on it (as the docker CLI does), and host probes run as exec
 * channels on the same connection, so a host costs one handshake however many requests follow.
 *
 * The host key is always verified against known_hosts (plain or hashed entries, `[host]:port`
 * for other ports, `@revoked` honoured): an unknown or changed key is an SSH failure, never a
 * silent accept. Authentication: the key file given, else the agent (SSH_AUTH_SOCK), else the
 * default ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { Agent, type AgentOptions } from "node:http";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import type { Duplex } from "node:stream";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";

export interface SshOptions {
  host: string;
  port: number;
  user: string;
  /** Private key file; default: the agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFile?: string;
  /** known_hosts file; default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** An SSH problem, in one line (the caller turns it into exit code 3). */
export class SshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SshError";
  }
}

// ───────────────────────────── known_hosts ─────────────────────────────

export interface KnownHostKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, … */
  type: string;
  key: Buffer;
  revoked: boolean;
}

/** Does one known_hosts host pattern (plain, glob, or hashed `|1|salt|hash`) name `name`? */
function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  const re = new RegExp(
    "^" +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".") +
      "$",
    "i",
  );
  return re.test(name);
}

/**
 * The keys known_hosts text lists for `host` on `port` (OpenSSH's `[host]:port` form when the
 * port is not 22). A negated pattern (`!host`) excludes the line; `@cert-authority` lines are
 * skipped (certificates are not supported here).
 */
export function knownHostKeys(text: string, host: string, port: number): KnownHostKey[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const out: KnownHostKey[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith("@")) {
      if (fields[0] === "@revoked") revoked = true;
      else continue;
      fields = fields.slice(1);
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64) continue;
    const patterns = hosts.split(",");
    const negated = patterns.some((p) => p.startsWith("!") && patternMatches(p.slice(1), name));
    if (negated || !patterns.some((p) => !p.startsWith("!") && patternMatches(p, name))) continue;
    out.push({ type, key: Buffer.from(b64, "base64"), revoked });
  }
  return out;
}

/** The key type named inside an SSH public key blob (its first string). */
function blobType(blob: Buffer): string {
  if (blob.length < 4) return "";
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString("latin1");
}

// ───────────────────────────── the session ─────────────────────────────

function defaultIdentity(): string | undefined {
  for (const name of ["id_ed25519", "id_ecdsa", "id_rsa"]) {
    const path = join(homedir(), ".ssh", name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export class SshSession {
  private dialExit?: { code: number; stderr: () => string };

  /** Why the last `docker system dial-stdio` failed on the remote, when it did (read after the request failed). */
  get dialFailure(): string | undefined {
    if (!this.dialExit) return undefined;
    const said = this.dialExit.stderr().trim().split("\n")[0] || "no message";
    return (
      `docker system dial-stdio on the remote exited ${this.dialExit.code}: ` +
      `${said} (is the docker CLI installed there?)`
    );
  }

  private constructor(
    private readonly client: Client,
    readonly label: string,
  ) {}

  /** Connect and authenticate; rejects with an SshError naming what failed. */
  static async open(o: SshOptions): Promise<SshSession> {
    const env = o.env ?? process.env;
    const label = `ssh://${o.user}@${o.host}${o.port === 22 ? "" : `:${o.port}`}`;
    const knownHostsFile = o.knownHostsFile ?? join(homedir(), ".ssh", "known_hosts");
    let known: KnownHostKey[];
    try {
      known = knownHostKeys(readFileSync(knownHostsFile, "utf8"), o.host, o.port);
    } catch (err) {
      throw new SshError(
        `cannot read known hosts file ${knownHostsFile}: ` +
          `${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (the host key must be verified; ` +
          `pass --ssh-known-hosts FILE)`,
      );
    }
    if (known.filter((k) => !k.revoked).length === 0) {
      throw new SshError(
        `no host key for ${o.port === 22 ? o.host : `[${o.host}]:${o.port}`} in ${knownHostsFile} (add it, ` +
          `e.g. ssh-keyscan -p ${o.port} ${o.host} >> ${knownHostsFile}, after checking its fingerprint)`,
      );
    }
    let privateKey: Buffer | undefined;
    const identity = o.identityFile ?? (env.SSH_AUTH_SOCK ? undefined : defaultIdentity());
    if (identity) {
      try {
        privateKey = readFileSync(identity);
      } catch (err) {
        throw new SshError(
          `cannot read identity file ${identity}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    }
    let hostKeyProblem: string | undefined;
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.user,
      readyTimeout: o.timeoutMs,
      keepaliveInterval: 15_000,
      ...(privateKey ? { privateKey } : {}),
      ...(env.SSH_AUTH_SOCK && !o.identityFile ? { agent: env.SSH_AUTH_SOCK } : {}),
      // Offer only the key types known_hosts has for this host, so the server presents one we can check.
      algorithms: {
        serverHostKey: [...new Set(known.filter((k) => !k.revoked).flatMap((k) => hostKeyAlgorithms(k.type)))] as never,
      },
      hostVerifier: (key: Buffer) => {
        const match = known.find((k) => k.key.equals(key));
        if (match?.revoked) hostKeyProblem = `the host key (${blobType(key)}) is marked @revoked in ${knownHostsFile}`;
        else if (!match)
          hostKeyProblem =
            `the host key (${blobType(key)}) does not match ${knownHostsFile} — possible man-in-the-middle, ` +
            `or the host was reinstalled`;
        return match !== undefined && !match.revoked;
      },
    };
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => {
        // Probes are many small request/response exchanges: Nagle's algorithm would stall each one.
        client.setNoDelay(true);
        resolve();
      });
      client.once("error", (err: Error & { level?: string; code?: string }) => {
        if (hostKeyProblem) return reject(new SshError(hostKeyProblem));
        if (err.level === "client-authentication") {
          const tried = identity
            ? `key ${identity}`
            : env.SSH_AUTH_SOCK
              ? "the ssh agent"
              : "no key: pass --ssh-identity FILE or run an ssh agent";
          return reject(new SshError(`authentication as ${o.user} failed (tried ${tried})`));
        }
        if (err.level === "client-timeout") return reject(new SshError(`no SSH handshake within ${o.timeoutMs} ms`));
        reject(new SshError(err.code ? `${err.code} (${err.message})` : err.message));
      });
      client.connect(config);
    });
    return new SshSession(client, label);
  }

  /** Run a command; resolves with its exit code and output (stdout as a Buffer). */
  exec(command: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) return reject(new SshError(`exec failed: ${err.message}`));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code = 0;
        channel.on("data", (d: Buffer) => out.push(d));
        channel.stderr.on("data", (d: Buffer) => errOut.push(d));
        channel.on("exit", (c: number | null) => (code = c ?? 255));
        channel.on("close", () =>
          resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(errOut).toString("utf8") }),
        );
      });
    });
  }

  /** A raw stream to the remote engine (`docker system dial-stdio`). */
  dialDocker(): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec("docker system dial-stdio", (err, channel) => {
        if (err) return reject(new SshError(`docker system dial-stdio: ${err.message}`));
        // A remote without the docker CLI (or whose engine is down) says so on stderr and exits;
        // the HTTP client only sees the stream end, so keep the remote's words for the error line.
        let stderr = "";
        channel.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        channel.on("exit", (code: number | null) => {
          // stderr may still be arriving: the message is composed when it is read.
          if (code) this.dialExit = { code, stderr: () => stderr };
        });
        resolve(channel);
      });
    });
  }

  /**
   * An http.Agent whose sockets are dial-stdio channels on this session, kept alive and reused
   * (sshd allows 10 sessions per connection by default: stay below it).
   */
  httpAgent(maxSockets = 6): Agent {
    const agent = cheapToInspect(new Agent({ keepAlive: true, maxSockets } as AgentOptions));
    (
      agent as unknown as { createConnection: (o: unknown, cb: (err: Error | null, s?: Duplex) => void) => void }
    ).createConnection = (_opts, cb) => {
      this.dialDocker().then(
        (ch) => cb(null, asSocket(ch)),
        (err: Error) => cb(err),
      );
    };
    return agent;
  }

  close(): void {
    this.client.end();
  }
}

/**
 * docker-modem formats every request's options with `util.inspect(…, { showHidden: true, depth:
 * null })` for a debug line, even with debugging off: an agent in there is walked with all its
 * sockets on every request (measured: 15 ms per request instead of 0.4 ms). A short custom
 * inspection keeps that cheap.
 */
export function cheapToInspect<T extends object>(agent: T): T {
  Object.defineProperty(agent, inspect.custom, { value: () => "[Agent]" });
  return agent;
}

/**
 * A channel standing in for a net.Socket: http's keep-alive agent calls socket methods a channel
 * lacks (setKeepAlive, unref, …); on a channel they have nothing to do.
 */
function asSocket(channel: ClientChannel): Duplex {
  const s = channel as unknown as Record<string, unknown>;
  for (const m of ["setKeepAlive", "setNoDelay", "setTimeout", "ref", "unref"]) {
    if (typeof s[m] !== "function") s[m] = () => channel;
  }
  return channel;
}

/** Host-key algorithms that present a key of this type. */
function hostKeyAlgorithms(type: string): string[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}

/** The user for `ssh://host` without one: like ssh, the local user. */
export function defaultSshUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "root";
  }
}
