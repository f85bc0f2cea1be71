import {
  computeDrift,
  diffContainer,
  diffDaemon,
  diffNetwork,
  parseStackExport,
  StackExportError,
  type LiveHost,
} from "../../../src/audit/drift";
import { daemonFactsFromConfig } from "../../../src/adapters/daemon-config";
import { container, ctx, daemon, network } from "../../harness/fixtures";

const MiB = 1024 * 1024;
const STACK = "urn:pulumi:dev::shop";
const SECRET = "4dabf18193072939515e22adb298388d";
const SIG = "1b47061264138c4ac30d75fd1eb44270";

/** docker.Container inputs as HardenedContainer renders them. */
function webInputs(over: Record<string, unknown> = {}) {
  return {
    image: "registry.example.com/team/web@sha256:" + "a".repeat(64),
    name: "web",
    user: "10001:10001",
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    tmpfs: { "/tmp": "rw,noexec,size=1048576" },
    ports: [{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }],
    networkMode: "app-net",
    networksAdvanced: [{ name: "app-net" }],
    ipcMode: "private",
    memory: 256,
    cpus: "0.5",
    readOnly: true,
    restart: "on-failure",
    maxRetryCount: 5,
    healthcheck: { tests: ["CMD", "/bin/true"], interval: "30s", timeout: "5s", startPeriod: "0s", retries: 3 },
    labels: [
      { label: "hardened-docker.pids-limit", value: "100" },
      { label: "team", value: "shop" },
    ],
    envs: ["LOG_LEVEL=info"],
    ...over,
  };
}

function exportOf(resources: unknown[]) {
  return { version: 3, deployment: { manifest: {}, resources } };
}

const containerResource = (name: string, inputs: Record<string, unknown>, outputs?: Record<string, unknown>) => ({
  urn: `${STACK}::docker:index/container:Container::${name}`,
  type: "docker:index/container:Container",
  custom: true,
  inputs,
  ...(outputs ? { outputs } : {}),
});

/** The live facts a faithful deploy of webInputs() gives. */
function liveWeb(over: Parameters<typeof container>[0] = {}) {
  return container({
    id: "3f2a",
    name: "web",
    image: parseStackExport(exportOf([containerResource("web", webInputs())]), "s").containers[0]!.facts.image,
    mounts: [{ type: "tmpfs", source: "", target: "/tmp", readOnly: false }],
    ports: [{ containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 18080 }],
    memoryBytes: 256 * MiB,
    cpuShares: 0,
    nanoCpus: 500_000_000,
    pidsLimit: 100,
    healthcheck: { test: ["CMD", "/bin/true"], intervalSeconds: 30, timeoutSeconds: 5, retries: 3 },
    // The image adds a label and environment of its own.
    labels: { "hardened-docker.pids-limit": "100", team: "shop", "org.opencontainers.image.title": "web" },
    envNames: ["PATH", "LOG_LEVEL"],
    ...over,
  });
}

describe("parseStackExport", () => {
  test("reads containers (inputs), networks and SecureDaemons (config output, host from the provider)", () => {
    const state = parseStackExport(
      JSON.stringify(
        exportOf([
          { urn: `${STACK}::pulumi:pulumi:Stack::shop-dev`, type: "pulumi:pulumi:Stack" },
          containerResource("web", webInputs()),
          {
            urn: `${STACK}::docker:index/network:Network::app`,
            type: "docker:index/network:Network",
            inputs: {
              name: "app-net",
              driver: "bridge",
              internal: true,
              options: { "com.docker.network.bridge.enable_icc": "true" },
            },
          },
          {
            urn: `${STACK}::hardened-docker:index:SecureDaemon::host1`,
            type: "hardened-docker:index:SecureDaemon",
            outputs: { config: { icc: false, "live-restore": true } },
          },
          {
            urn: `${STACK}::hardened-docker:index:SecureDaemon$pulumi:providers:docker::host1-provider`,
            type: "pulumi:providers:docker",
            parent: `${STACK}::hardened-docker:index:SecureDaemon::host1`,
            inputs: { host: "ssh://root@10.0.0.5:22" },
          },
        ]),
      ),
      "stack.json",
    );
    expect(state.containers.map((c) => [c.name, c.facts.memoryBytes, c.facts.pidsLimit])).toEqual([
      ["web", 256 * MiB, 100],
    ]);
    expect(state.networks.map((n) => [n.name, n.facts.internal, n.facts.enableIcc])).toEqual([["app-net", true, true]]);
    expect(state.daemons).toMatchObject([
      { name: "host1", host: "10.0.0.5", facts: { icc: false, liveRestore: true, origin: "declared" } },
    ]);
  });

  test("a container without inputs falls back to outputs; the name comes from outputs when inputs lack it", () => {
    const { name: _n, ...noName } = webInputs();
    const fromOutputs = parseStackExport(
      exportOf([containerResource("a", {}, webInputs({ name: "from-outputs" }))]),
      "s",
    );
    expect(fromOutputs.containers[0]!.name).toBe("from-outputs");
    const autonamed = parseStackExport(exportOf([containerResource("b", noName, { name: "b-4f1a2c" })]), "s");
    expect(autonamed.containers[0]!.name).toBe("b-4f1a2c");
  });

  test("secrets: plaintext (--show-secrets) is used; ciphertext makes the fields it feeds unknown", () => {
    const envs = { [SECRET]: SIG, plaintext: JSON.stringify(["TOKEN=x"]) };
    const shown = parseStackExport(exportOf([containerResource("web", webInputs({ envs }))]), "s");
    expect(shown.containers[0]!.facts.envNames).toEqual(["TOKEN"]);
    expect(shown.containers[0]!.unknownFields).toEqual([]);
    const hidden = parseStackExport(
      exportOf([containerResource("web", webInputs({ envs: { [SECRET]: SIG, ciphertext: "v1:abc" } }))]),
      "s",
    );
    expect(hidden.containers[0]!.unknownFields).toEqual(["envNames"]);
    // An unknown field is never reported as drift.
    expect(
      diffContainer(hidden.containers[0]!.facts, liveWeb({ envNames: [] }), hidden.containers[0]!.unknownFields),
    ).toEqual([]);
  });

  test("an encrypted SecureDaemon config is noted, not compared", () => {
    const state = parseStackExport(
      exportOf([
        {
          urn: `${STACK}::hardened-docker:index:SecureDaemon::h`,
          type: "hardened-docker:index:SecureDaemon",
          outputs: { config: { [SECRET]: SIG, ciphertext: "x" } },
        },
      ]),
      "s",
    );
    expect(state.daemons).toEqual([]);
    expect(state.notes[0]).toMatch(/encrypted secret/);
  });

  test("not an export, or broken inputs: one line naming the file", () => {
    expect(() => parseStackExport("{", "a.json")).toThrow(StackExportError);
    expect(() => parseStackExport("{", "a.json")).toThrow(/^a\.json: not JSON/);
    expect(() => parseStackExport({ deployment: {} }, "b.json")).toThrow(
      /^b\.json: not a `pulumi stack export` document: version/,
    );
    expect(() =>
      parseStackExport(exportOf([containerResource("web", webInputs({ restart: "sometimes" }))]), "c.json"),
    ).toThrow(/^c\.json: docker\.Container "web": restart/);
  });
});

describe("diffContainer", () => {
  const declared = () => parseStackExport(exportOf([containerResource("web", webInputs())]), "s").containers[0]!.facts;

  test("a faithful deploy has no drift, whatever the engine and image add", () => {
    const live = liveWeb({
      // The IPv6 twin of a wildcard binding, an anonymous volume from the image, the engine's
      // "default" network mode spelling.
      mounts: [
        { type: "tmpfs", source: "", target: "/tmp", readOnly: false },
        { type: "volume", source: "f".repeat(64), target: "/data", readOnly: false },
      ],
    });
    expect(diffContainer(declared(), live)).toEqual([]);
  });

  test("docker update --memory: memoryBytes drifted, nothing else", () => {
    expect(diffContainer(declared(), liveWeb({ memoryBytes: 512 * MiB }))).toEqual([
      { field: "memoryBytes", declared: 256 * MiB, live: 512 * MiB },
    ]);
  });

  test(
    "each compared field is seen: pids limit, restart policy, " +
      "label values, missing env, capabilities, security options",
    () => {
      const drifts = diffContainer(
        declared(),
        liveWeb({
          pidsLimit: undefined,
          restartPolicy: { name: "always", maximumRetryCount: 0 },
          labels: { "hardened-docker.pids-limit": "100", team: "ops" },
          envNames: ["PATH"],
          capDrop: [],
          securityOptions: { noNewPrivileges: false, selinuxLabels: [], selinuxLabelDisabled: false, raw: [] },
        }),
      );
      expect(drifts.map((d) => d.field)).toEqual([
        "capDrop",
        "securityOptions.noNewPrivileges",
        "pidsLimit",
        "restartPolicy",
        'labels["team"]',
        "envNames",
      ]);
      expect(drifts.find((d) => d.field === "pidsLimit")).toEqual({ field: "pidsLimit", declared: 100, live: null });
    },
  );

  test("ports: wildcard spellings are one; an engine-picked port matches a declared 0; another address drifts", () => {
    const any = () =>
      parseStackExport(
        exportOf([
          containerResource("web", webInputs({ ports: [{ internal: 8080, ip: "0.0.0.0", protocol: "tcp" }] })),
        ]),
        "s",
      ).containers[0]!.facts;
    const twin = [
      { containerPort: 8080, protocol: "tcp" as const, hostIp: "0.0.0.0", hostPort: 49153 },
      { containerPort: 8080, protocol: "tcp" as const, hostIp: "::", hostPort: 49153 },
    ];
    expect(diffContainer(any(), liveWeb({ ports: twin }))).toEqual([]);
    const moved = diffContainer(
      declared(),
      liveWeb({ ports: [{ containerPort: 8080, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 18080 }] }),
    );
    expect(moved).toEqual([{ field: "ports", declared: ["18080@127.0.0.1->8080/tcp"], live: ["18080@*->8080/tcp"] }]);
  });

  test("an undeclared IPC mode is the engine's to choose; a declared one is compared", () => {
    const noIpc = parseStackExport(exportOf([containerResource("web", webInputs({ ipcMode: undefined }))]), "s")
      .containers[0]!.facts;
    expect(diffContainer(noIpc, liveWeb({ ipcMode: "shareable" }))).toEqual([]);
    expect(diffContainer(declared(), liveWeb({ ipcMode: "host" })).map((d) => d.field)).toEqual(["ipcMode"]);
  });

  test("an image reference and an image id are not compared (resolving needs a registry)", () => {
    const live = liveWeb({
      image: { raw: "sha256:" + "b".repeat(64), registry: "docker.io", repository: "", isImageId: true },
    });
    expect(diffContainer(declared(), live)).toEqual([]);
    const other = liveWeb({
      image: { ...declared().image, raw: "registry.example.com/team/web:latest", digest: undefined },
    });
    expect(diffContainer(declared(), other).map((d) => d.field)).toEqual(["image"]);
  });
});

describe("diffNetwork and diffDaemon", () => {
  test("network: declared options and labels must hold live; the engine's extras are fine", () => {
    const declared = network({ options: { "com.docker.network.bridge.enable_icc": "true" }, labels: { team: "shop" } });
    expect(
      diffNetwork(
        declared,
        network({
          options: { "com.docker.network.bridge.enable_icc": "true", "com.docker.network.driver.mtu": "1500" },
          labels: { team: "shop" },
        }),
      ),
    ).toEqual([]);
    expect(
      diffNetwork(declared, network({ internal: !declared.internal, options: {}, labels: { team: "shop" } })).map(
        (d) => d.field,
      ),
    ).toEqual(["internal", 'options["com.docker.network.bridge.enable_icc"]']);
  });

  test("daemon: every setting compared; the service unit's -H fd:// is the declared default socket", () => {
    const declared = daemon({ hosts: [] });
    expect(diffDaemon(declared, daemon({ hosts: ["fd://"] }))).toEqual([]);
    expect(
      diffDaemon(declared, daemon({ hosts: ["fd://", "tcp://0.0.0.0:2375"], icc: true, liveRestore: false })).map(
        (d) => d.field,
      ),
    ).toEqual(["icc", "liveRestore", "hosts"]);
  });
});

describe("computeDrift", () => {
  const declaredState = () =>
    parseStackExport(
      exportOf([
        containerResource("web", webInputs()),
        containerResource("worker", webInputs({ name: "worker" })),
        {
          urn: `${STACK}::hardened-docker:index:SecureDaemon::h`,
          type: "hardened-docker:index:SecureDaemon",
          outputs: { config: { icc: false } },
        },
      ]),
      "stack.json",
    );
  const host = (over: Partial<LiveHost> = {}): LiveHost => ({
    label: "unix:///var/run/docker.sock",
    containers: [],
    networks: [],
    ctx: ctx(),
    ...over,
  });

  test("drifted fields, the rules the drift breaks, rules never met, missing and unmanaged objects", () => {
    const web = liveWeb({ restartPolicy: { name: "always", maximumRetryCount: 0 }, privileged: true });
    const stray = container({ id: "99", name: "stray" });
    // The live daemon runs the declared daemon.json, except icc turned back on.
    const liveDaemon = daemonFactsFromConfig({ configText: JSON.stringify({ icc: true }), origin: "live" });
    const report = computeDrift([declaredState()], [host({ containers: [web, stray], daemon: liveDaemon })]);
    const webEntry = report.entries.find((e) => e.name === "web")!;
    expect(webEntry.status).toBe("drifted");
    expect(webEntry.drifted.map((d) => d.field)).toEqual(["privileged", "restartPolicy"]);
    // 5.15 reads restartPolicy, 5.5 privileged: both explained by the drift.
    expect(webEntry.driftViolations.map((b) => b.ruleId)).toEqual(expect.arrayContaining(["5.5", "5.15"]));
    expect(report.entries.find((e) => e.name === "worker")).toMatchObject({ status: "missing" });
    expect(report.entries.find((e) => e.kind === "daemon")).toMatchObject({
      status: "drifted",
      drifted: [{ field: "icc", declared: false, live: true }],
    });
    expect(report.unmanaged).toEqual([
      { host: "unix:///var/run/docker.sock", id: "99", name: "stray", state: "running" },
    ]);
  });

  test("a rule failing on the live object without drift is non-compliant (never met), not drift", () => {
    const noHealth = parseStackExport(exportOf([containerResource("web", webInputs({ healthcheck: undefined }))]), "s");
    const live = liveWeb({ healthcheck: undefined, imageConfig: {} });
    const [entry] = computeDrift([noHealth], [host({ containers: [live] })]).entries;
    expect(entry!.status).toBe("in-sync");
    expect(entry!.nonCompliant.map((b) => b.ruleId)).toEqual(expect.arrayContaining(["4.6", "5.27"]));
    expect(entry!.driftViolations).toEqual([]);
  });

  test("a declared daemon without a readable live configuration is unknown, with a note", () => {
    const report = computeDrift([declaredState()], [host()]);
    expect(report.entries.find((e) => e.kind === "daemon")).toMatchObject({ status: "unknown" });
    expect(report.notes.join("\n")).toMatch(/live daemon configuration was not read/);
  });
});
