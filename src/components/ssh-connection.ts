/**
 * The SSH connection SecureDaemon and HardenedHost share: its argument type and schema, the
 * host-name and host-key checks, and the `remote.Command` connection built from it (private key
 * always secret, host key pinned unless exempted).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";
import { z } from "zod";
import { shellQuote } from "../scripts/quote";
import { howToExempt, inputString } from "./args";
import { SSH_HOST_KEY_EXEMPTION } from "../exemptions";

/**
 * Exemption id for connecting without a pinned SSH host key
 * (not a catalog rule: it concerns the deployment, not the host).
 */
export { SSH_HOST_KEY_EXEMPTION };

/** How SecureDaemon and HardenedHost reach a Docker host over SSH: private key always secret, host key pinned. */
export interface SshConnection {
  /**
   * Host name or IP address of the Docker host (an Output is validated when it resolves).
   * @cis none where the host scripts run
   */
  host: pulumi.Input<string>;
  /**
   * SSH port. Default 22.
   * @cis none how the host is reached
   */
  port?: number;
  /**
   * SSH user. Default "root"; any other user needs `sudo: true` (the scripts run as root).
   * @cis none how the host is reached
   */
  user?: string;
  /**
   * The SSH private key (OpenSSH or PEM text). Always stored as a secret; never in command text or outputs.
   * @cis none deployment credential (always a secret)
   */
  privateKey: pulumi.Input<string>;
  /**
   * The host's SSH public key, as in known_hosts/authorized_keys: "ssh-ed25519 AAAA…" (a trailing
   * comment is dropped). Pinned for every command and for the provider. Leaving it out needs an
   * exemption for "hd-ssh-host-key" (the commands then accept any host key).
   * @cis none deployment security, not a CIS item (its exemption id is hd-ssh-host-key)
   */
  hostKey?: pulumi.Input<string>;
  /**
   * Run the host scripts through `sudo -n` (for a user with passwordless sudo). Default false.
   * @cis none how the host scripts gain root
   */
  sudo?: boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** A POSIX user name as useradd accepts it. */
export const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export const connectionSchema = z.strictObject({
  host: inputString("a host name or IP address"),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().regex(USER, "must be a user name ([a-z_][a-z0-9_-]*)").optional(),
  privateKey: inputString("the SSH private key text"),
  hostKey: inputString('the host\'s public key, "TYPE BASE64"').optional(),
  sudo: z.boolean().optional(),
});

/** Why `host` is not a host name or IP address, or undefined. */
export function hostProblem(host: unknown): string | undefined {
  if (typeof host !== "string") return "must be a string";
  return HOSTNAME.test(host) || isIP(host) !== 0 ? undefined : "must be a host name or an IP address";
}

/** Host key types OpenSSH servers offer, and the algorithms that verify them. */
export const HOST_KEY_ALGORITHMS: Record<string, string> = {
  "ssh-ed25519": "ssh-ed25519",
  "ecdsa-sha2-nistp256": "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384": "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521": "ecdsa-sha2-nistp521",
  "ssh-rsa": "rsa-sha2-512,rsa-sha2-256",
};

export interface HostKey {
  type: string;
  base64: string;
}

/**
 * Parse "TYPE BASE64 [comment]" (known_hosts without the host field, or authorized_keys), and
 * check that the blob really is a key of that type (its first field names the type).
 */
export function parseHostKey(text: string): HostKey | string {
  if (typeof text !== "string") return "must be a string";
  const [type, b64] = text.trim().split(/[ \t]+/);
  if (!type || !(type in HOST_KEY_ALGORITHMS))
    return `must start with a key type (${Object.keys(HOST_KEY_ALGORITHMS).join(", ")}), like "ssh-ed25519 AAAA…"`;
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
    return "must have the key in base64 after the type";
  const blob = Buffer.from(b64, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len !== type.length || blob.subarray(4, 4 + len).toString("latin1") !== type)
    return `the base64 key is not a ${type} key`;
  return { type, base64: b64 };
}

/** The command text that runs a host script, through `sudo -n` when asked. */
export function hostCommand(script: string, sudo: boolean): string {
  return sudo ? `sudo -n -- sh -c ${shellQuote(script)}` : script;
}

/** The connection with its defaults applied. */
export interface ResolvedConnection {
  port: number;
  user: string;
  sudo: boolean;
}

/**
 * Check the plain parts of a connection (Outputs are checked when they resolve, by
 * `remoteConnection`). `risk` completes "without it any host could answer as this one and …".
 * `hostKeyExemptable` is false where no exemption can be carried for it (a container's labels
 * hold catalog rules only): the host key is then required.
 */
export function checkConnection(
  c: SshConnection,
  exempt: ReadonlySet<string>,
  risk: string,
  hostKeyExemptable = true,
): { problems: string[]; resolved: ResolvedConnection } {
  const problems: string[] = [];
  const resolved = { user: c.user ?? "root", sudo: c.sudo ?? false, port: c.port ?? 22 };
  if (typeof c.host === "string" && hostProblem(c.host))
    problems.push(`connection.host = ${JSON.stringify(c.host)}: ${hostProblem(c.host)}`);
  if (typeof c.hostKey === "string") {
    const key = parseHostKey(c.hostKey);
    if (typeof key === "string") problems.push(`connection.hostKey: ${key}`);
  }
  if (c.hostKey === undefined && !(hostKeyExemptable && exempt.has(SSH_HOST_KEY_EXEMPTION)))
    problems.push(
      `connection.hostKey: missing; without it any host could answer as this one and ${risk}. ` +
        `Give the host's public key ("ssh-ed25519 AAAA…", from /etc/ssh/ssh_host_ed25519_key.pub).` +
        (hostKeyExemptable ? ` ${howToExempt(SSH_HOST_KEY_EXEMPTION)}` : ""),
    );
  if (resolved.user !== "root" && !resolved.sudo)
    problems.push(
      `connection.user = ${JSON.stringify(resolved.user)}: the host scripts run as root; ` +
        "connect as root or set connection.sudo: true",
    );
  return { problems, resolved };
}

/**
 * The `remote.Command` connection: host and host key validated when they resolve (`fail` raises
 * the component's ResourceError), the private key always secret, the host key pinned when given.
 */
export function remoteConnection(
  c: SshConnection,
  resolved: ResolvedConnection,
  fail: (message: string) => never,
): { connection: command.types.input.remote.ConnectionArgs; hostKey?: pulumi.Output<HostKey> } {
  const host = pulumi
    .output(c.host)
    .apply((h) => (hostProblem(h) ? fail(`connection.host = ${JSON.stringify(h)}: ${hostProblem(h)}`) : h));
  const hostKey =
    c.hostKey === undefined
      ? undefined
      : pulumi.output(c.hostKey).apply((k) => {
          const parsed = parseHostKey(k);
          return typeof parsed === "string" ? fail(`connection.hostKey: ${parsed}`) : parsed;
        });
  const connection: command.types.input.remote.ConnectionArgs = {
    host,
    port: resolved.port,
    user: resolved.user,
    privateKey: pulumi.secret(c.privateKey),
    ...(hostKey ? { hostKey: hostKey.apply((k) => `${k.type} ${k.base64}`) } : {}),
  };
  return hostKey ? { connection, hostKey } : { connection };
}
