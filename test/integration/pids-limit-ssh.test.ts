/**
 * HardenedContainer with `hostConnection` applies the PIDs limit (CIS 5.29) on the Docker host
 * over SSH: the command it gives `command.remote.Command` (hostCommand(renderHostPidsLimitCommand),
 * exactly as the component builds it) is run here over a real SSH connection to a throw-away
 * sshd (test/harness/openssh-server.ts) with the host key pinned, the way the command provider
 * runs it (one exec request), and the limit is read back from the real engine.
 *
 * The "Docker host" is sshd's mount namespace, where the test engine's socket is the default
 * /run/docker.sock, and every session carries DOCKER_HOST and DOCKER_CONTEXT pointing elsewhere,
 * and a DOCKER_CONFIG whose current context is elsewhere too (sshd's SetEnv): the command reaches
 * the host's own engine only because it unsets the first two and asks for the default context.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { knownHostsLine } from "../../src/components/secure-daemon";
import { hostCommand } from "../../src/components/ssh-connection";
import { LOCAL_ENGINE_ENV, renderHostPidsLimitCommand, renderPidsLimitCommand } from "../../src/scripts/pids-limit";
import { cleanupEngineObjects, createContainer, docker, engineSocketPath } from "../harness/engine";
import { HAVE_OPENSSH, SSHD, startOpenSshServer, type OpenSshServer } from "../harness/openssh-server";

const PORT = 21000 + (process.pid % 10000);
if (!HAVE_OPENSSH) console.warn(`pids-limit-ssh: no sshd at ${SSHD} (install openssh-server or set HD_SSHD): the PIDs limit over SSH is not tested`);
const maybe = HAVE_OPENSSH ? describe : describe.skip;

maybe("HardenedContainer hostConnection: the PIDs limit applied on the Docker host over SSH", () => {
  let server: OpenSshServer;
  let id = "";
  let dockerConfig = "";

  /** One exec request over SSH, host key pinned (as the command provider's `connection.hostKey` does). */
  function overSsh(command: string, pinned = server.hostKey) {
    const knownHosts = join(server.dir, "known_hosts");
    writeFileSync(knownHosts, knownHostsLine("127.0.0.1", PORT, pinned) + "\n");
    return spawnSync(
      "ssh",
      ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null", "-i", server.clientKeyFile, "-p", String(PORT), "-l", "root", "127.0.0.1", command],
      { encoding: "utf8", timeout: 30_000 },
    );
  }
  const pidsLimit = async () => (await docker().getContainer(id).inspect()).HostConfig.PidsLimit ?? null;

  beforeAll(async () => {
    id = await createContainer({ hint: "pids-ssh", Cmd: ["sleep", "3600"], start: true });
    dockerConfig = mkdtempSync("/tmp/hd-docker-config-");
    writeFileSync(join(dockerConfig, "config.json"), JSON.stringify({ currentContext: "hd-configured-elsewhere" }));
    server = await startOpenSshServer({
      port: PORT,
      config: [`SetEnv DOCKER_HOST=tcp://127.0.0.1:9 DOCKER_CONTEXT=hd-elsewhere DOCKER_CONFIG=${dockerConfig}`],
      namespaceSetup: `touch /run/docker.sock && mount --bind ${engineSocketPath()} /run/docker.sock`,
    });
  });

  afterAll(async () => {
    server?.stop();
    if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
    await cleanupEngineObjects();
  });

  it("the SSH session points docker elsewhere: the bare command fails there and changes nothing (control)", async () => {
    const bare = overSsh(renderPidsLimitCommand(id, 64));
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toMatch(/hd-elsewhere|127\.0\.0\.1:9/);
    // Without DOCKER_HOST and DOCKER_CONTEXT, the docker config's current context still points elsewhere.
    const unset = overSsh(`${LOCAL_ENGINE_ENV} ${renderPidsLimitCommand(id, 64)}`);
    expect(unset.status).not.toBe(0);
    expect(unset.stderr).toContain("hd-configured-elsewhere");
    expect([null, 0, -1]).toContain(await pidsLimit());
  });

  it("the component's command reaches the host's own engine and sets the limit", async () => {
    const create = hostCommand(renderHostPidsLimitCommand(id, 64), false);
    const run = overSsh(create);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(await pidsLimit()).toBe(64);
    // Run again (a replace or a re-run of the command): same result.
    expect(overSsh(hostCommand(renderHostPidsLimitCommand(id, 64), false)).status).toBe(0);
    expect(await pidsLimit()).toBe(64);
  });

  // The refusal is OpenSSH's, checking the pinned key as a known_hosts line: the command provider's
  // own hostKey check (Go's ssh client) cannot run here.
  it("nothing runs on a host whose key is not the pinned one", async () => {
    const refused = overSsh(hostCommand(renderHostPidsLimitCommand(id, 32), false), server.otherHostKey);
    expect(refused.status).toBe(255);
    expect(refused.stderr).toContain("Host key verification failed");
    expect(await pidsLimit()).toBe(64);
  });
});
