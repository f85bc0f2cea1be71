/**
 * HardenedContainer and HardenedNetwork on a real engine (issue 3): the exact docker.Container /
 * docker.Network inputs the components compute (planHardenedContainer / planHardenedNetwork) are
 * created on the test dockerd through the documented translation in
 * test/harness/pulumi-to-engine.ts, in the provider's order — create the networks; create the
 * container, connect further networks, start it — and then the component's PIDs-limit command
 * (renderPidsLimitCommand) runs through /bin/sh -c, the interpreter `command.local.Command` uses
 * on Linux, with DOCKER_HOST pointing at the test engine. The effects are then read from inside
 * the containers and from the engine's network namespace.
 *
 * The set-up (shared by all tests, to keep the run short):
 *   networks  A, B: HardenedNetwork defaults (internal); E: HardenedNetwork { egress: true }
 *   a1 on A   httpd as 10001:10001 — the in-container checks, the fork test (last), and a
 *             port published on 127.0.0.1 that the engine does not publish (A is internal)
 *   a2 on A   a client (sleep) that reaches a1 and tries b1
 *   b1 on B   httpd — must be unreachable from A
 *   p1 on E   httpd published on 127.0.0.1:P and, as a control, on 10.123.0.1:Q
 *
 * What this engine is: dockerd 20.10 in a network namespace of its own, vfs, cgroup v1 (the
 * cgroup reads detect v2 and read memory.max/pids.max there instead; only v1 is exercised
 * here), no AppArmor or SELinux (so 5.2/5.3 are not-applicable in the live audit). The kernel
 * has no `dummy` link driver, so the second address of the namespace (10.123.0.1/32) goes on its
 * `lo` — a local address of the namespace all the same. Busybox `wget` segfaults when run on the
 * host here (it works in the containers), so the host-side probes use busybox `nc`.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import {
  planHardenedContainer,
  type HardenedContainerArgs,
  type HardenedContainerPlan,
} from "../../src/components/hardened-container";
import { planHardenedNetwork } from "../../src/components/hardened-network";
import type { ContainerFacts } from "../../src/facts/types";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../../src/rules/types";
import { renderPidsLimitCommand } from "../../src/scripts/pids-limit";
import {
  containerFacts,
  docker,
  engineLogTail,
  engineSocketPath,
  removeContainers,
  TEST_IMAGE,
  uniqueName,
  waitForHealth,
} from "../harness/engine";
import { engineCreateBody, engineNetworkBody, engineNetworkConnects } from "../harness/pulumi-to-engine";

const MiB = 1024 * 1024;
const HOST_BUSYBOX = "/bin/busybox";
const NETNS = process.env.HD_TEST_NETNS;
const NETNS_PATH = `/var/run/netns/${NETNS}`;
/** A second local address of the engine's namespace (not loopback). */
const OTHER_IP = "10.123.0.1";
/**
 * Host ports: high (CIS 5.8), spread by pid so a parallel run in another engine cannot matter, and unused by other
 * files (they let the engine pick).
 */
const PORT_BASE = 20000 + (process.pid % 3000) * 3;
const PORT_LOOPBACK = PORT_BASE; // p1: 127.0.0.1 only
const PORT_CONTROL = PORT_BASE + 1; // p1: OTHER_IP only (the control)
const PORT_INTERNAL = PORT_BASE + 2; // a1: 127.0.0.1, on an internal network
const HTTP_GET = "GET /group HTTP/1.0\r\n\r\n";
/** /etc/group of the test image, served by `httpd -h /etc`: proof the answer comes from the container. */
const GROUP_LINE = "app:x:10001:";
const ZERO_CAPS = "0000000000000000";

// ───────────────────────────── helpers ─────────────────────────────

interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** Run a command on the host (the integration tests run as root), feeding `input` on stdin. */
function hostRun(cmd: string, args: string[], input = ""): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    // A command may exit before reading its input (nc on "Connection refused"): the write then
    // fails with EPIPE, which says nothing about the command — its exit code and output do.
    child.stdin.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") reject(e);
    });
    child.stdin.end(input);
  });
}

/** Run a command in the engine's network namespace (nsenter --net, like the engine itself). */
const inEngineNetns = (args: string[], input = "") => hostRun("nsenter", [`--net=${NETNS_PATH}`, ...args], input);

/** An HTTP request from the engine's namespace to ip:port with busybox nc (3 s connect timeout). */
const probeFromEngineNetns = (ip: string, port: number) =>
  inEngineNetns([HOST_BUSYBOX, "nc", "-w", "3", ip, String(port)], HTTP_GET);

/** `docker exec` through the Engine API: exit code, stdout and stderr apart. */
async function exec(id: string, cmd: string[], user?: string): Promise<RunResult> {
  const e = await docker()
    .getContainer(id)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...(user ? { User: user } : {}) });
  const stream = await e.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = "";
  let errText = "";
  out.on("data", (b: Buffer) => (outText += b.toString()));
  err.on("data", (b: Buffer) => (errText += b.toString()));
  docker().modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  const { ExitCode } = await e.inspect();
  return { code: ExitCode ?? -1, out: outText, err: errText };
}

/**
 * An HTTP request from inside a container to ip:8080 with busybox nc (1 s timeout:
 * plenty on one bridge, and dropped packets never answer anyway).
 */
const probeFromContainer = (id: string, ip: string) =>
  exec(id, ["sh", "-c", `printf '${HTTP_GET.replace(/\r\n/g, "\\r\\n")}' | nc -w 1 "$0" 8080`, ip]);

/** The status lines of /proc/self/status as a map (CapEff, NoNewPrivs, …). */
async function procStatus(id: string, user?: string): Promise<Record<string, string>> {
  const r = await exec(id, ["cat", "/proc/self/status"], user);
  expect(r.code).toBe(0);
  return Object.fromEntries(
    r.out
      .split("\n")
      .map((l) => l.split(/:\s*/, 2))
      .filter((kv) => kv.length === 2),
  );
}

interface CgroupLimits {
  version: "v1" | "v2";
  memory: string;
  pids: string;
}

/**
 * The container's memory and PIDs limits as its own cgroup files show them (v2: memory.max/pids.max;
 * v1: per-controller files).
 */
async function cgroupLimits(id: string): Promise<CgroupLimits> {
  const r = await exec(id, [
    "sh",
    "-c",
    "if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo v2; " +
      "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; " +
      "else echo v1; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; fi",
  ]);
  expect(r).toMatchObject({ code: 0, err: "" });
  const [version, memory, pids] = r.out.trim().split("\n");
  return { version: version as CgroupLimits["version"], memory, pids };
}

function liveCtx(): RuleContext {
  const flag = "/sys/module/apparmor/parameters/enabled";
  const apparmor = existsSync(flag) && readFileSync(flag, "utf8").trim().toUpperCase().startsWith("Y");
  return {
    settings: { ...DEFAULT_SETTINGS, dockerSocketPath: engineSocketPath() },
    host: { apparmorEnabled: apparmor, selinuxEnabled: false },
    now: new Date(),
  };
}

/** The live audit's verdict on one rule (inspect → facts → catalog, as `hardened-docker audit` reads a container). */
const auditStatus = (facts: ContainerFacts, ruleId: string) =>
  evaluate([facts], liveCtx()).find((f) => f.ruleId === ruleId)?.status;

// ───────────────────────────── the set-up ─────────────────────────────

interface Created {
  plan: HardenedContainerPlan;
  body: Docker.ContainerCreateOptions;
  id: string;
  ip: string;
}

const containerIds: string[] = [];
const networkNames: string[] = [];
let addressAdded = false;
let imageId = "";
let nets: { a: string; b: string; e: string };
let a1: Created, a2: Created, b1: Created, p1: Created;
/** a1 read before and after the PIDs-limit command ran. */
const a1Before: { cgroup?: CgroupLimits; pidsLimit?: number | null; audit529?: string } = {};
const a1After: { cgroup?: CgroupLimits; pidsLimit?: number | null; audit529?: string } = {};
const pidsCommandResults: RunResult[] = [];

/** Create, connect and start a planned container as the provider would (start: true is its default). */
async function createPlanned(plan: HardenedContainerPlan): Promise<Created> {
  const body = engineCreateBody(plan.containerArgs);
  const container = await docker().createContainer(body);
  containerIds.push(container.id);
  for (const network of engineNetworkConnects(plan.containerArgs))
    await docker().getNetwork(network).connect({ Container: container.id });
  try {
    await container.start();
  } catch (err) {
    throw new Error(
      `starting ${body.name} failed: ${(err as Error).message}\n--- dockerd log ---\n${engineLogTail(15)}`,
    );
  }
  const info = await container.inspect();
  const network = String(plan.containerArgs.networkMode);
  return { plan, body, id: container.id, ip: info.NetworkSettings.Networks[network]?.IPAddress ?? "" };
}

/** The component's second step: its `command.local.Command` runs this text with /bin/sh -c. */
async function applyPidsLimit(c: Created): Promise<RunResult> {
  // No `environment` on the command (dockerHost unset): it inherits the deploying environment's
  // DOCKER_HOST — here the test engine's, set by the global setup.
  const result = await hostRun("/bin/sh", ["-c", renderPidsLimitCommand(c.id, c.plan.pidsLimit)]);
  pidsCommandResults.push(result);
  return result;
}

const httpd = ["httpd", "-f", "-p", "8080", "-h", "/etc"];
const httpHealth = {
  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/group"],
  interval: "1s",
  timeout: "2s",
  retries: 3,
};

function plan(hint: string, args: Omit<HardenedContainerArgs, "image" | "user">): HardenedContainerPlan {
  // The image by its ID (content-addressed): CIS 4.5 passes without an exemption.
  return planHardenedContainer(uniqueName(hint), { image: imageId, user: "10001:10001", ...args });
}

beforeAll(async () => {
  if (!NETNS) throw new Error("HD_TEST_NETNS is unset: run through jest's integration project");
  imageId = (await docker().getImage(TEST_IMAGE).inspect()).Id;
  expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);

  const added = await inEngineNetns(["ip", "addr", "add", `${OTHER_IP}/32`, "dev", "lo"]);
  if (added.code !== 0) throw new Error(`adding ${OTHER_IP} to the engine's namespace failed: ${added.err}`);
  addressAdded = true;

  const netPlans = {
    a: planHardenedNetwork(uniqueName("net-a")),
    b: planHardenedNetwork(uniqueName("net-b")),
    e: planHardenedNetwork(uniqueName("net-e"), { egress: true }),
  };
  for (const n of Object.values(netPlans)) {
    await docker().createNetwork(engineNetworkBody(n));
    networkNames.push(String(n.name));
  }
  nets = { a: String(netPlans.a.name), b: String(netPlans.b.name), e: String(netPlans.e.name) };

  [a1, a2, b1, p1] = await Promise.all([
    createPlanned(
      plan("a1", {
        memory: "64Mi",
        cpus: 0.5,
        pidsLimit: 64,
        command: httpd,
        tmpfs: { "/tmp": "16Mi" },
        networks: [nets.a],
        ports: [{ internal: 8080, external: PORT_INTERNAL, hostIp: "127.0.0.1" }],
        healthcheck: httpHealth,
      }),
    ),
    createPlanned(
      plan("a2", {
        memory: "32Mi",
        command: ["sleep", "3600"],
        networks: [nets.a],
        healthcheck: { test: ["CMD", "true"], interval: "1s" },
      }),
    ),
    createPlanned(plan("b1", { memory: "32Mi", command: httpd, networks: [nets.b], healthcheck: httpHealth })),
    createPlanned(
      plan("p1", {
        memory: "32Mi",
        command: httpd,
        networks: [nets.e],
        ports: [
          { internal: 8080, external: PORT_LOOPBACK, hostIp: "127.0.0.1" },
          { internal: 8080, external: PORT_CONTROL, hostIp: OTHER_IP },
        ],
        healthcheck: httpHealth,
      }),
    ),
  ]);

  // a1 before the component's PIDs-limit step, then the step for every container, then a1 after.
  a1Before.cgroup = await cgroupLimits(a1.id);
  a1Before.pidsLimit = (await docker().getContainer(a1.id).inspect()).HostConfig.PidsLimit;
  a1Before.audit529 = auditStatus(await containerFacts(a1.id), "5.29");
  for (const c of [a1, a2, b1, p1]) await applyPidsLimit(c);
  a1After.cgroup = await cgroupLimits(a1.id);
  a1After.pidsLimit = (await docker().getContainer(a1.id).inspect()).HostConfig.PidsLimit;
  a1After.audit529 = auditStatus(await containerFacts(a1.id), "5.29");

  await Promise.all([a1, a2, b1, p1].map((c) => waitForHealth(c.id, "healthy")));
});

afterAll(async () => {
  const problems: string[] = [];
  try {
    await removeContainers(containerIds);
  } catch (err) {
    problems.push(`removing containers: ${(err as Error).message}`);
  }
  for (const name of networkNames) {
    try {
      await docker().getNetwork(name).remove();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404)
        problems.push(`removing network ${name}: ${(err as Error).message}`);
    }
  }
  if (addressAdded) {
    const r = await inEngineNetns(["ip", "addr", "del", `${OTHER_IP}/32`, "dev", "lo"]);
    if (r.code !== 0) problems.push(`removing ${OTHER_IP}: ${r.err}`);
  }
  if (problems.length) throw new Error(problems.join("\n"));
});

// ───────────────────────────── the tests ─────────────────────────────

describe("HardenedContainer on a real engine: the planned configuration", () => {
  it("is what the engine holds (inspect), including restart policy and healthcheck", async () => {
    const info = await docker().getContainer(a1.id).inspect();
    expect(info.Name).toBe(`/${a1.body.name}`);
    expect(info.Config.Image).toBe(imageId);
    expect(info.Config.User).toBe("10001:10001");
    expect(info.Config.Cmd).toEqual(httpd);
    // StartPeriod 0s: omitted by the engine
    expect(info.Config.Healthcheck).toEqual({ Test: httpHealth.test, Interval: 1e9, Timeout: 2e9, Retries: 3 });
    expect(info.Config.Labels).toMatchObject({
      "hardened-docker.component": "HardenedContainer",
      "hardened-docker.pids-limit": "64",
    });
    expect(info.HostConfig).toMatchObject({
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      ReadonlyRootfs: true,
      Privileged: false,
      Memory: 64 * MiB,
      NanoCpus: 500_000_000,
      PidsLimit: 64,
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: 5 },
      IpcMode: "private",
      NetworkMode: nets.a,
      Tmpfs: { "/tmp": `rw,noexec,nosuid,nodev,size=${16 * MiB}` },
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(PORT_INTERNAL) }] },
    });
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    // Only on its HardenedNetwork — never on the default bridge.
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([nets.a]);
    expect(info.State.Health?.Status).toBe("healthy");
  });

  it("runs as 10001:10001 with no-new-privileges set", async () => {
    expect((await exec(a1.id, ["id", "-u"])).out.trim()).toBe("10001");
    expect((await exec(a1.id, ["id", "-g"])).out.trim()).toBe("10001");
    // PID 1 (httpd) is the process the container was planned to run, with the same flags.
    const init = await exec(a1.id, ["sh", "-c", "grep -E '^(Uid|NoNewPrivs):' /proc/1/status"]);
    expect(init.out).toMatch(/^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
    expect(init.out).toMatch(/^NoNewPrivs:\s+1$/m);
    expect((await procStatus(a1.id)).NoNewPrivs).toBe("1");
  });

  it("has no capabilities inside — not even for root entering through exec (the bounding set is empty)", async () => {
    // For uid 10001 the effective set would be empty anyway; CapBnd = 0 is what proves the drop of
    // ALL, and root (exec -u 0) then gets nothing either.
    for (const user of [undefined, "0"]) {
      const s = await procStatus(a1.id, user);
      expect({
        user: user ?? "10001",
        CapInh: s.CapInh,
        CapPrm: s.CapPrm,
        CapEff: s.CapEff,
        CapBnd: s.CapBnd,
        CapAmb: s.CapAmb,
      }).toEqual({
        user: user ?? "10001",
        CapInh: ZERO_CAPS,
        CapPrm: ZERO_CAPS,
        CapEff: ZERO_CAPS,
        CapBnd: ZERO_CAPS,
        CapAmb: ZERO_CAPS,
      });
    }
    const root = await exec(a1.id, ["id", "-u"], "0");
    expect(root.out.trim()).toBe("0");
  });

  it(
    "cannot write to / (read-only root filesystem) but can write to the /tmp tmpfs, " +
      "which is noexec,nosuid,nodev and sized as planned",
    async () => {
      const rootWrite = await exec(a1.id, ["touch", "/x"]);
      expect(rootWrite.code).not.toBe(0);
      expect(rootWrite.err).toContain("Read-only file system");
      // Even root cannot write there.
      const rootAsRoot = await exec(a1.id, ["touch", "/x"], "0");
      expect(rootAsRoot.err).toContain("Read-only file system");

      const tmpWrite = await exec(a1.id, ["sh", "-c", "echo hello > /tmp/x && cat /tmp/x"]);
      expect(tmpWrite).toMatchObject({ code: 0, out: "hello\n" });

      const mounts = (await exec(a1.id, ["cat", "/proc/mounts"])).out.split("\n");
      const tmp = mounts.find((l) => l.split(" ")[1] === "/tmp");
      expect(tmp?.split(" ")[2]).toBe("tmpfs");
      expect(tmp?.split(" ")[3].split(",")).toEqual(
        expect.arrayContaining(["rw", "nosuid", "nodev", "noexec", "size=16384k"]),
      );
      const root = mounts.find((l) => l.split(" ")[1] === "/");
      expect(root?.split(" ")[3].split(",")[0]).toBe("ro");
    },
  );

  it("shows the planned memory limit in its cgroup", async () => {
    const cg = await cgroupLimits(a1.id);
    // cgroup v1 here (memory/memory.limit_in_bytes); on v2 this reads memory.max, also in bytes.
    expect(cg.memory).toBe(String(64 * MiB));
    expect(cg.memory).toBe(String(a1.body.HostConfig?.Memory ?? 0));
  });

  it(
    "gets its PIDs limit from the component's update command: " +
      "pids.max is 'max' before it and the planned limit after",
    () => {
      expect(a1.plan.pidsLimit).toBe(64);
      expect(pidsCommandResults).toHaveLength(4);
      for (const r of pidsCommandResults) expect(r).toEqual({ code: 0, out: "", err: "" });

      expect(a1Before.cgroup?.pids).toBe("max");
      expect(a1Before.pidsLimit ?? 0).toBe(0); // the provider's create request has no PidsLimit
      expect(a1Before.audit529).toBe("fail"); // so the live audit rightly fails 5.29 until the command ran

      expect(a1After.cgroup?.pids).toBe("64");
      expect(a1After.pidsLimit).toBe(64);
      expect(a1After.audit529).toBe("pass");
    },
  );

  it("passes every automated rule of the live audit once created and limited", async () => {
    for (const c of [a1, a2, b1, p1]) {
      const findings = evaluate([await containerFacts(c.id)], liveCtx()).filter((f) => f.automated);
      expect(findings.length).toBeGreaterThan(25);
      const failing = findings
        .filter((f) => f.status === "fail")
        .map((f) => `${f.ruleId} ${JSON.stringify(f.verdict)}`);
      expect({ container: c.body.name, failing }).toEqual({ container: c.body.name, failing: [] });
    }
  });
});

describe("HardenedContainer on a real engine: published ports", () => {
  it("answers on the bound address only (127.0.0.1), and is refused on another address of the same host", async () => {
    const [loopback, other, control, controlOnLoopback] = await Promise.all([
      probeFromEngineNetns("127.0.0.1", PORT_LOOPBACK),
      probeFromEngineNetns(OTHER_IP, PORT_LOOPBACK),
      probeFromEngineNetns(OTHER_IP, PORT_CONTROL),
      probeFromEngineNetns("127.0.0.1", PORT_CONTROL),
    ]);
    expect(loopback.code).toBe(0);
    expect(loopback.out).toMatch(/^HTTP\/1\.[01] 200 OK/);
    expect(loopback.out).toContain(GROUP_LINE);

    expect(other.code).not.toBe(0);
    expect(other.err).toContain("Connection refused");
    expect(other.out).toBe("");

    // The control: a binding that names OTHER_IP answers there, and only there — so the refusal
    // above is the binding's doing, not an unusable address.
    expect(control.code).toBe(0);
    expect(control.out).toContain(GROUP_LINE);
    expect(controlOnLoopback.err).toContain("Connection refused");

    const info = await docker().getContainer(p1.id).inspect();
    expect(info.NetworkSettings.Ports["8080/tcp"]).toEqual(
      expect.arrayContaining([
        { HostIp: "127.0.0.1", HostPort: String(PORT_LOOPBACK) },
        { HostIp: OTHER_IP, HostPort: String(PORT_CONTROL) },
      ]),
    );
    expect(info.NetworkSettings.Ports["8080/tcp"]).toHaveLength(2);
  });

  it(
    "is not published at all when the container's only network is internal " +
      "(the engine publishes through a network with a gateway)",
    async () => {
      // An engine fact worth knowing: a HardenedNetwork without `egress: true` is internal, and
      // the engine silently publishes nothing for a container that is only on internal networks —
      // the binding is declared (HostConfig.PortBindings above) but nothing listens.
      const info = await docker().getContainer(a1.id).inspect();
      expect(info.NetworkSettings.Ports?.["8080/tcp"] ?? null).toBeNull();
      const probe = await probeFromEngineNetns("127.0.0.1", PORT_INTERNAL);
      expect(probe.err).toContain("Connection refused");
    },
  );
});

describe("HardenedNetwork on a real engine", () => {
  it("creates each network exactly as planned", async () => {
    const [a, e] = await Promise.all([docker().getNetwork(nets.a).inspect(), docker().getNetwork(nets.e).inspect()]);
    expect(a).toMatchObject({
      Name: nets.a,
      Driver: "bridge",
      Internal: true,
      Attachable: false,
      Options: { "com.docker.network.bridge.enable_icc": "true" },
      Labels: { "hardened-docker.component": "HardenedNetwork" },
    });
    expect(e).toMatchObject({ Name: nets.e, Internal: false });
  });

  it("lets containers on the same network reach each other", async () => {
    expect(a1.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const r = await probeFromContainer(a2.id, a1.ip);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^HTTP\/1\.[01] 200 OK/);
    expect(r.out).toContain(GROUP_LINE);
  });

  it("keeps containers on different networks apart (internal→internal and egress→internal)", async () => {
    expect(b1.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // b1 serves: its own healthcheck (wget to itself) made it healthy in beforeAll.
    expect((await docker().getContainer(b1.id).inspect()).State.Health?.Status).toBe("healthy");
    const [aToB, bToA, eToA] = await Promise.all([
      probeFromContainer(a2.id, b1.ip),
      probeFromContainer(b1.id, a1.ip),
      probeFromContainer(p1.id, a1.ip),
    ]);
    for (const r of [aToB, bToA, eToA]) {
      // Both networks are routed by the same namespace (each container has a default route via
      // its bridge); the engine's isolation rules drop the packets, so the connect times out.
      expect(r.code).not.toBe(0);
      expect(r.out).toBe("");
      expect(r.err).toMatch(/timed out|refused|unreachable/i);
    }
  });
});

describe("HardenedContainer on a real engine: the PIDs limit bites (last: a1 stays at its limit a moment)", () => {
  it("refuses to fork past pids.max", async () => {
    // Start up to 150 sleeps in a subshell; busybox sh gives up at the first failed fork. Only
    // builtins run after that (read, kill), since no process can be started at the limit. The
    // sleeps' output goes to files, so the exec's stream ends with the shell, not with them.
    const script = [
      "( i=0; while [ $i -lt 150 ]; do sleep 5 & i=$((i+1)); done ) >/dev/null 2>/tmp/fork.err",
      "read current < /sys/fs/cgroup/pids/pids.current || read current < /sys/fs/cgroup/pids.current",
      'echo "current=$current"',
      'for p in /proc/[0-9]*; do read c < $p/comm 2>/dev/null && [ "$c" = sleep ] && kill ${p#/proc/} ' +
        "2>/dev/null; done",
      'read e < /tmp/fork.err; echo "error=$e"',
    ].join("\n");
    const r = await exec(a1.id, ["sh", "-c", script]);
    expect(r.out).toContain("error=sh: can't fork: Resource temporarily unavailable");
    const current = Number(/current=(\d+)/.exec(r.out)?.[1]);
    // At the failed fork the cgroup was full; the subshell has exited since. The kernel checks
    // pids.max on fork only: processes the engine *attaches* (this exec, a healthcheck exec running
    // at the same moment) can take pids.current a little past it, so allow a few.
    expect(current).toBeGreaterThanOrEqual(a1.plan.pidsLimit - 3);
    expect(current).toBeLessThanOrEqual(a1.plan.pidsLimit + 6);
  });
});
