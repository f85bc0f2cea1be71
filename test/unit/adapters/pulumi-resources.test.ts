import { AdapterError } from "../../../src/adapters/errors";
import {
  networkFactsFromPulumiInputs,
  providerDaemonFacts,
  serviceFactsFromPulumiInputs,
} from "../../../src/adapters/pulumi-resources";

describe("networkFactsFromPulumiInputs", () => {
  it("applies the provider's default driver and reads options and labels", () => {
    expect(networkFactsFromPulumiInputs({}, "n")).toMatchObject({
      kind: "network",
      name: "n",
      driver: "bridge",
      scope: "local",
      internal: false,
      encrypted: false,
      isDefaultBridge: false,
      labels: {},
    });
    const overlay = networkFactsFromPulumiInputs(
      {
        name: "mesh",
        driver: "overlay",
        internal: true,
        options: { encrypted: "", "com.docker.network.bridge.enable_icc": "false" },
        labels: [{ label: "team", value: "a" }],
      },
      "n",
    );
    expect(overlay).toMatchObject({
      name: "mesh",
      driver: "overlay",
      scope: "swarm",
      internal: true,
      encrypted: true,
      enableIcc: false,
      labels: { team: "a" },
    });
  });

  it("rejects an enable_icc option dockerd would not parse", () => {
    expect(() =>
      networkFactsFromPulumiInputs({ options: { "com.docker.network.bridge.enable_icc": "yes" } }, "n"),
    ).toThrow(AdapterError);
  });
});

describe("serviceFactsFromPulumiInputs", () => {
  const base = { taskSpec: { containerSpec: { image: "nginx:1" } } };

  it("states what a swarm task cannot have, and the swarm defaults", () => {
    const f = serviceFactsFromPulumiInputs(
      { ...base, endpointSpec: { ports: [{ targetPort: 80, publishedPort: 8080 }] } },
      "web",
    );
    expect(f).toMatchObject({
      privileged: false,
      pidMode: "",
      networkMode: "ingress",
      networks: ["ingress"],
      restartPolicy: { name: "always", maximumRetryCount: 0 },
      ports: [{ containerPort: 80, hostPort: 8080, hostIp: "0.0.0.0", protocol: "tcp" }],
      memoryBytes: 0,
    });
    expect(f.pidsLimit).toBeUndefined();
    expect(f.securityOptions.noNewPrivileges).toBe(false);
  });

  it("maps the container spec, limits, restart policy, networks and SELinux context", () => {
    const f = serviceFactsFromPulumiInputs(
      {
        name: "api",
        taskSpec: {
          containerSpec: {
            image: "ghcr.io/acme/api@sha256:" + "b".repeat(64),
            user: "10001",
            readOnly: true,
            capAdds: ["cap_net_bind_service"],
            capDrops: ["all"],
            privileges: { seLinuxContext: { type: "svc_t", level: "s0" } },
            mounts: [
              { type: "bind", source: "/srv", target: "/data", readOnly: true, bindOptions: { propagation: "rslave" } },
            ],
            healthcheck: { tests: ["CMD", "true"], interval: "10s" },
            labels: [{ label: "hardened-docker.pids-limit", value: "64" }],
            env: { TOKEN: "secret-value" },
          },
          resources: { limits: { memoryBytes: 1048576, nanoCpus: 250000000 } },
          restartPolicy: { condition: "on-failure", maxAttempts: 3 },
          networksAdvanceds: [{ name: "backend" }, { id: "abc123" }],
        },
      },
      "svc",
    );
    expect(f).toMatchObject({
      name: "api",
      user: "10001",
      readOnlyRootfs: true,
      capAdd: ["NET_BIND_SERVICE"],
      capDrop: ["ALL"],
      memoryBytes: 1048576,
      nanoCpus: 250000000,
      pidsLimit: 64,
      restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
      networkMode: "backend",
      networks: ["backend", "abc123"],
      healthcheck: { test: ["CMD", "true"], intervalSeconds: 10 },
      envNames: ["TOKEN"],
    });
    expect(f.securityOptions.selinuxLabels).toEqual(["type:svc_t", "level:s0"]);
    expect(f.mounts).toEqual([
      { type: "bind", source: "/srv", target: "/data", readOnly: true, propagation: "rslave" },
    ]);
    expect(JSON.stringify(f)).not.toContain("secret-value");
  });

  it("names the field when the input is not a service", () => {
    expect(() => serviceFactsFromPulumiInputs({ taskSpec: {} }, "bad")).toThrow(
      /taskSpec.containerSpec: required field is missing/,
    );
    expect(() =>
      serviceFactsFromPulumiInputs(
        { taskSpec: { containerSpec: { image: "x" }, restartPolicy: { condition: "sometimes" } } },
        "bad",
      ),
    ).toThrow(/condition: "sometimes"/);
  });
});

describe("providerDaemonFacts", () => {
  it("a TCP host: TLS-verified only with a client certificate and key; material never enters the facts", () => {
    const plain = providerDaemonFacts({ host: "tcp://10.0.0.1:2375" }, "p")!;
    expect(plain).toMatchObject({ hosts: ["tcp://10.0.0.1:2375"], tls: false, tlsVerify: false });
    const verified = providerDaemonFacts(
      { host: "tcp://10.0.0.1:2376", caMaterial: "CA-PEM", certMaterial: "CERT-PEM", keyMaterial: "KEY-PEM" },
      "p",
    )!;
    expect(verified).toMatchObject({
      tls: true,
      tlsVerify: true,
      tlsCaCert: "provider caMaterial",
      tlsCert: "provider certMaterial",
      tlsKey: "provider keyMaterial",
    });
    expect(JSON.stringify(verified)).not.toContain("KEY-PEM");
    expect(providerDaemonFacts({ host: "tcp://h:2376", certPath: "/certs" }, "p")).toMatchObject({
      tlsVerify: true,
      tlsCaCert: "/certs/ca.pem",
      tlsKey: "/certs/key.pem",
    });
    expect(providerDaemonFacts({ host: "tcp://h:2376", caMaterial: "CA" }, "p")).toMatchObject({
      tls: true,
      tlsVerify: false,
    });
  });

  it("ssh implies no TCP listener; no host means DOCKER_HOST decides (not judged)", () => {
    expect(providerDaemonFacts({ host: "ssh://deploy@h" }, "p")!.hosts).toEqual([]);
    expect(providerDaemonFacts({}, "p")).toBeUndefined();
  });
});
