/**
 * Engine API adapter. The fixtures are captures from a real dockerd 20.10.24 (API 1.41) started
 * by scripts/test-engine.sh (vfs, own network namespace, no AppArmor on that host):
 *   engine-container-hardened            running: cap-drop ALL, cap-add net_bind_service, no-new-privileges:true,
 *                                        read-only, user 10001:10001, 64m, 0.5 cpu, pids 50, on-failure:3,
 *                                        healthcheck (healthy), 127.0.0.1:18080, user-defined network, --tmpfs,
 *                                        env with a secret
 *   engine-container-privileged-created  created, never started: --privileged, restart always, -p 80:8080,
 *                                        rw bind of /etc, ro bind of a docker.sock, rshared bind, a named volume
 *   engine-container-hostns              running: host net/pid/ipc/uts/userns, cap-add SYS_ADMIN + cap_net_admin,
 *                                        cgroup parent, unless-stopped, a device, a ulimit, cpu shares/quota, pids -1
 *   engine-container-ports               running: -p 80:8080 -p [::]:81:8081 -p 127.0.0.1:18081:8082/udp
 *                                        -p [::1]:18082:8083 --expose 9000 -P
 *   engine-container-secopts-exited      exited: seccomp/apparmor unconfined, label=disable, no-new-privileges=false,
 *                                        --no-healthcheck, --user root
 *   engine-container-sshd + engine-top-sshd   running `/usr/sbin/sshd` (a stand-in binary) and its `top`
 *   engine-info / engine-info-swarm      `docker info` plain, and with swarm (autolock), insecure registries,
 *                                        experimental
 *   engine-network-*                     default bridge, a bridge with enable_icc=false, host, overlays
 *                                        with/without `encrypted`
 *   engine-image-busybox                 the test image
 *   engine-image-probe + engine-image-history-probe   an image built on it by the classic builder (FROM the test
 *                                        image, --build-arg DB_PASSWORD=s3cret): ARG DB_PASSWORD, ADD and COPY
 *                                        of a file, RUNs (a fake apt-get, `apt-get update` alone, update with
 *                                        install), ENV DB_PASSWORD=hunter2 PLAIN=x, EXPOSE 8080, CMD; its
 *                                        inspect and `GET /images/{id}/history`
 * Variants below (`with(...)`) change one field of a capture to reach paths the captures do not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AdapterError,
  containerFactsFromInspect,
  engineFactsFromInfo,
  imageFactsFromInspect,
  imageHistoryFromEngine,
  networkFactsFromInspect,
  processesFromTop,
  execEventFromInspect,
} from "../../../src/adapters/engine-api";

const FIXTURES = join(__dirname, "fixtures");
const text = (name: string): string => readFileSync(join(FIXTURES, `${name}.json`), "utf8");
/**
 * A capture's JSON as the variants edit it: they reach any member at any depth and give it any value (a wrong type
 * included, to reach the adapters' errors), which no type short of `any` allows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free edits of arbitrary JSON, see above
type Capture = Record<string, any>;
const load = (name: string): Capture => JSON.parse(text(name));

/** A deep copy of a capture with `edit` applied. */
function with_(name: string, edit: (j: Capture) => void): Capture {
  const j = load(name);
  edit(j);
  return j;
}

/** The AdapterError thrown by `fn` (fails the test if none or another kind is thrown). */
function adapterError(fn: () => unknown): AdapterError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toBeInstanceOf(Error);
    return err as AdapterError;
  }
  throw new Error("expected an AdapterError, nothing was thrown");
}

describe("containerFactsFromInspect — real captures", () => {
  test("hardened running container: every field normalised", () => {
    const c = containerFactsFromInspect(load("engine-container-hardened"));
    expect(c).toMatchObject({
      kind: "container",
      origin: "live",
      name: "hardened",
      state: "running",
      image: { raw: "hd-busybox", registry: "docker.io", repository: "library/hd-busybox", isImageId: false },
      user: "10001:10001",
      privileged: false,
      capAdd: ["NET_BIND_SERVICE"], // engine stores CAP_NET_BIND_SERVICE
      capDrop: ["ALL"],
      securityOptions: { noNewPrivileges: true, selinuxLabelDisabled: false, raw: ["no-new-privileges:true"] },
      appliedAppArmorProfile: "",
      mounts: [{ type: "tmpfs", source: "", target: "/tmp", readOnly: false }], // --tmpfs is only in HostConfig.Tmpfs
      ports: [{ containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 18080 }],
      networkMode: "appnet",
      networks: ["appnet"],
      memoryBytes: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      cpuShares: 0,
      pidsLimit: 50,
      readOnlyRootfs: true,
      restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
      healthcheck: {
        test: ["CMD-SHELL", "true"],
        intervalSeconds: 2,
        timeoutSeconds: 2,
        startPeriodSeconds: 1,
        retries: 3,
      },
      healthStatus: "healthy",
      labels: { team: "payments" },
      envNames: ["SECRET_TOKEN", "PATH"],
    });
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    expect(c.processes).toBeUndefined(); // not collected unless given
  });

  test("environment values never reach the facts", () => {
    const raw = text("engine-container-hardened");
    expect(raw).toContain("hunter2"); // the capture has the secret value…
    expect(JSON.stringify(containerFactsFromInspect(raw))).not.toContain("hunter2"); // …the facts do not
  });

  test("created, never started: declared PortBindings, mounts with propagation, implicit label=disable", () => {
    const c = containerFactsFromInspect(load("engine-container-privileged-created"));
    expect(c.state).toBe("created");
    expect(c.privileged).toBe(true);
    // NetworkSettings.Ports is empty for a container that never ran: the declaration is used.
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: "tcp", hostIp: "", hostPort: 80 }]);
    expect(c.mounts).toEqual(
      expect.arrayContaining([
        { type: "bind", source: "/etc", target: "/host-etc", readOnly: false, propagation: "rprivate" },
        expect.objectContaining({ type: "bind", target: "/var/run/docker.sock", readOnly: true }),
        expect.objectContaining({ type: "bind", target: "/shared", readOnly: false, propagation: "rshared" }),
        { type: "volume", source: "appdata", target: "/data", readOnly: false }, // volume name, not its directory
      ]),
    );
    expect(c.mounts).toHaveLength(4);
    expect(c.securityOptions.selinuxLabelDisabled).toBe(true); // the engine adds label=disable to privileged containers
    expect(c.restartPolicy).toEqual({ name: "always", maximumRetryCount: 0 });
    expect(c.networkMode).toBe("default");
    expect(c.healthcheck).toBeUndefined();
    expect(c.healthStatus).toBeUndefined();
    expect(c.pidsLimit).toBeUndefined();
    expect(c.memoryBytes).toBe(0);
    expect(c.user).toBeUndefined(); // neither container nor image sets one
    // The engine chooses the AppArmor profile at start: "" on a never-started container means "not yet".
    expect(c.appliedAppArmorProfile).toBeUndefined();
  });

  test("host namespaces, capability spellings, cgroup parent, devices, ulimits, pids -1", () => {
    const c = containerFactsFromInspect(load("engine-container-hostns"));
    expect(c).toMatchObject({
      state: "running",
      networkMode: "host",
      networks: ["host"],
      pidMode: "host",
      ipcMode: "host",
      utsMode: "host",
      usernsMode: "host",
      capAdd: ["NET_ADMIN", "SYS_ADMIN"], // given as SYS_ADMIN and cap_net_admin, stored as CAP_…
      capDrop: [],
      cgroupParent: "/hd-fixture",
      restartPolicy: { name: "unless-stopped", maximumRetryCount: 0 },
      devices: [{ pathOnHost: "/dev/null", pathInContainer: "/dev/xnull", permissions: "rw" }],
      ulimits: [{ name: "nofile", soft: 1024, hard: 2048 }],
      cpuShares: 512,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      memoryBytes: 32 * 1024 * 1024,
      ports: [],
    });
    expect(c.pidsLimit).toBeUndefined(); // --pids-limit -1 is stored as null: unlimited
    expect(c.securityOptions.selinuxLabelDisabled).toBe(true); // implicit for --pid/--ipc host
  });

  test("running container: actual bindings incl. IPv6 twins and -P ports", () => {
    const c = containerFactsFromInspect(load("engine-container-ports"));
    expect(c.ports).toEqual([
      // -p 80:8080 declared with no address: the engine bound 0.0.0.0 AND ::
      { containerPort: 8080, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 80 },
      { containerPort: 8080, protocol: "tcp", hostIp: "::", hostPort: 80 },
      { containerPort: 8081, protocol: "tcp", hostIp: "::", hostPort: 81 },
      { containerPort: 8082, protocol: "udp", hostIp: "127.0.0.1", hostPort: 18081 },
      { containerPort: 8083, protocol: "tcp", hostIp: "::1", hostPort: 18082 },
      // -P: published, but absent from HostConfig.PortBindings
      { containerPort: 9000, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 32768 },
      { containerPort: 9000, protocol: "tcp", hostIp: "::", hostPort: 32768 },
    ]);
    expect(load("engine-container-ports").HostConfig.PortBindings["9000/tcp"]).toBeUndefined();
  });

  test("stopped container: declared bindings, and -P exposes every exposed port on all interfaces", () => {
    const c = containerFactsFromInspect(with_("engine-container-ports", (j) => (j.State.Status = "exited")));
    expect(c.ports).toEqual([
      { containerPort: 8080, protocol: "tcp", hostIp: "", hostPort: 80 },
      { containerPort: 8081, protocol: "tcp", hostIp: "::", hostPort: 81 },
      { containerPort: 8082, protocol: "udp", hostIp: "127.0.0.1", hostPort: 18081 },
      { containerPort: 8083, protocol: "tcp", hostIp: "::1", hostPort: 18082 },
      { containerPort: 9000, protocol: "tcp", hostIp: "", hostPort: 0 },
    ]);
  });

  test("exited container with every weakening security option", () => {
    const c = containerFactsFromInspect(load("engine-container-secopts-exited"));
    expect(c.state).toBe("exited");
    expect(c.user).toBe("root");
    expect(c.securityOptions).toMatchObject({
      seccompProfile: "unconfined",
      apparmorProfile: "unconfined",
      selinuxLabelDisabled: true,
      noNewPrivileges: false,
      noNewPrivilegesOptOut: true,
    });
    expect(c.healthcheck).toEqual({ test: ["NONE"] }); // --no-healthcheck
  });

  test("processes from the engine's top are attached when given", () => {
    const processes = processesFromTop(load("engine-top-sshd"), "sshd");
    expect(processes).toEqual(["/usr/sbin/sshd -s -- sleep 3600", "sleep 3600"]);
    const c = containerFactsFromInspect(load("engine-container-sshd"), { processes });
    expect(c.processes).toEqual(processes);
    expect(processesFromTop(text("engine-top-hardened"))).toEqual(["sleep 3600"]);
  });

  test("the image's user and healthcheck are attached when given", () => {
    const img = imageFactsFromInspect(with_("engine-image-busybox", (j) => (j.Config.User = "app")));
    const c = containerFactsFromInspect(load("engine-container-ports"), { imageConfig: img });
    expect(c.imageConfig).toEqual({ user: "app" });
  });

  test("JSON text and docker inspect's one-element array are accepted", () => {
    const fromText = containerFactsFromInspect(text("engine-container-hardened"));
    const fromArray = containerFactsFromInspect([load("engine-container-hardened")]);
    expect(fromArray).toEqual(fromText);
    expect(fromText.name).toBe("hardened");
  });
});

describe("containerFactsFromInspect — engine defaults for omitted or null fields", () => {
  test("PidsLimit null, 0 and -1 mean unlimited; a positive value is kept", () => {
    for (const v of [null, 0, -1, undefined]) {
      expect(
        containerFactsFromInspect(with_("engine-container-hardened", (j) => (j.HostConfig.PidsLimit = v))).pidsLimit,
      ).toBeUndefined();
    }
    expect(
      containerFactsFromInspect(with_("engine-container-hardened", (j) => (j.HostConfig.PidsLimit = 1))).pidsLimit,
    ).toBe(1);
  });

  test("restart policy sent by API clients as empty name means no", () => {
    const c = containerFactsFromInspect(
      with_("engine-container-hardened", (j) => (j.HostConfig.RestartPolicy = { Name: "", MaximumRetryCount: 0 })),
    );
    expect(c.restartPolicy).toEqual({ name: "no", maximumRetryCount: 0 });
    const none = containerFactsFromInspect(
      with_("engine-container-hardened", (j) => delete j.HostConfig.RestartPolicy),
    );
    expect(none.restartPolicy).toEqual({ name: "no", maximumRetryCount: 0 });
  });

  test("a minimal inspect (older engine, fields omitted or null) gets engine defaults", () => {
    const c = containerFactsFromInspect({
      Id: "abc123abc123abc123",
      State: { Status: "created" },
      Config: { Image: "nginx:1.25", Env: null, Labels: null },
      HostConfig: { CapAdd: null, CapDrop: null, SecurityOpt: null, PortBindings: null, Devices: null, Ulimits: null },
      Mounts: null,
      NetworkSettings: null,
    });
    expect(c).toMatchObject({
      name: "abc123abc123",
      privileged: false,
      capAdd: [],
      capDrop: [],
      securityOptions: { noNewPrivileges: false, raw: [] },
      mounts: [],
      ports: [],
      networks: [],
      networkMode: "",
      memoryBytes: 0,
      readOnlyRootfs: false,
      restartPolicy: { name: "no", maximumRetryCount: 0 },
      labels: {},
      envNames: [],
      image: { registry: "docker.io", repository: "library/nginx", tag: "1.25" },
    });
  });

  test("capability spellings are normalised: upper-case, no CAP_ prefix, ALL kept", () => {
    const c = containerFactsFromInspect(
      with_("engine-container-hostns", (j) => {
        j.HostConfig.CapAdd = ["cap_sys_admin", "CAP_NET_RAW", "chown"];
        j.HostConfig.CapDrop = ["all"];
      }),
    );
    expect(c.capAdd).toEqual(["SYS_ADMIN", "NET_RAW", "CHOWN"]);
    expect(c.capDrop).toEqual(["ALL"]);
  });

  test.each([
    [["no-new-privileges"], { noNewPrivileges: true }],
    [["no-new-privileges:true"], { noNewPrivileges: true }],
    [["no-new-privileges=true"], { noNewPrivileges: true }],
    [["no-new-privileges=false"], { noNewPrivileges: false, noNewPrivilegesOptOut: true }],
    [["seccomp=unconfined"], { seccompProfile: "unconfined" }],
    [["seccomp:unconfined"], { seccompProfile: "unconfined" }],
    [["apparmor=my-profile"], { apparmorProfile: "my-profile" }],
    [["label=disable"], { selinuxLabelDisabled: true }],
    [["label:disable"], { selinuxLabelDisabled: true }],
    [
      ["label=type:svirt_apache_t", "label=level:s0:c100"],
      { selinuxLabels: ["type:svirt_apache_t", "level:s0:c100"], selinuxLabelDisabled: false },
    ],
  ])("SecurityOpt %j → %j", (opts, expected) => {
    const c = containerFactsFromInspect(with_("engine-container-ports", (j) => (j.HostConfig.SecurityOpt = opts)));
    expect(c.securityOptions).toMatchObject({ ...expected, raw: opts });
  });

  test("a host port range gives its lowest port; an empty host port means ephemeral (0)", () => {
    const c = containerFactsFromInspect(
      with_("engine-container-privileged-created", (j) => {
        j.HostConfig.PortBindings = {
          "80/tcp": [{ HostIp: "::", HostPort: "443-450" }],
          "53/udp": [{ HostIp: "127.0.0.1", HostPort: "" }],
          "9/tcp": null,
        };
      }),
    );
    expect(c.ports).toEqual([
      { containerPort: 80, protocol: "tcp", hostIp: "::", hostPort: 443 },
      { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 0 },
    ]);
  });

  test("health status and Healthcheck durations in nanoseconds → seconds", () => {
    const c = containerFactsFromInspect(
      with_("engine-container-hardened", (j) => {
        j.State.Health.Status = "unhealthy";
        j.Config.Healthcheck = { Test: ["CMD", "/bin/true"], Interval: 30_000_000_000, Timeout: 500_000_000 };
      }),
    );
    expect(c.healthStatus).toBe("unhealthy");
    expect(c.healthcheck).toEqual({ test: ["CMD", "/bin/true"], intervalSeconds: 30, timeoutSeconds: 0.5 });
  });
});

describe("containerFactsFromInspect — bad input gives a clear AdapterError", () => {
  test("truncated JSON text", () => {
    const raw = text("engine-container-hardened");
    const err = adapterError(() => containerFactsFromInspect(raw.slice(0, Math.floor(raw.length / 2))));
    expect(err.message).toMatch(/^container inspect: not valid JSON \(truncated/);
  });

  test("wrong type names the source, the field path and the observed type", () => {
    const err = adapterError(() =>
      containerFactsFromInspect(with_("engine-container-hardened", (j) => (j.HostConfig.CapDrop = "ALL"))),
    );
    expect(err.message).toBe('container inspect "hardened": HostConfig.CapDrop: expected array, got string');
    expect(err.field).toBe("HostConfig.CapDrop");
    expect(err.source).toBe('container inspect "hardened"');
  });

  test("wrong type inside a list names the index", () => {
    const err = adapterError(() =>
      containerFactsFromInspect(with_("engine-container-privileged-created", (j) => (j.Mounts[1].RW = "yes"))),
    );
    expect(err.field).toBe("Mounts[1].RW");
    expect(err.message).toContain("Mounts[1].RW: expected boolean, got string");
  });

  test.each([
    ["Id", (j: Capture) => delete j.Id],
    ["HostConfig", (j: Capture) => delete j.HostConfig],
    ["State", (j: Capture) => delete j.State],
    ["Config", (j: Capture) => delete j.Config],
  ])("missing required field %s", (field, edit) => {
    const err = adapterError(() => containerFactsFromInspect(with_("engine-container-hardened", edit)));
    expect(err.field).toBe(field);
    expect(err.message).toContain(`${field}: required field is missing`);
  });

  test("HostConfig of the wrong type", () => {
    const err = adapterError(() =>
      containerFactsFromInspect(with_("engine-container-hardened", (j) => (j.HostConfig = []))),
    );
    expect(err.message).toContain("HostConfig: expected object, got array");
  });

  test("unknown enumeration values name the value seen", () => {
    const state = adapterError(() =>
      containerFactsFromInspect(with_("engine-container-hardened", (j) => (j.State.Status = "sleeping"))),
    );
    expect(state.field).toBe("State.Status");
    expect(state.message).toContain('got "sleeping"');
    const restart = adapterError(() =>
      containerFactsFromInspect(
        with_("engine-container-hardened", (j) => (j.HostConfig.RestartPolicy.Name = "sometimes")),
      ),
    );
    expect(restart.field).toBe("HostConfig.RestartPolicy.Name");
    const propagation = adapterError(() =>
      containerFactsFromInspect(
        with_("engine-container-privileged-created", (j) => (j.Mounts[0].Propagation = "everywhere")),
      ),
    );
    expect(propagation.field).toBe("Mounts[0].Propagation");
  });

  test("malformed port keys and host ports", () => {
    const key = adapterError(() =>
      containerFactsFromInspect(
        with_("engine-container-privileged-created", (j) => (j.HostConfig.PortBindings = { "http/tcp": [] })),
      ),
    );
    expect(key.message).toContain('HostConfig.PortBindings["http/tcp"]: expected "<port>/<tcp|udp|sctp>"');
    const port = adapterError(() =>
      containerFactsFromInspect(
        with_(
          "engine-container-privileged-created",
          (j) => (j.HostConfig.PortBindings["8080/tcp"][0].HostPort = "99999"),
        ),
      ),
    );
    expect(port.field).toBe('HostConfig.PortBindings["8080/tcp"][0].HostPort');
    expect(port.message).toContain('got "99999"');
  });

  test("not an object at all", () => {
    expect(adapterError(() => containerFactsFromInspect(null)).message).toContain("(root): expected object, got null");
    expect(adapterError(() => containerFactsFromInspect(42)).message).toContain("expected object, got number");
    expect(
      adapterError(() =>
        containerFactsFromInspect([load("engine-container-hardened"), load("engine-container-hostns")]),
      ).message,
    ).toContain("got an array of 2");
  });

  test("only the first problem is described, with a count of the others", () => {
    const err = adapterError(() =>
      containerFactsFromInspect(
        with_("engine-container-hardened", (j) => {
          j.HostConfig.Privileged = "false";
          j.HostConfig.Memory = "64m";
        }),
      ),
    );
    expect(err.message).toMatch(/HostConfig\.Privileged: expected boolean, got string \(and 1 more problem\)$/);
  });
});

describe("execEventFromInspect (captures from a real engine)", () => {
  test("a running `docker exec -u root` session", () => {
    expect(execEventFromInspect(load("engine-exec-root-running"))).toEqual({
      privileged: false,
      user: "root",
      command: "sleep 600",
    });
  });
  test("a privileged exec created and not started", () => {
    expect(execEventFromInspect(text("engine-exec-privileged-created"))).toEqual({
      privileged: true,
      user: "0",
      command: "sh -c id (created, not started)",
    });
  });
  test("attached to container facts as the engine's open sessions", () => {
    const sessions = [execEventFromInspect(load("engine-exec-root-running"))!];
    const c = containerFactsFromInspect(load("engine-container-hardened"), { execSessions: sessions });
    expect(c.execAuditEvents).toEqual(sessions);
    expect(c.execAuditCoverage).toBe("engine-sessions");
    expect(containerFactsFromInspect(load("engine-container-hardened"))).not.toHaveProperty("execAuditEvents");
  });
  test("an exec that records no user, in a container that has none, runs as root and is reported so", () => {
    const noUser = execEventFromInspect(with_("engine-exec-root-running", (j) => delete j.ProcessConfig.user))!;
    expect(noUser.user).toBeUndefined();
    const asRoot = containerFactsFromInspect(
      with_("engine-container-hardened", (j) => (j.Config.User = "")),
      { execSessions: [noUser] },
    );
    expect(asRoot.execAuditEvents).toEqual([{ ...noUser, user: "root" }]);
    const asApp = containerFactsFromInspect(load("engine-container-hardened"), { execSessions: [noUser] });
    expect(asApp.execAuditEvents).toEqual([noUser]);
  });
  test("the engine's own health probe is not a `docker exec` (CMD-SHELL through the shell, CMD as given)", () => {
    // Captured while `--health-cmd 'sleep 5'` ran: an exec instance of /bin/sh -c.
    const probe = load("engine-exec-health-probe");
    expect(execEventFromInspect(probe, "hc1", { healthcheckTest: ["CMD-SHELL", "sleep 5"] })).toBeUndefined();
    expect(
      execEventFromInspect(probe, "hc1", { healthcheckTest: ["CMD-SHELL", "sleep 5"], shell: ["/bin/bash", "-c"] }),
    ).toEqual({ privileged: false, command: "/bin/sh -c sleep 5" });
    expect(
      execEventFromInspect(
        with_(
          "engine-exec-health-probe",
          (j) => ((j.ProcessConfig.entrypoint = "sleep"), (j.ProcessConfig.arguments = ["5"])),
        ),
        "hc1",
        { healthcheckTest: ["CMD", "sleep", "5"] },
      ),
    ).toBeUndefined();
    // Another command, or the same one run privileged, is somebody's exec.
    expect(execEventFromInspect(probe, "hc1", { healthcheckTest: ["CMD-SHELL", "sleep 6"] })).toEqual({
      privileged: false,
      command: "/bin/sh -c sleep 5",
    });
    expect(
      execEventFromInspect(
        with_("engine-exec-health-probe", (j) => (j.ProcessConfig.privileged = true)),
        "hc1",
        { healthcheckTest: ["CMD-SHELL", "sleep 5"] },
      )?.privileged,
    ).toBe(true);
  });
  test("bad input names the field", () => {
    expect(() =>
      execEventFromInspect(
        with_("engine-exec-root-running", (j) => (j.ProcessConfig.privileged = "yes")),
        "web",
      ),
    ).toThrow(/exec inspect in "web".*ProcessConfig\.privileged/);
    expect(() => execEventFromInspect(with_("engine-exec-root-running", (j) => delete j.ProcessConfig))).toThrow(
      /ProcessConfig/,
    );
  });
});

describe("processesFromTop", () => {
  test("custom ps_args: the COMMAND column", () => {
    expect(processesFromTop({ Titles: ["PID", "COMMAND"], Processes: [["1", "/usr/sbin/sshd -D"]] })).toEqual([
      "/usr/sbin/sshd -D",
    ]);
  });
  test("no processes (null list)", () => {
    expect(processesFromTop({ Titles: ["UID", "PID", "CMD"], Processes: null })).toEqual([]);
  });
  test("no command column / short row / wrong types are errors", () => {
    expect(adapterError(() => processesFromTop({ Titles: ["PID"], Processes: [["1"]] }, "web")).message).toBe(
      'container top "web": Titles: no CMD/COMMAND/ARGS column in ["PID"]',
    );
    expect(adapterError(() => processesFromTop({ Titles: ["PID", "CMD"], Processes: [["1"]] })).field).toBe(
      "Processes[0]",
    );
    expect(adapterError(() => processesFromTop({ Titles: ["CMD"], Processes: [[1]] })).field).toBe("Processes[0][0]");
  });
});

describe("networkFactsFromInspect", () => {
  test("the default bridge", () => {
    const n = networkFactsFromInspect(load("engine-network-bridge"));
    expect(n).toMatchObject({
      kind: "network",
      origin: "live",
      name: "bridge",
      driver: "bridge",
      scope: "local",
      isDefaultBridge: true,
      enableIcc: true,
      encrypted: false,
    });
    expect(n.containers.length).toBeGreaterThan(0);
  });

  test("a user-defined bridge with enable_icc=false and labels", () => {
    const n = networkFactsFromInspect(text("engine-network-appnet"));
    expect(n).toMatchObject({
      name: "appnet",
      isDefaultBridge: false,
      enableIcc: false,
      labels: { team: "payments" },
      internal: false,
      ipv6: false,
    });
  });

  test("no enable_icc option: undefined (driver default)", () => {
    const n = networkFactsFromInspect(load("engine-network-host"));
    expect(n.enableIcc).toBeUndefined();
    expect(n.isDefaultBridge).toBe(false);
  });

  test("overlay encryption is the presence of the `encrypted` option (the engine stores it empty)", () => {
    expect(load("engine-network-overlay-encrypted").Options.encrypted).toBe("");
    expect(networkFactsFromInspect(load("engine-network-overlay-encrypted"))).toMatchObject({
      driver: "overlay",
      scope: "swarm",
      encrypted: true,
      attachable: true,
      labels: {},
      containers: [],
    });
    expect(networkFactsFromInspect(load("engine-network-overlay-plain")).encrypted).toBe(false);
  });

  test("default bridge recognised by name and driver when the option is absent (older engines)", () => {
    const n = networkFactsFromInspect(
      with_("engine-network-bridge", (j) => delete j.Options["com.docker.network.bridge.default_bridge"]),
    );
    expect(n.isDefaultBridge).toBe(true);
    const renamed = networkFactsFromInspect(with_("engine-network-appnet", (j) => (j.Name = "bridge")));
    expect(renamed.isDefaultBridge).toBe(true);
    const otherDriver = networkFactsFromInspect(with_("engine-network-overlay-plain", (j) => (j.Name = "bridge")));
    expect(otherDriver.isDefaultBridge).toBe(false);
  });

  test("enable_icc spelled as Go's ParseBool allows; anything else is an error", () => {
    const icc = (v: string) =>
      networkFactsFromInspect(
        with_("engine-network-appnet", (j) => (j.Options["com.docker.network.bridge.enable_icc"] = v)),
      ).enableIcc;
    expect(icc("0")).toBe(false);
    expect(icc("True")).toBe(true);
    const err = adapterError(() => icc("maybe"));
    expect(err.message).toBe(
      'network inspect "appnet": Options["com.docker.network.bridge.enable_icc"]: ' +
        'expected "true" or "false", got "maybe"',
    );
  });

  test("bad input", () => {
    expect(
      adapterError(() => networkFactsFromInspect(with_("engine-network-appnet", (j) => delete j.Name))).message,
    ).toContain("Name: required field is missing");
    expect(
      adapterError(() => networkFactsFromInspect(with_("engine-network-appnet", (j) => (j.Options = ["x"])))).field,
    ).toBe("Options");
    expect(adapterError(() => networkFactsFromInspect(text("engine-network-appnet").slice(0, 40))).message).toMatch(
      /^network inspect: not valid JSON/,
    );
  });
});

describe("engineFactsFromInfo", () => {
  test("the image store: containerd when DriverStatus names the snapshotter driver type (Engine 29's default)", () => {
    const info = load("engine-info") as Record<string, unknown>;
    expect(engineFactsFromInfo(info).imageStore).toBe("graphdriver");
    const containerd = {
      ...info,
      Driver: "overlayfs",
      DriverStatus: [["driver-type", "io.containerd.snapshotter.v1"]],
    };
    expect(engineFactsFromInfo(containerd)).toMatchObject({ storageDriver: "overlayfs", imageStore: "containerd" });
  });

  test("plain engine", () => {
    const e = engineFactsFromInfo(load("engine-info"), { apiVersion: "1.41" });
    expect(e).toMatchObject({
      kind: "engine",
      serverVersion: "20.10.24+dfsg1",
      apiVersion: "1.41",
      storageDriver: "vfs",
      loggingDriver: "json-file",
      cgroupDriver: "cgroupfs",
      liveRestoreEnabled: false,
      experimental: false,
      security: {
        apparmor: false,
        selinux: false,
        seccompProfile: "default",
        userns: false,
        rootless: false,
        cgroupns: false,
      },
      insecureRegistryCidrs: ["127.0.0.0/8"], // the engine's built-in default, reported as is
      insecureRegistries: [],
      swarm: { kind: "swarm", state: "inactive", active: false, isManager: false, managers: 0, nodes: 0 },
    });
    expect(e.dataRoot).toMatch(/\/data$/);
    expect(e.containers.total).toBe(e.containers.running + e.containers.paused + e.containers.stopped);
    expect(e.swarm.autolockEnabled).toBeUndefined();
  });

  test("swarm manager with autolock, insecure registries, experimental", () => {
    const e = engineFactsFromInfo(text("engine-info-swarm"));
    // managementAddr: this node's own RemoteManagers entry (the port it listens on; the address it advertises).
    expect(e.swarm).toEqual({
      kind: "swarm",
      state: "active",
      active: true,
      isManager: true,
      managers: 1,
      nodes: 1,
      autolockEnabled: true,
      managementAddr: "127.0.0.1:2377",
    });
    const other = engineFactsFromInfo(
      with_("engine-info-swarm", (j) => (j.Swarm.RemoteManagers = [{ NodeID: "someone-else", Addr: "10.0.0.9:4000" }])),
    );
    expect(other.swarm.managementAddr).toBeUndefined();
    expect(e.insecureRegistries).toEqual(["registry.local:5000"]); // IndexConfigs with Secure: false
    expect(e.insecureRegistryCidrs).toEqual(["10.10.0.0/16", "127.0.0.0/8"]);
    expect(e.experimental).toBe(true);
    expect(e.apiVersion).toBeUndefined();
  });

  test("a locked swarm node is not active but not inactive either", () => {
    const e = engineFactsFromInfo(
      with_("engine-info-swarm", (j) => (j.Swarm = { LocalNodeState: "locked", ControlAvailable: false })),
    );
    expect(e.swarm).toMatchObject({ state: "locked", active: false, managers: 0 });
  });

  test.each([
    [
      [
        "name=apparmor",
        "name=seccomp,profile=builtin",
        "name=selinux",
        "name=userns",
        "name=rootless",
        "name=cgroupns",
      ],
      { apparmor: true, selinux: true, userns: true, rootless: true, cgroupns: true, seccompProfile: "builtin" },
    ],
    [["name=seccomp,profile=unconfined"], { apparmor: false, seccompProfile: "unconfined" }],
    [["apparmor", "seccomp"], { apparmor: true, seccompProfile: "default" }], // pre-1.26 engines
    [[], { apparmor: false, selinux: false, userns: false, rootless: false, cgroupns: false }],
  ])("SecurityOptions %j", (opts, expected) => {
    const e = engineFactsFromInfo(with_("engine-info", (j) => (j.SecurityOptions = opts)));
    expect(e.security).toMatchObject(expected);
    if (!opts.some((o) => o.includes("seccomp"))) expect(e.security.seccompProfile).toBeUndefined();
  });

  test("bad input", () => {
    const wrong = adapterError(() => engineFactsFromInfo(with_("engine-info", (j) => (j.ServerVersion = 20))));
    expect(wrong.message).toBe("docker info: ServerVersion: expected string, got number");
    expect(adapterError(() => engineFactsFromInfo(with_("engine-info", (j) => delete j.DockerRootDir))).field).toBe(
      "DockerRootDir",
    );
    expect(
      adapterError(() =>
        engineFactsFromInfo(with_("engine-info", (j) => (j.RegistryConfig.IndexConfigs["docker.io"].Secure = "yes"))),
      ).field,
    ).toBe("RegistryConfig.IndexConfigs.docker.io.Secure");
    expect(adapterError(() => engineFactsFromInfo(text("engine-info").slice(0, 100))).message).toMatch(
      /^docker info: not valid JSON/,
    );
  });
});

describe("imageFactsFromInspect", () => {
  test("the imported test image: no user, no healthcheck", () => {
    expect(imageFactsFromInspect(load("engine-image-busybox"))).toEqual({
      kind: "image",
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      repoTags: ["hd-busybox:latest"],
      repoDigests: [],
    });
  });

  test("user and healthcheck from the image config", () => {
    const img = imageFactsFromInspect(
      with_("engine-image-busybox", (j) => {
        j.Config.User = "10001";
        j.Config.Healthcheck = { Test: ["CMD-SHELL", "wget -q -O- localhost"], Interval: 10_000_000_000, Retries: 5 };
      }),
    );
    expect(img).toMatchObject({
      user: "10001",
      healthcheck: { test: ["CMD-SHELL", "wget -q -O- localhost"], intervalSeconds: 10, retries: 5 },
    });
  });

  test("bad input", () => {
    const err = adapterError(() => imageFactsFromInspect(with_("engine-image-busybox", (j) => (j.Config.User = 0))));
    expect(err.message).toBe('image inspect "hd-busybox:latest": Config.User: expected string, got number');
    expect(adapterError(() => imageFactsFromInspect({ RepoTags: [] })).message).toContain(
      "Id: required field is missing",
    );
  });
});

describe("imageFactsFromInspect: ENV and exposed ports", () => {
  test("credential-named values hidden, others kept; ports by key", () => {
    const img = imageFactsFromInspect(load("engine-image-probe"));
    expect(img.env).toEqual([
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "DB_PASSWORD=***",
      "PLAIN=x",
    ]);
    expect(img.exposedPorts).toEqual(["8080/tcp"]);
    expect(JSON.stringify(img)).not.toContain("hunter2");
  });

  test("an empty credential stays empty (nothing set); Env null leaves env out", () => {
    const img = imageFactsFromInspect(with_("engine-image-probe", (j) => (j.Config.Env = ["API_TOKEN=", "X"])));
    expect(img.env).toEqual(["API_TOKEN=", "X"]);
    expect(imageFactsFromInspect(load("engine-image-busybox")).env).toBeUndefined();
  });
});

describe("imageHistoryFromEngine", () => {
  test("the classic builder's lines, newest first, secret values hidden", () => {
    const h = imageHistoryFromEngine(text("engine-image-history-probe"), "hd-probe:1");
    expect(h.map((l) => l.createdBy)).toEqual([
      '/bin/sh -c #(nop)  CMD ["sh"]',
      "/bin/sh -c #(nop)  EXPOSE 8080",
      "/bin/sh -c #(nop)  ENV DB_PASSWORD=*** PLAIN=x",
      "|1 DB_PASSWORD=*** /bin/sh -c apt-get update && apt-get install -y curl",
      "|1 DB_PASSWORD=*** /bin/sh -c apt-get update",
      expect.stringMatching(/^\|1 DB_PASSWORD=\*\*\* \/bin\/sh -c printf /),
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/app\/copy.txt $/),
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/app\/app.txt $/),
      "/bin/sh -c #(nop)  ARG DB_PASSWORD",
      "",
    ]);
    expect(h.at(-1)).toEqual({ createdBy: "", comment: "Imported from -" });
    const json = JSON.stringify(h);
    expect(json).not.toContain("hunter2");
    expect(json).not.toContain("s3cret");
  });

  test("bad input is refused, naming the image", () => {
    expect(adapterError(() => imageHistoryFromEngine([], "x:1")).message).toBe(
      "history of x:1: expected history lines, got none",
    );
    expect(adapterError(() => imageHistoryFromEngine([{ CreatedBy: 3 }], "x:1")).message).toContain(
      "history of x:1: [0].CreatedBy: expected string, got number",
    );
    expect(adapterError(() => imageHistoryFromEngine({ CreatedBy: "" }, "x:1")).message).toContain("history of x:1");
    expect(adapterError(() => imageHistoryFromEngine("[{", "x:1")).message).toContain("not valid JSON");
  });
});
