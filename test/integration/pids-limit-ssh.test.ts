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
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { knownHostsLine, providerSshOpts } from "../../src/components/secure-daemon";
import { hostCommand } from "../../src/components/ssh-connection";
import {
  LOCAL_ENGINE_ENV,
  renderEnginePidsLimitCommand,
  renderHostPidsLimitCommand,
  renderPidsLimitCommand,
} from "../../src/scripts/pids-limit";
import {
  cleanupEngineObjects,
  createContainer,
  docker,
  engineSocketPath,
  TEST_IMAGE,
  uniqueName,
} from "../harness/engine";
import { ENGINE_ROOT, parseEngineEnv, TEST_ENGINE_SCRIPT } from "../harness/engine-env";
import { HAVE_OPENSSH, SSHD, startOpenSshServer, type OpenSshServer } from "../harness/openssh-server";
import { processAlive } from "../harness/data-root-host";

const PORT = 21000 + (process.pid % 10000);
if (!HAVE_OPENSSH)
  console.warn(
    `pids-limit-ssh: no sshd at ${SSHD} (install openssh-server or set HD_SSHD): the PIDs limit over SSH is not tested`,
  );
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
      [
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        `UserKnownHostsFile=${knownHosts}`,
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-i",
        server.clientKeyFile,
        "-p",
        String(PORT),
        "-l",
        "root",
        "127.0.0.1",
        command,
      ],
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

  it("the SSH session points docker elsewhere: the bare command fails and changes nothing (control)", async () => {
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

/**
 * HardenedContainer created through SecureDaemon's provider (ssh://root@host:port, host key pinned
 * by its ssh options), without hostConnection or dockerHost: the PIDs-limit command runs on the
 * deploying machine — here, with DOCKER_HOST pointing at the suite's engine (the "first" engine) —
 * and must reach the provider's engine (a second engine, started here, whose socket is the
 * default /run/docker.sock of sshd's namespace) through the docker CLI's ssh transport. The text
 * run is the component's (renderEnginePidsLimitCommand with providerSshOpts, as the unit test shows
 * it is built), through /bin/sh -c as command.local.Command runs it.
 */
const SECOND_PORT = PORT + 1;
const SECOND_TAG = "pids-second";
const alive = processAlive;

maybe("HardenedContainer through a SecureDaemon's provider: the PIDs limit lands on the provider's engine", () => {
  const dir = join(ENGINE_ROOT, `${SECOND_TAG}-${process.pid}`);
  let server: OpenSshServer;
  let second: Docker;
  let onSecond = "";
  let onFirst = "";

  const limitOn = async (engine: Docker, id: string) =>
    (await engine.getContainer(id).inspect()).HostConfig.PidsLimit ?? null;
  /**
   * The command as command.local.Command runs it: /bin/sh -c, the deploying environment's
   * DOCKER_HOST (the first engine).
   */
  const runLocally = (text: string) =>
    spawnSync("/bin/sh", ["-c", text], { encoding: "utf8", timeout: 60_000, env: { ...process.env } });
  const sshOpts = (key = server.hostKey) => providerSshOpts(key, { identityFile: server.clientKeyFile });
  const dockerHost = () => `ssh://root@127.0.0.1:${SECOND_PORT}`;

  beforeAll(async () => {
    if (existsSync(ENGINE_ROOT))
      for (const e of readdirSync(ENGINE_ROOT)) {
        const m = new RegExp(`^${SECOND_TAG}-(\\d+)$`).exec(e);
        if (m && !alive(Number(m[1])))
          spawnSync("bash", [TEST_ENGINE_SCRIPT, "stop", join(ENGINE_ROOT, e)], { stdio: "ignore" });
      }
    execFileSync("bash", [TEST_ENGINE_SCRIPT, "start", dir], { stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
    const env = parseEngineEnv(readFileSync(join(dir, "env"), "utf8"));
    const secondSocket = env.DOCKER_HOST.slice("unix://".length);
    second = new Docker({ socketPath: secondSocket });
    const c = await second.createContainer({
      name: uniqueName("pids-second"),
      Image: TEST_IMAGE,
      Cmd: ["sleep", "3600"],
    });
    await c.start();
    onSecond = c.id;
    onFirst = await createContainer({ hint: "pids-first", Cmd: ["sleep", "3600"], start: true });
    server = await startOpenSshServer({
      port: SECOND_PORT,
      namespaceSetup: `touch /run/docker.sock && mount --bind ${secondSocket} /run/docker.sock`,
    });
  }, 240_000);

  afterAll(async () => {
    server?.stop();
    spawnSync("bash", [TEST_ENGINE_SCRIPT, "stop", dir], { stdio: "ignore", timeout: 120_000 });
    await cleanupEngineObjects();
  }, 180_000);

  it(
    "the deploying environment's engine is the first one: " +
      "the old command targets it and misses the container (control)",
    async () => {
      expect(process.env.DOCKER_HOST).toBe(`unix://${engineSocketPath()}`);
      const old = runLocally(renderPidsLimitCommand(onSecond, 64));
      expect(old.status).not.toBe(0);
      expect(old.stderr).toMatch(/No such container/i);
      expect([null, 0, -1]).toContain(await limitOn(second, onSecond));
    },
  );

  it("nothing runs when the engine's host key is not the pinned one", async () => {
    const refused = runLocally(
      renderEnginePidsLimitCommand(onSecond, 32, { dockerHost: dockerHost(), sshOpts: sshOpts(server.otherHostKey) }),
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("Host key verification failed");
    expect([null, 0, -1]).toContain(await limitOn(second, onSecond));
  });

  it("the component's command sets the limit on the provider's engine, and leaves the first engine alone", async () => {
    const firstBefore = await docker().getContainer(onFirst).inspect();
    const run = runLocally(
      renderEnginePidsLimitCommand(onSecond, 64, { dockerHost: dockerHost(), sshOpts: sshOpts() }),
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(await limitOn(second, onSecond)).toBe(64);
    // Again (a re-run or replace of the command): same result; the wrapper's directory is gone each time.
    expect(
      runLocally(renderEnginePidsLimitCommand(onSecond, 64, { dockerHost: dockerHost(), sshOpts: sshOpts() })).status,
    ).toBe(0);
    expect(await limitOn(second, onSecond)).toBe(64);
    const firstAfter = await docker().getContainer(onFirst).inspect();
    expect(firstAfter.HostConfig.PidsLimit ?? null).toEqual(firstBefore.HostConfig.PidsLimit ?? null);
    // The container id exists on the second engine only.
    await expect(docker().getContainer(onSecond).inspect()).rejects.toThrow(/no such container/i);
  });
});
