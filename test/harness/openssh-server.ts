/**
 * A throw-away OpenSSH server for the tests that prove what runs over SSH: Debian's
 * openssh-server (`npm test` installs it; HD_SSHD overrides the path), on 127.0.0.1, with fresh
 * ed25519 keys — the host key, a second host key that is *not* the server's (for refusals) and
 * a client key it accepts for root.
 *
 * sshd runs in a private mount namespace where /etc/passwd has the `sshd` privilege-separation
 * user; `namespaceSetup` adds mounts of the caller's there (e.g. an engine socket as the host's
 * default /run/docker.sock). Nothing on the machine is changed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHostKey, type HostKey } from "../../src/components/ssh-connection";

export const SSHD = process.env.HD_SSHD ?? "/usr/sbin/sshd";
/** sshd, the OpenSSH client and unshare are all here. */
export const HAVE_OPENSSH = existsSync(SSHD) && spawnSync("which", ["ssh", "ssh-keygen", "unshare"]).status === 0;

export interface OpenSshServer {
  dir: string;
  port: number;
  /** The server's host key, and one that is not the server's. */
  hostKey: HostKey;
  otherHostKey: HostKey;
  /** Path of the private key root logs in with. */
  clientKeyFile: string;
  /** Public key text of a key file in `dir` (`host_key.pub`, …). */
  publicKey(file: string): string;
  stop(): void;
}

export interface OpenSshServerOptions {
  port: number;
  /** More sshd_config lines (e.g. `SetEnv DOCKER_HOST=…`). */
  config?: string[];
  /** Shell commands run in sshd's mount namespace before it starts (its /run is private: a tmpfs). */
  namespaceSetup?: string;
}

export async function startOpenSshServer(options: OpenSshServerOptions): Promise<OpenSshServer> {
  const dir = mkdtempSync("/tmp/hd-ssh-");
  for (const k of ["host_key", "other_host_key", "client_key"])
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, k)]);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  writeFileSync(
    join(dir, "passwd"),
    readFileSync("/etc/passwd", "utf8") + "sshd:x:65533:65534::/run/sshd:/usr/sbin/nologin\n",
  );
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${options.port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      `PidFile ${join(dir, "sshd.pid")}`,
      ...(options.config ?? []),
    ].join("\n") + "\n",
  );
  chmodSync(dir, 0o700);
  // /run is a private tmpfs in the namespace: sshd's privilege-separation directory and whatever
  // the caller mounts there exist only for this server.
  const setup = [
    "mount --make-rprivate /",
    "mount -t tmpfs hd-ssh-run /run",
    "mkdir -p /run/sshd",
    `mount --bind ${dir}/passwd /etc/passwd`,
    options.namespaceSetup ?? "",
  ]
    .filter(Boolean)
    .join(" && ");
  const sshd: ChildProcess = spawn(
    "unshare",
    ["-m", "sh", "-c", `${setup} && exec ${SSHD} -D -f ${dir}/sshd_config -E ${dir}/sshd.log`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  sshd.stderr!.on("data", (d) => (stderr += d));
  const deadline = Date.now() + 10_000;
  while (!existsSync(join(dir, "sshd.pid"))) {
    const log = existsSync(join(dir, "sshd.log")) ? readFileSync(join(dir, "sshd.log"), "utf8") : "";
    if (Date.now() > deadline || sshd.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${log}${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const key = (file: string): HostKey => {
    const k = parseHostKey(readFileSync(join(dir, file), "utf8"));
    if (typeof k === "string") throw new Error(k);
    return k;
  };
  return {
    dir,
    port: options.port,
    hostKey: key("host_key.pub"),
    otherHostKey: key("other_host_key.pub"),
    clientKeyFile: join(dir, "client_key"),
    publicKey: (file) => readFileSync(join(dir, file), "utf8"),
    stop() {
      // sshd -D stays the process unshare exec'd into: its pid is the child's.
      if (sshd.pid && sshd.exitCode === null) sshd.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
