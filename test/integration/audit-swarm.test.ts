/**
 * CIS 7.2 on a real swarm: the Engine API does not say where swarm management listens, so the
 * audit reads dockerd's listening sockets (/proc/PID/net/tcp{,6}, its network namespace). An
 * engine of its own (swarm mode would change every other audit test's findings).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runAudit } from "../../src/audit/run";
import { ENGINE_ROOT, parseEngineEnv, TEST_ENGINE_SCRIPT } from "../harness/engine-env";

const DIR = join(ENGINE_ROOT, `swarm-${process.pid}`);
let host = "";

const docker = (...args: string[]) =>
  execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: host }, encoding: "utf8", timeout: 90_000 });

beforeAll(() => {
  mkdirSync(ENGINE_ROOT, { recursive: true });
  execFileSync("bash", [TEST_ENGINE_SCRIPT, "start", DIR], { stdio: ["ignore", "pipe", "inherit"], timeout: 120_000 });
  host = parseEngineEnv(readFileSync(join(DIR, "env"), "utf8")).DOCKER_HOST!;
}, 180_000);

afterAll(() => {
  if (host) docker("swarm", "leave", "--force");
  execFileSync("bash", [TEST_ENGINE_SCRIPT, "stop", DIR], {
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 120_000,
  });
}, 180_000);

async function finding72(hostProbe: "auto" | "none" = "auto") {
  const report = await runAudit({ hosts: [host], hostProbe });
  const f = report.hosts[0]!.findings.find((x) => x.ruleId === "7.2")!;
  return { status: f.status, text: JSON.stringify(f.verdict) };
}

it("a swarm initialised with the defaults listens on every interface: 7.2 fails with the socket seen", async () => {
  docker("swarm", "init", "--advertise-addr", "127.0.0.1");
  const f = await finding72();
  expect(f.status).toBe("fail");
  expect(f.text).toMatch(/\[::\]:2377|0\.0\.0\.0:2377/);
  docker("swarm", "leave", "--force");
});

it("one initialised with --listen-addr passes; without host probes it is not evaluated (no guess)", async () => {
  docker("swarm", "init", "--listen-addr", "127.0.0.1:2377", "--advertise-addr", "127.0.0.1");
  const f = await finding72();
  expect(f).toEqual({ status: "pass", text: expect.stringContaining("listens on 127.0.0.1:2377") });
  const blind = await finding72("none");
  expect(blind.status).toBe("unknown");
  expect(blind.text).toContain("/proc/PID/net/tcp");
});
