/**
 * Each resource policy called the way the engine calls it: type token, props through the SDK's
 * unknown-checking proxy (unknowns as at preview), notApplicable that throws, config defaults.
 */
import { analyzeResource, reconcileConfig, PolicyConfigError } from "../../../src/check";
import { NOW } from "../../harness/fixtures";
import {
  compliantContainer,
  CONTAINER,
  exemptionLabel,
  invoke,
  NETWORK,
  pack,
  PROVIDER,
  sdkAnalyze,
  SERVICE,
  UNKNOWN,
} from "../../harness/policy";

const policies = pack();
const container = (overrides: Record<string, unknown> = {}, name = "api") => ({
  type: CONTAINER,
  name,
  props: compliantContainer(overrides),
});
const mandatoryRulePolicies = policies
  .filter((p) => p.enforcementLevel === "mandatory" && "validateResource" in p)
  .map((p) => p.name);

const FUTURE = "2027-01-31";
const PAST = "2026-10-31"; // NOW is 2026-11-28

describe("container policies: passing and failing", () => {
  it("a compliant docker.Container passes every mandatory policy", async () => {
    const result = await analyzeResource(
      policies,
      { ...container(), urn: "urn:pulumi:t::p::docker:index/container:Container::api" },
      reconcileConfig(policies),
    );
    expect(result.diagnostics).toEqual([]);
    // Manual items are questions for a person: reported only when asked for.
    const manual = await analyzeResource(
      policies,
      { ...container(), urn: "urn:x" },
      reconcileConfig(policies, "advisory", undefined, { "cis-5.9-only-needed-ports": { reportManual: true } }),
    );
    expect(manual.diagnostics).toHaveLength(1);
    expect(manual.diagnostics[0]).toMatchObject({
      policyName: "cis-5.9-only-needed-ports",
      enforcementLevel: "advisory",
    });
    expect(manual.diagnostics[0]!.message).toContain("[manual review]");
  });

  it.each([
    ["cis-4.1-run-as-non-root", { user: "root" }, 'user = "root"'],
    ["cis-4.6-healthcheck-defined", { healthcheck: undefined }, "healthcheck = null"],
    ["cis-5.4-restrict-capabilities", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } }, "SYS_ADMIN"],
    ["cis-5.5-no-privileged", { privileged: true }, "privileged = true"],
    ["cis-5.6-no-sensitive-host-mounts", { volumes: [{ hostPath: "/etc", containerPath: "/host-etc" }] }, "/etc"],
    [
      "cis-5.8-no-privileged-ports",
      { ports: [{ internal: 80, external: 80, ip: "127.0.0.1" }] },
      "ports[0].hostPort = 80",
    ],
    ["cis-5.10-no-host-network", { networkMode: "host", networksAdvanced: [] }, 'networkMode = "host"'],
    ["cis-5.11-memory-limit", { memory: undefined }, "memoryBytes = 0"],
    ["cis-5.12-cpu-limit", { cpus: undefined }, "nanoCpus"],
    ["cis-5.13-read-only-rootfs", { readOnly: false }, "readOnlyRootfs = false"],
    [
      "cis-5.14-bind-ports-to-host-address",
      { ports: [{ internal: 8080, external: 18080 }] },
      'ports[0].hostIp = "0.0.0.0"',
    ],
    ["cis-5.15-bounded-restarts", { restart: "always" }, "restartPolicy"],
    ["cis-5.16-no-host-pid", { pidMode: "host" }, 'pidMode = "host"'],
    ["cis-5.17-no-host-ipc", { ipcMode: "host" }, 'ipcMode = "host"'],
    [
      "cis-5.20-no-shared-propagation",
      {
        mounts: [
          {
            type: "bind",
            source: "/srv/data",
            target: "/data",
            readOnly: true,
            bindOptions: { propagation: "rshared" },
          },
        ],
      },
      "propagation",
    ],
    ["cis-5.22-seccomp-enabled", { securityOpts: ["no-new-privileges:true", "seccomp=unconfined"] }, "unconfined"],
    ["cis-5.25-default-cgroup", { cgroupParent: "/custom" }, "cgroupParent"],
    ["cis-5.26-no-new-privileges", { securityOpts: [] }, "noNewPrivileges = false"],
    ["cis-5.29-pids-limit", { labels: [] }, "pidsLimit = null"],
    ["cis-5.31-no-host-userns", { usernsMode: "host" }, 'usernsMode = "host"'],
    [
      "cis-5.32-no-docker-socket",
      { volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }] },
      "docker.sock",
    ],
  ])("%s: fails on one changed input and names the field", async (policyName, overrides, named) => {
    const failing = await invoke(policies, policyName, container(overrides));
    expect(failing.violations).toHaveLength(1);
    expect(failing.violations[0]).toContain(named);
    expect(failing.violations[0]).toContain("Fix:");
    const passing = await invoke(policies, policyName, container());
    expect(passing).toEqual({ violations: [] });
  });

  it(
    "judges what the provider defaults to: ports without ip publish on 0.0.0.0, " +
      "no networkMode is the default bridge",
    async () => {
      const bare = {
        type: CONTAINER,
        name: "bare",
        props: { image: "redis:7", ports: [{ internal: 6379, external: 6379 }] },
      };
      expect((await invoke(policies, "cis-5.14-bind-ports-to-host-address", bare)).violations[0]).toContain("0.0.0.0");
      const bridge = await invoke(policies, "cis-5.30-not-default-bridge", bare, {
        "cis-5.30-not-default-bridge": { reportManual: true },
      });
      expect(bridge.violations[0]).toMatch(/\[manual review\].*default bridge/);
    },
  );

  it("reports manual items as review violations only when reportManual is true", async () => {
    expect(await invoke(policies, "cis-5.9-only-needed-ports", container())).toEqual({ violations: [] });
    const asked = await invoke(policies, "cis-5.9-only-needed-ports", container(), {
      "cis-5.9-only-needed-ports": { reportManual: true },
    });
    expect(asked.violations[0]).toMatch(/^\[manual review\] docker.Container "api": .*127\.0\.0\.1:18080->8080\/tcp/);
  });

  it("agrees with the SDK's own analyzer on the same request", async () => {
    const resource = container({ privileged: true, image: "nginx:latest", readOnly: false }, "web");
    const sdk = await sdkAnalyze(policies, resource);
    const ours = await analyzeResource(
      policies,
      { ...resource, urn: "urn:pulumi:test::proj::docker:index/container:Container::web" },
      reconcileConfig(policies),
    );
    const key = (d: { policyName: string; enforcementLevel: string; message: string }) =>
      `${d.policyName}|${d.enforcementLevel}|${d.message}`;
    expect(sdk.diagnostics.map(key).sort()).toEqual(ours.diagnostics.map(key).sort());
    expect(
      sdk.diagnostics.some((d) => d.policyName === "cis-5.5-no-privileged" && d.enforcementLevel === "mandatory"),
    ).toBe(true);
  });
});

describe("exemptions", () => {
  const exempt = (value: unknown) =>
    container({
      readOnly: false,
      labels: [{ label: "hardened-docker.pids-limit", value: "256" }, exemptionLabel("5.13", value)],
    });

  it("a valid, current exemption label excuses the failure; the exemptions report says what it excuses", async () => {
    const resource = exempt({ reason: "writes its cache under /var/cache/app", expires: FUTURE });
    expect(await invoke(policies, "cis-5.13-read-only-rootfs", resource)).toEqual({ violations: [] });
    expect(await invoke(policies, "hd-exemptions-valid", resource)).toEqual({ violations: [] });
    const report = await invoke(policies, "hd-exemptions-in-use", resource);
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatch(
      /exemption for 5\.13 \(until 2027-01-31, reason: writes its cache.*\) excuses: .*readOnlyRootfs = false/,
    );
  });

  it("an exemption nothing needs is reported as removable", async () => {
    const resource = container({
      labels: [
        { label: "hardened-docker.pids-limit", value: "256" },
        exemptionLabel("5.13", { reason: "writes its cache under /var/cache/app" }),
      ],
    });
    expect((await invoke(policies, "hd-exemptions-in-use", resource)).violations[0]).toMatch(/not needed.*Remove it/);
  });

  it("an expired exemption excuses nothing and is itself a violation", async () => {
    const resource = exempt({ reason: "writes its cache under /var/cache/app", expires: PAST });
    expect((await invoke(policies, "cis-5.13-read-only-rootfs", resource)).violations).toHaveLength(1);
    const valid = await invoke(policies, "hd-exemptions-valid", resource);
    expect(valid.violations[0]).toContain(`expired on ${PAST}`);
  });

  it.each([
    ["not JSON", "skip it"],
    ["a reason too short", { reason: "needed" }],
    ["an invalid date", { reason: "writes its cache under /var/cache/app", expires: "2027-02-30" }],
  ])("a malformed exemption (%s) excuses nothing and is a violation", async (_, value) => {
    const resource = exempt(value);
    expect((await invoke(policies, "cis-5.13-read-only-rootfs", resource)).violations).toHaveLength(1);
    expect((await invoke(policies, "hd-exemptions-valid", resource)).violations).toHaveLength(1);
  });

  it("an exemption for a rule that is not failing leaves other failures in place", async () => {
    const resource = container({
      privileged: true,
      labels: [
        { label: "hardened-docker.pids-limit", value: "256" },
        exemptionLabel("5.13", { reason: "writes its cache under /var/cache/app" }),
      ],
    });
    expect((await invoke(policies, "cis-5.5-no-privileged", resource)).violations).toHaveLength(1);
  });
});

describe("values unknown at preview", () => {
  it(
    "a rule reading an unknown value throws the SDK's UnknownValueError (reported by the engine, " +
      "advisory), never a silent pass",
    async () => {
      const result = await invoke(policies, "cis-5.10-no-host-network", container({ networkMode: UNKNOWN }));
      expect(result.violations).toEqual([]);
      expect(result.unknown?.message).toBe("string value at .networkMode can't be known during preview");
      const engine = await analyzeResource(
        policies,
        { ...container({ networkMode: UNKNOWN }), urn: "urn:x" },
        reconcileConfig(policies),
      );
      const diag = engine.diagnostics.find((d) => d.policyName === "cis-5.10-no-host-network")!;
      expect(diag.enforcementLevel).toBe("advisory");
      expect(diag.message).toMatch(
        new RegExp(
          /^can't run policy 'cis-5.10-no-host-network' from policy pack 'hardened-docker@v0.0.0' during preview: /
            .source + /string value at .networkMode/.source,
        ),
      );
    },
  );

  it("the SDK's analyzer turns it into the same advisory diagnostic", async () => {
    const sdk = await sdkAnalyze(policies, container({ image: UNKNOWN }));
    const diag = sdk.diagnostics.find((d) => d.policyName === "cis-4.5-verified-image")!;
    expect(diag).toMatchObject({ enforcementLevel: "advisory" });
    expect(diag.message).toContain("string value at .image can't be known during preview");
  });

  it("rules that do not read the unknown value still decide", async () => {
    const props = { image: UNKNOWN, privileged: true, networkMode: UNKNOWN };
    expect((await invoke(policies, "cis-5.5-no-privileged", { type: CONTAINER, props })).violations).toHaveLength(1);
    expect((await invoke(policies, "cis-5.11-memory-limit", { type: CONTAINER, props })).violations).toHaveLength(1);
    expect((await invoke(policies, "cis-4.5-verified-image", { type: CONTAINER, props })).unknown).toBeDefined();
  });

  it("an unknown inside a list (ports[0].ip) leaves the port rules undecided, at that path", async () => {
    const result = await invoke(
      policies,
      "cis-5.14-bind-ports-to-host-address",
      container({ ports: [{ internal: 8080, external: 18080, ip: UNKNOWN }] }),
    );
    expect(result.unknown?.props).toEqual(["ports", 0, "ip"]);
    expect(
      await invoke(
        policies,
        "cis-5.13-read-only-rootfs",
        container({ ports: [{ internal: 8080, external: 18080, ip: UNKNOWN }] }),
      ),
    ).toEqual({ violations: [] });
  });

  it("fails closed when configured: the undecided rule is a violation at the policy's level", async () => {
    const config = { "cis-5.10-no-host-network": { unknownValues: "fail" } };
    const result = await invoke(policies, "cis-5.10-no-host-network", container({ networkMode: UNKNOWN }), config);
    expect(result.violations[0]).toMatch(/networkMode unknown at preview.*Failing closed/);
    const failClosed = pack({ unknownValues: "fail" });
    const engine = await analyzeResource(
      failClosed,
      { ...container({ networkMode: UNKNOWN }), urn: "urn:x" },
      reconcileConfig(failClosed),
    );
    expect(engine.diagnostics.find((d) => d.policyName === "cis-5.10-no-host-network")!.enforcementLevel).toBe(
      "mandatory",
    );
  });

  it("unknown labels: a failure might be exempted, so undecided rather than a pass or a certain failure", async () => {
    const result = await invoke(policies, "cis-5.13-read-only-rootfs", container({ readOnly: false, labels: UNKNOWN }));
    expect(result.unknown?.props).toEqual(["labels"]);
    // A passing rule stays a pass whatever the labels say.
    expect(await invoke(policies, "cis-5.5-no-privileged", container({ labels: UNKNOWN }))).toEqual({
      violations: [],
    });
  });

  it("an unknown image (e.g. from a RemoteImage) does not break the other rules", async () => {
    const result = await analyzeResource(
      policies,
      { ...container({ image: UNKNOWN }), urn: "urn:x" },
      reconcileConfig(policies),
    );
    expect(result.diagnostics.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
    const undecided = result.diagnostics
      .filter((d) => d.message.startsWith("can't run"))
      .map((d) => d.policyName)
      .sort();
    expect(undecided).toEqual(["cis-4.2-trusted-registries", "cis-4.5-verified-image", "cis-5.28-image-pinned"]);
  });
});

describe("notApplicable and types", () => {
  it(
    "a policy called for another type throws notApplicable (and the " +
      "engine skips single-type policies by their type)",
    async () => {
      const net = { type: NETWORK, props: { name: "backend" } };
      expect((await invoke(policies, "cis-5.5-no-privileged", net)).notApplicable).toMatch(
        /only applies to docker.Container and docker.Service/,
      );
      expect((await invoke(policies, "cis-7.3-encrypted-overlay", container())).notApplicable).toBeDefined();
      const result = await analyzeResource(policies, { ...container(), urn: "urn:x" }, reconcileConfig(policies));
      expect(result.notApplicable.find((n) => n.policyName === "cis-7.3-encrypted-overlay")?.reason).toBe(
        "Policy only applies to resources of type 'docker:index/network:Network'",
      );
    },
  );

  it("a rule that does not apply says why", async () => {
    const result = await invoke(policies, "cis-7.3-encrypted-overlay", {
      type: NETWORK,
      props: { name: "backend", driver: "bridge" },
    });
    expect(result.notApplicable).toMatch(/driver "bridge" is not overlay/);
  });

  it("unreadable inputs are a violation, never a pass", async () => {
    const result = await invoke(policies, "cis-5.15-bounded-restarts", container({ restart: "sometimes" }));
    expect(result.violations[0]).toMatch(/inputs cannot be read.*restart/);
  });
});

describe("configuration", () => {
  it("applies the schema defaults: capabilities HardenedContainer allows pass 5.4", async () => {
    const resource = container({ capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] } });
    expect(await invoke(policies, "cis-5.4-restrict-capabilities", resource)).toEqual({ violations: [] });
    const strict = await invoke(policies, "cis-5.4-restrict-capabilities", resource, {
      "cis-5.4-restrict-capabilities": { capabilityAllowList: [] },
    });
    expect(strict.violations[0]).toContain("NET_BIND_SERVICE");
  });

  it("trusted registries, content trust and the socket path come from the policy's config", async () => {
    const tagged = container({ image: "registry.example.com/team/api:1.0" });
    expect((await invoke(policies, "cis-4.5-verified-image", tagged)).violations).toHaveLength(1);
    expect(
      await invoke(policies, "cis-4.5-verified-image", tagged, { "cis-4.5-verified-image": { contentTrust: true } }),
    ).toEqual({ violations: [] });
    const trusted = await invoke(policies, "cis-4.2-trusted-registries", tagged, {
      "cis-4.2-trusted-registries": { trustedRegistries: ["registry.example.com"], reportManual: true },
    });
    expect(trusted.violations[0]).toContain('matches the allow-list entry "registry.example.com"');
    const socket = container({ volumes: [{ hostPath: "/srv/docker/api.sock", containerPath: "/api.sock" }] });
    expect(await invoke(policies, "cis-5.32-no-docker-socket", socket)).toEqual({ violations: [] });
    expect(
      (
        await invoke(policies, "cis-5.32-no-docker-socket", socket, {
          "cis-5.32-no-docker-socket": { dockerSocketPath: "/srv/docker/api.sock" },
        })
      ).violations,
    ).toHaveLength(1);
  });

  it("per-policy and `all` enforcement levels; invalid config is rejected like the engine does", async () => {
    const config = reconcileConfig(policies, "advisory", undefined, {
      all: "advisory",
      "cis-5.5-no-privileged": "mandatory",
      "cis-5.11-memory-limit": { enforcementLevel: "disabled" },
    });
    const result = await analyzeResource(
      policies,
      { ...container({ privileged: true, memory: undefined, readOnly: false }), urn: "urn:x" },
      config,
    );
    const level = (name: string) => result.diagnostics.find((d) => d.policyName === name)?.enforcementLevel;
    expect(level("cis-5.5-no-privileged")).toBe("mandatory");
    expect(level("cis-5.13-read-only-rootfs")).toBe("advisory");
    expect(level("cis-5.11-memory-limit")).toBeUndefined();
    expect(() =>
      reconcileConfig(policies, "advisory", undefined, {
        "cis-5.4-restrict-capabilities": { capabilityAllowList: "NET_ADMIN" },
      }),
    ).toThrow(PolicyConfigError);
    expect(() =>
      reconcileConfig(policies, "advisory", undefined, { "cis-5.5-no-privileged": { unknownValues: "ignore" } }),
    ).toThrow(/not one of "report", "fail"/);
    expect(() => reconcileConfig(policies, "advisory", undefined, { "no-such-policy": "mandatory" })).toThrow(
      /not a policy of this pack/,
    );
  });
});

describe("the engine's fresh props per policy", () => {
  it("gives the same verdicts as shared props, and a changed resource is judged again", async () => {
    const config = reconcileConfig(policies);
    const resource = {
      ...container({ privileged: true }),
      urn: "urn:pulumi:t::p::docker:index/container:Container::api",
    };
    const shared = await analyzeResource(policies, resource, config);
    const fresh = await analyzeResource(policies, resource, config, { freshPropsPerPolicy: true });
    expect(fresh.diagnostics).toEqual(shared.diagnostics);
    const fixed = await analyzeResource(policies, { ...resource, props: compliantContainer() }, config, {
      freshPropsPerPolicy: true,
    });
    expect(fixed.diagnostics.filter((d) => d.policyName === "cis-5.5-no-privileged")).toEqual([]);
  });
});

describe("docker.Service", () => {
  const service = (containerSpec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: SERVICE,
    name: "api",
    props: {
      taskSpec: {
        containerSpec: {
          image: "registry.example.com/team/api@sha256:" + "e".repeat(64),
          user: "10001",
          readOnly: true,
          capDrops: ["ALL"],
          healthcheck: { tests: ["CMD", "/bin/true"] },
          ...containerSpec,
        },
        resources: { limits: { memoryBytes: 268435456, nanoCpus: 500000000 } },
        restartPolicy: { condition: "on-failure", maxAttempts: 3 },
        networksAdvanceds: [{ name: "backend" }],
      },
      ...extra,
    },
  });

  it("its task's container is judged by the container rules", async () => {
    expect(await invoke(policies, "cis-5.11-memory-limit", service({}))).toEqual({ violations: [] });
    expect((await invoke(policies, "cis-4.1-run-as-non-root", service({ user: "0" }))).violations).toHaveLength(1);
    expect((await invoke(policies, "cis-5.13-read-only-rootfs", service({ readOnly: false }))).violations).toHaveLength(
      1,
    );
    expect(await invoke(policies, "cis-5.10-no-host-network", service({}))).toEqual({ violations: [] });
  });

  it("published ports listen on every interface (swarm cannot bind an address)", async () => {
    const result = await invoke(
      policies,
      "cis-5.14-bind-ports-to-host-address",
      service({}, { endpointSpec: { ports: [{ targetPort: 8080, publishedPort: 18080 }] } }),
    );
    expect(result.violations[0]).toContain("0.0.0.0");
  });

  it("the swarm default restart policy (any) is unbounded; exemptions come from container spec labels", async () => {
    const s = service({
      labels: [exemptionLabel("5.15", { reason: "swarm reschedules crashed tasks by design", expires: FUTURE })],
    });
    const props = s.props as { taskSpec: { restartPolicy?: unknown } };
    delete props.taskSpec.restartPolicy;
    expect(await invoke(policies, "cis-5.15-bounded-restarts", s)).toEqual({ violations: [] });
    const noExemption = service({});
    delete (noExemption.props as { taskSpec: { restartPolicy?: unknown } }).taskSpec.restartPolicy;
    expect((await invoke(policies, "cis-5.15-bounded-restarts", noExemption)).violations[0]).toContain('"always"');
  });

  it("an unknown image inside the task spec leaves only the image rules undecided", async () => {
    const s = service({ image: UNKNOWN });
    expect((await invoke(policies, "cis-4.5-verified-image", s)).unknown?.props).toEqual([
      "taskSpec",
      "containerSpec",
      "image",
    ]);
    expect(await invoke(policies, "cis-4.1-run-as-non-root", s)).toEqual({ violations: [] });
  });
});

describe("docker.Network", () => {
  it("7.3: an unencrypted overlay fails, an encrypted one passes, an exemption excuses", async () => {
    expect(
      (await invoke(policies, "cis-7.3-encrypted-overlay", { type: NETWORK, props: { driver: "overlay" } }))
        .violations[0],
    ).toContain("encrypted = false");
    expect(
      await invoke(policies, "cis-7.3-encrypted-overlay", {
        type: NETWORK,
        props: { driver: "overlay", options: { encrypted: "" } },
      }),
    ).toEqual({ violations: [] });
    const exempted = {
      type: NETWORK,
      props: {
        driver: "overlay",
        labels: [exemptionLabel("7.3", { reason: "traffic is encrypted by the service mesh", expires: FUTURE })],
      },
    };
    expect(await invoke(policies, "cis-7.3-encrypted-overlay", exempted)).toEqual({ violations: [] });
  });

  it("an expired exemption on a network is a violation", async () => {
    const expired = {
      type: NETWORK,
      props: {
        driver: "overlay",
        labels: [exemptionLabel("7.3", { reason: "traffic is encrypted by the service mesh", expires: PAST })],
      },
    };
    expect((await invoke(policies, "hd-exemptions-network-valid", expired)).violations[0]).toContain("expired");
    expect((await invoke(policies, "cis-7.3-encrypted-overlay", expired)).violations).toHaveLength(1);
  });
});

describe("the Docker provider (CIS 2.7)", () => {
  const provider = (props: Record<string, unknown>) => ({ type: PROVIDER, name: "remote", props });
  it("a tcp:// host without TLS material fails", async () => {
    const result = await invoke(policies, "cis-2.7-tcp-requires-tls", provider({ host: "tcp://10.0.0.12:2375" }));
    expect(result.violations[0]).toMatch(/tlsVerify = false.*tcp:\/\/10.0.0.12:2375/);
  });

  it(
    "a tcp:// host with CA, certificate and key (material or certPath) passes; " +
      "key material never appears in messages",
    async () => {
      const material = {
        host: "tcp://10.0.0.12:2376",
        caMaterial: "-----BEGIN CERTIFICATE-----CA",
        certMaterial: "-----BEGIN CERTIFICATE-----C",
        keyMaterial: "-----BEGIN PRIVATE KEY-----SECRET",
      };
      expect(await invoke(policies, "cis-2.7-tcp-requires-tls", provider(material))).toEqual({ violations: [] });
      expect(
        await invoke(
          policies,
          "cis-2.7-tcp-requires-tls",
          provider({ host: "tcp://10.0.0.12:2376", certPath: "/etc/docker/client" }),
        ),
      ).toEqual({ violations: [] });
      const noCa = await invoke(policies, "cis-2.7-tcp-requires-tls", provider({ ...material, caMaterial: undefined }));
      expect(noCa.violations[0]).toContain("tlsCaCert");
      expect(noCa.violations[0]).not.toContain("SECRET");
    },
  );

  it("unix and ssh hosts pass; a provider without host cannot be judged (it uses DOCKER_HOST)", async () => {
    expect(
      await invoke(policies, "cis-2.7-tcp-requires-tls", provider({ host: "unix:///var/run/docker.sock" })),
    ).toEqual({ violations: [] });
    expect(await invoke(policies, "cis-2.7-tcp-requires-tls", provider({ host: "ssh://deploy@10.0.0.12" }))).toEqual({
      violations: [],
    });
    expect((await invoke(policies, "cis-2.7-tcp-requires-tls", provider({}))).notApplicable).toMatch(/DOCKER_HOST/);
    expect((await invoke(policies, "cis-2.7-tcp-requires-tls", provider({ host: UNKNOWN }))).unknown?.props).toEqual([
      "host",
    ]);
  });
});

describe("clock", () => {
  it("exemption expiry is judged at the pack's clock", async () => {
    const resource = container({
      readOnly: false,
      labels: [
        { label: "hardened-docker.pids-limit", value: "256" },
        exemptionLabel("5.13", { reason: "writes its cache under /var/cache/app", expires: "2026-11-28" }),
      ],
    });
    // last day still valid
    expect(await invoke(policies, "cis-5.13-read-only-rootfs", resource)).toEqual({ violations: [] });
    const later = pack({ now: () => new Date(NOW.getTime() + 24 * 3600 * 1000) });
    expect((await invoke(later, "cis-5.13-read-only-rootfs", resource)).violations).toHaveLength(1);
  });
});

it("lists the mandatory resource policies the compliant baseline exercises", () => {
  expect(mandatoryRulePolicies.length).toBeGreaterThan(25);
});
