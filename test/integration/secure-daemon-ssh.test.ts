/**
 * The ssh options SecureDaemon gives its docker.Provider pin the host key: OpenSSH's `ssh`, run
 * the way docker's ssh transport runs it (options, then `-l USER -p PORT -- HOST COMMAND`),
 * connects to a throw-away sshd whose key is pinned and refuses one whose key is not — both with
 * KnownHostsCommand (the default) and with a known_hosts file (provider.knownHostsFile).
 *
 * The server is test/harness/openssh-server.ts (Debian's openssh-server, which `npm test`
 * installs); without an sshd the tests are skipped, saying so.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { knownHostsLine, providerSshOpts } from "../../src/components/secure-daemon";
import { HAVE_OPENSSH, SSHD, startOpenSshServer, type OpenSshServer } from "../harness/openssh-server";

const PORT = 20000 + (process.pid % 10000);
if (!HAVE_OPENSSH)
  console.warn(
    `secure-daemon-ssh: no sshd at ${SSHD} (install openssh-server or set HD_SSHD): ` +
      `provider host-key pinning not tested`,
  );
const maybe = HAVE_OPENSSH ? describe : describe.skip;

maybe("SecureDaemon provider ssh options against a real sshd", () => {
  let server: OpenSshServer;
  /** ssh as docker's connhelper runs it. */
  const connect = (opts: string[]) =>
    spawnSync(
      "ssh",
      [...opts, "-o", "BatchMode=yes", "-l", "root", "-p", String(PORT), "--", "127.0.0.1", "echo", "pinned-ok"],
      { encoding: "utf8", timeout: 20_000 },
    );

  beforeAll(async () => {
    server = await startOpenSshServer({ port: PORT });
  });

  afterAll(() => server?.stop());

  it("connects to the pinned host and refuses another key (KnownHostsCommand)", () => {
    const ok = connect(providerSshOpts(server.hostKey, { identityFile: server.clientKeyFile }));
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("pinned-ok");
    const refused = connect(providerSshOpts(server.otherHostKey, { identityFile: server.clientKeyFile }));
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain("Host key verification failed");
  });

  it("connects to the pinned host and refuses another key (known_hosts file)", () => {
    const file = join(server.dir, "known_hosts");
    writeFileSync(file, knownHostsLine("127.0.0.1", PORT, server.hostKey) + "\n");
    expect(
      connect(
        providerSshOpts(server.hostKey, { identityFile: server.clientKeyFile, knownHostsFile: file }),
      ).stdout.trim(),
    ).toBe("pinned-ok");
    writeFileSync(file, knownHostsLine("127.0.0.1", PORT, server.otherHostKey) + "\n");
    const refused = connect(
      providerSshOpts(server.otherHostKey, { identityFile: server.clientKeyFile, knownHostsFile: file }),
    );
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain("Host key verification failed");
  });
});
