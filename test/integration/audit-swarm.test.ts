/**
 * CIS 7.2 on a real swarm: the Engine API does not say where swarm management listens, so the
 * audit reads dockerd's listening sockets (/proc/PID/net/tcp{,6}, its network namespace). An
 * engine of its own (swarm mode would change every other audit test's findings).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runAudit } from "../../src/audit/run";
import { planHardenedNetwork } from "../../src/components/hardened-network/plan";
import { ENGINE_ROOT, parseEngineEnv, TEST_ENGINE_SCRIPT } from "../harness/engine-env";
import { engineNetworkBody } from "../harness/pulumi-to-engine";

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
  if (host) leaveSwarm();
  execFileSync("bash", [TEST_ENGINE_SCRIPT, "stop", DIR], {
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 120_000,
  });
}, 180_000);

/** Leave the swarm, if the engine is in one. */
function leaveSwarm(): void {
  if (JSON.parse(docker("info", "--format", "{{json .Swarm.LocalNodeState}}")) !== "inactive")
    docker("swarm", "leave", "--force");
}

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

it("HardenedNetwork's overlay is encrypted and not attachable: 7.3 passes live (a plain overlay fails)", async () => {
  leaveSwarm(); // a swarm of its own, whatever the tests before left
  docker("swarm", "init", "--listen-addr", "127.0.0.1:2377", "--advertise-addr", "127.0.0.1");
  try {
    const mesh = `hd-mesh-${process.pid}`;
    const plain = `hd-plain-${process.pid}`;
    const body = engineNetworkBody(planHardenedNetwork(mesh, { driver: "overlay" }));
    // The provider's create call, made with the docker CLI against this engine.
    const flags = [
      "--driver",
      body.Driver!,
      ...(body.Internal ? ["--internal"] : []),
      ...(body.Attachable ? ["--attachable"] : []),
      ...Object.entries(body.Options ?? {}).flatMap(([k, v]) => ["--opt", v === "" ? k : `${k}=${v}`]),
      ...Object.entries(body.Labels ?? {}).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    ];
    docker("network", "create", ...flags, mesh);
    docker("network", "create", "--driver", "overlay", plain);
    const inspected = JSON.parse(docker("network", "inspect", mesh))[0];
    expect(inspected).toMatchObject({ Driver: "overlay", Attachable: false, Internal: true });
    expect(inspected.Options).toHaveProperty("encrypted", "");
    const report = await runAudit({ hosts: [host], hostProbe: "none" });
    const status = (name: string) =>
      report.hosts[0]!.findings.find((x) => x.ruleId === "7.3" && x.subjectName === name)?.status;
    expect([status(mesh), status(plain)]).toEqual(["pass", "fail"]);
    docker("network", "rm", mesh, plain);
  } finally {
    leaveSwarm();
  }
});
