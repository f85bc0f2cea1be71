/**
 * The ssh options SecureDaemon gives its docker.Provider pin the host key: OpenSSH's `ssh`, run
 * the way docker's ssh transport runs it (options, then `-l USER -p PORT -- HOST COMMAND`),
 * connects to a throw-away sshd whose key is pinned and refuses one whose key is not — both with
 * KnownHostsCommand (the default) and with a known_hosts file (provider.knownHostsFile).
 *
 * Needs an sshd binary: /usr/sbin/sshd (Debian's openssh-server), or HD_SSHD. Without one the
 * tests are skipped, saying so. sshd runs in a private mount namespace where /etc/passwd has the
 * `sshd` privilege-separation user, so the machine's user list is never changed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { knownHostsLine, providerSshOpts } from "../../src/components/secure-daemon";
import { parseHostKey, type HostKey } from "../../src/components/ssh-connection";

const SSHD = process.env.HD_SSHD ?? "/usr/sbin/sshd";
const HAVE_SSHD = existsSync(SSHD) && spawnSync("which", ["ssh", "ssh-keygen", "unshare"]).status === 0;
const PORT = 20000 + (process.pid % 10000);
if (!HAVE_SSHD) console.warn(`secure-daemon-ssh: no sshd at ${SSHD} (install openssh-server or set HD_SSHD): provider host-key pinning not tested`);
const maybe = HAVE_SSHD ? describe : describe.skip;

maybe("SecureDaemon provider ssh options against a real sshd", () => {
  let dir = "";
  let sshd: ChildProcess | undefined;
  const key = (file: string): HostKey => {
    const k = parseHostKey(readFileSync(join(dir, file), "utf8"));
    if (typeof k === "string") throw new Error(k);
    return k;
  };
  /** ssh as docker's connhelper runs it. */
  const connect = (opts: string[]) =>
    spawnSync("ssh", [...opts, "-o", "BatchMode=yes", "-l", "root", "-p", String(PORT), "--", "127.0.0.1", "echo", "pinned-ok"], { encoding: "utf8", timeout: 20_000 });

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/hd-ssh-");
    for (const k of ["host_key", "other_host_key", "client_key"]) spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, k)]);
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
    writeFileSync(join(dir, "passwd"), readFileSync("/etc/passwd", "utf8") + "sshd:x:65533:65534::/run/sshd:/usr/sbin/nologin\n");
    writeFileSync(
      join(dir, "sshd_config"),
      [`Port ${PORT}`, "ListenAddress 127.0.0.1", `HostKey ${join(dir, "host_key")}`, `AuthorizedKeysFile ${join(dir, "authorized_keys")}`, "UsePAM no", "PermitRootLogin prohibit-password", "StrictModes no", `PidFile ${join(dir, "sshd.pid")}`].join("\n") + "\n",
    );
    chmodSync(dir, 0o700);
    mkdirSync("/run/sshd", { recursive: true });
    sshd = spawn("unshare", ["-m", "sh", "-c", `mount --bind ${dir}/passwd /etc/passwd && exec ${SSHD} -D -f ${dir}/sshd_config -E ${dir}/sshd.log`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    sshd.stderr!.on("data", (d) => (stderr += d));
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, "sshd.pid"))) {
      const log = existsSync(join(dir, "sshd.log")) ? readFileSync(join(dir, "sshd.log"), "utf8") : "";
      if (Date.now() > deadline || sshd.exitCode !== null) throw new Error(`sshd did not start: ${log}${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(() => {
    // sshd -D stays the process unshare exec'd into: its pid is the child's.
    if (sshd?.pid && sshd.exitCode === null) sshd.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("connects to the pinned host and refuses another key (KnownHostsCommand)", () => {
    const ok = connect(providerSshOpts(key("host_key.pub"), { identityFile: join(dir, "client_key") }));
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("pinned-ok");
    const refused = connect(providerSshOpts(key("other_host_key.pub"), { identityFile: join(dir, "client_key") }));
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain("Host key verification failed");
  });

  it("connects to the pinned host and refuses another key (known_hosts file)", () => {
    const file = join(dir, "known_hosts");
    writeFileSync(file, knownHostsLine("127.0.0.1", PORT, key("host_key.pub")) + "\n");
    expect(connect(providerSshOpts(key("host_key.pub"), { identityFile: join(dir, "client_key"), knownHostsFile: file })).stdout.trim()).toBe("pinned-ok");
    writeFileSync(file, knownHostsLine("127.0.0.1", PORT, key("other_host_key.pub")) + "\n");
    const refused = connect(providerSshOpts(key("other_host_key.pub"), { identityFile: join(dir, "client_key"), knownHostsFile: file }));
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain("Host key verification failed");
  });
});
