import { AdapterError } from "../../../src/adapters/errors";
import { containerFactsFromPulumiInputs, PIDS_LIMIT_LABEL } from "../../../src/adapters/pulumi-container";

const DIGEST = "sha256:" + "c".repeat(64);

describe("containerFactsFromPulumiInputs", () => {
  it("applies the provider's insecure defaults to a bare container", () => {
    const f = containerFactsFromPulumiInputs(
      { image: "redis:7", ports: [{ internal: 6379, external: 6379 }] },
      "cache",
    );
    expect(f).toMatchObject({
      origin: "declared",
      state: "declared",
      name: "cache",
      privileged: false,
      capDrop: [],
      readOnlyRootfs: false,
      memoryBytes: 0,
      networkMode: "bridge",
      networks: ["bridge"],
      restartPolicy: { name: "no", maximumRetryCount: 0 },
      ports: [{ containerPort: 6379, hostPort: 6379, hostIp: "0.0.0.0", protocol: "tcp" }],
    });
    expect(f.image).toMatchObject({ registry: "docker.io", repository: "library/redis", tag: "7" });
    expect(f.pidsLimit).toBeUndefined();
    expect(f.healthcheck).toBeUndefined();
  });

  it("normalises units: memory MB → bytes, cpus → NanoCpus, durations → seconds, caps", () => {
    const f = containerFactsFromPulumiInputs(
      {
        image: `ghcr.io/acme/app@${DIGEST}`,
        memory: 256,
        cpus: "0.5",
        capabilities: { drops: ["all"], adds: ["cap_net_bind_service"] },
        healthcheck: { tests: ["CMD", "true"], interval: "1m30s", timeout: "500ms", retries: 3 },
        labels: [{ label: PIDS_LIMIT_LABEL, value: "128" }],
        envs: ["PASSWORD=hunter2", "MODE=prod"],
        networkMode: "backend",
        networksAdvanced: [{ name: "backend" }, { name: "metrics" }],
        securityOpts: ["no-new-privileges:true", "seccomp=unconfined"],
        tmpfs: { "/tmp": "size=64m" },
        mounts: [{ type: "bind", source: "/etc", target: "/host-etc", bindOptions: { propagation: "rshared" } }],
      },
      "app",
    );
    expect(f.memoryBytes).toBe(256 * 1024 * 1024);
    expect(f.nanoCpus).toBe(500_000_000);
    expect(f.capDrop).toEqual(["ALL"]);
    expect(f.capAdd).toEqual(["NET_BIND_SERVICE"]);
    expect(f.healthcheck).toEqual({ test: ["CMD", "true"], intervalSeconds: 90, timeoutSeconds: 0.5, retries: 3 });
    expect(f.pidsLimit).toBe(128);
    expect(f.envNames).toEqual(["PASSWORD", "MODE"]);
    expect(JSON.stringify(f)).not.toContain("hunter2");
    expect(f.networks).toEqual(["backend", "metrics"]);
    expect(f.securityOptions).toMatchObject({ noNewPrivileges: true, seccompProfile: "unconfined" });
    expect(f.mounts).toEqual([
      { type: "bind", source: "/etc", target: "/host-etc", readOnly: false, propagation: "rshared" },
      { type: "tmpfs", source: "", target: "/tmp", readOnly: false },
    ]);
    expect(f.image.digest).toBe(DIGEST);
  });

  it(
    "reads the PIDs-limit label as its companion `docker update --pids-limit=<label>` applies it " +
      "(the docker CLI's ParseInt, base 0)",
    () => {
      const limit = (value: string) =>
        containerFactsFromPulumiInputs({ image: "redis:7", labels: [{ label: PIDS_LIMIT_LABEL, value }] }, "c")
          .pidsLimit;
      expect(["256", "010", "0x40", "+64", "1_000", "0", "-1"].map(limit)).toEqual([256, 8, 64, 64, 1000, 0, -1]);
      // The CLI refuses these, so no limit is applied.
      expect(["08", "abc", " 64", "1e3", ""].map(limit)).toEqual(Array(5).fill(undefined));
    },
  );

  it("names the resource and field on wrong input", () => {
    expect(() => containerFactsFromPulumiInputs({ image: "x", memory: "256m" }, "web")).toThrow(
      'docker.Container "web": memory: expected number, got string',
    );
    expect(() => containerFactsFromPulumiInputs({}, "web")).toThrow(/image: required field is missing/);
    expect(() => containerFactsFromPulumiInputs({ image: "x", restart: "sometimes" }, "web")).toThrow(
      /restart: "sometimes"/,
    );
    try {
      containerFactsFromPulumiInputs({ image: "x", ports: [{ internal: "80" }] }, "web");
    } catch (e) {
      expect(e).toBeInstanceOf(AdapterError);
      expect((e as AdapterError).field).toBe("ports[0].internal");
    }
  });
});
