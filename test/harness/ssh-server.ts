/**
 * A small SSH server for the ssh:// audit tests (ssh2's server, pure JavaScript; no OpenSSH
 * needed): public-key authentication for one key, a fresh ed25519 host key, and two kinds of
 * exec request — `docker system dial-stdio` is joined to a Docker engine's unix socket (what the
 * docker CLI does on the remote side), anything else runs under `sh -c` on this machine (the host
 * probes: cat, stat, ls, readlink). Listens on 127.0.0.1, on a port the system picks.
 */
import { spawn } from "node:child_process";
import { connect as netConnect, type AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { Server, utils, type ParsedKey } from "ssh2";

export interface TestSshServer {
  port: number;
  /** The known_hosts line for this server's host key. */
  knownHostsLine: string;
  /** OpenSSH private key text a client may authenticate with. */
  clientPrivateKey: string;
  /** Commands the server was asked to run (for assertions). */
  commands: string[];
  close(): Promise<void>;
}

function parse(text: string): ParsedKey {
  const key = utils.parseKey(text);
  if (key instanceof Error) throw key;
  return Array.isArray(key) ? key[0]! : key;
}

/** `dockerSocket` undefined: a host without the docker CLI (dial-stdio fails as `sh` would). */
export async function startSshServer(dockerSocket: string | undefined): Promise<TestSshServer> {
  const hostKey = utils.generateKeyPairSync("ed25519");
  const client = utils.generateKeyPairSync("ed25519");
  // Public halves are derived from the private keys: ssh2's generated public text is occasionally unparsable.
  const allowed = parse(client.private);
  const host = parse(hostKey.private);
  const commands: string[] = [];

  const server = new Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on("authentication", (ctx) => {
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      const blob = allowed.getPublicSSH();
      const sameKey =
        ctx.key.algo === allowed.type && ctx.key.data.length === blob.length && timingSafeEqual(ctx.key.data, blob);
      if (!sameKey) return ctx.reject();
      // Without a signature the client only asks whether the key would do; with one, check it.
      if (ctx.signature && allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
      ctx.accept();
    });
    conn.on("ready", () => {
      (conn as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true); // missing from the typings
      conn.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("exec", (acceptExec, _reject, info) => {
          const channel = acceptExec();
          commands.push(info.command);
          if (info.command === "docker system dial-stdio") {
            if (dockerSocket === undefined) {
              channel.stderr.write("sh: 1: docker: not found\n");
              channel.exit(127);
              channel.end();
              return;
            }
            const sock = netConnect(dockerSocket);
            channel.pipe(sock).pipe(channel);
            sock.on("error", () => channel.close());
            channel.on("close", () => sock.destroy());
            return;
          }
          const child = spawn("sh", ["-c", info.command], { stdio: ["ignore", "pipe", "pipe"] });
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          child.on("close", (code) => {
            channel.exit(code ?? 255);
            channel.end();
          });
        });
      });
    });
    conn.on("error", () => {});
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    knownHostsLine: `[127.0.0.1]:${port} ${host.type} ${host.getPublicSSH().toString("base64")}`,
    clientPrivateKey: client.private,
    commands,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
