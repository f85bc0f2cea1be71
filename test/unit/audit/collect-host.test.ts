import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  collectHost,
  containerdRootOf,
  flagValue,
  idNames,
  parseOsRelease,
  parseProcLimits,
  swarmListenAddr,
} from "../../../src/audit/collect-host";
import { dataRootOwnFilesystem } from "../../../src/rules/section1/1.1.1-docker-data-root-own-filesystem";
import { ctx } from "../../harness/fixtures";
import type { HostAccess, ProcessInfo, RawStat } from "../../../src/audit/host-access";

/** An in-memory host: files with modes/owners, processes, and optional `auditctl -l` output. */
class FakeHost implements HostAccess {
  readonly label = "fake";
  readonly runs: string[][] = [];
  constructor(
    private readonly files: Record<
      string,
      { text?: string; mode?: number; uid?: number; gid?: number; type?: RawStat["type"] }
    >,
    private readonly procs: ProcessInfo[] = [],
    private readonly auditctl?: { code: number; stdout: string },
  ) {}
  async readFile(p: string) {
    return this.files[p]?.text;
  }
  async stat(p: string) {
    const f =
      this.files[p] ??
      (Object.keys(this.files).some((k) => k.startsWith(p + "/"))
        ? { type: "directory" as const, mode: 0o755 }
        : undefined);
    return f ? { type: f.type ?? "file", uid: f.uid ?? 0, gid: f.gid ?? 0, mode: f.mode ?? 0o644 } : undefined;
  }
  async readdir(p: string) {
    const below = Object.keys(this.files)
      .filter((k) => k.startsWith(p + "/"))
      .map((k) => k.slice(p.length + 1).split("/")[0]!);
    return below.length ? [...new Set(below)] : undefined;
  }
  async readlink(p: string) {
    return this.files[p]?.type === "symlink" ? this.files[p]!.text : undefined;
  }
  async processes(comm: string) {
    return comm === "dockerd" ? this.procs : [];
  }
  async run(argv: string[]) {
    this.runs.push(argv);
    return argv[0] === "auditctl" ? this.auditctl : undefined;
  }
}

const BASE = {
  "/etc/passwd": { text: "root:x:0:0::/root:/bin/sh\nbob:x:1000:999::/home/bob:/bin/sh\n" },
  "/etc/group": { text: "root:x:0:\ndocker:x:999:alice\n" },
  "/proc/self/mountinfo": {
    text: "22 1 254:0 / / rw - ext4 /dev/vda rw\n30 22 254:16 / /var/lib/docker rw - ext4 /dev/vdb rw\n",
  },
};

const dockerd = (pid: number, ...args: string[]): ProcessInfo => ({ pid, argv: ["/usr/bin/dockerd", ...args] });

describe("collectHost: the containerd image store (Engine 29's default) keeps images under containerd's root", () => {
  test(
    "containerd's root (config.toml, else /var/lib/containerd) " +
      "joins the data root for 1.1.1, and must be off / too",
    async () => {
      const host = (files: Record<string, { text: string }>) => new FakeHost({ ...BASE, ...files }, [dockerd(100)]);
      const graph = await collectHost({
        access: host({}),
        socketPath: "/run/docker.sock",
        engine: { dataRoot: "/var/lib/docker", imageStore: "graphdriver" },
      });
      expect(graph.host.locations.containerdRoot).toBeUndefined();
      const byDefault = await collectHost({
        access: host({}),
        socketPath: "/run/docker.sock",
        engine: { dataRoot: "/var/lib/docker", imageStore: "containerd" },
      });
      expect(byDefault.host.locations.containerdRoot).toBe("/var/lib/containerd");
      // /var/lib/docker has its own device in BASE's mount table, /var/lib/containerd does not.
      expect(dataRootOwnFilesystem.check(byDefault.host, ctx())).toMatchObject({
        status: "fail",
        detail: expect.stringContaining(
          "/var/lib/containerd is on / (/dev/vda), the same filesystem as / (the engine keeps its images there",
        ),
      });
      expect(dataRootOwnFilesystem.check(graph.host, ctx()).status).toBe("pass");
      const configured = await collectHost({
        access: host({
          "/etc/containerd/config.toml": {
            text: 'version = 2\nroot = "/var/lib/docker/containerd"\n[plugins]\n  root = "/elsewhere"\n',
          },
        }),
        socketPath: "/run/docker.sock",
        engine: { dataRoot: "/var/lib/docker", imageStore: "containerd" },
      });
      expect(configured.host.locations.containerdRoot).toBe("/var/lib/docker/containerd");
      expect(dataRootOwnFilesystem.check(configured.host, ctx()).status).toBe("pass");
    },
  );

  test("containerdRootOf reads the top-level root only", () => {
    expect(containerdRootOf('root = "/data/containerd"')).toBe("/data/containerd");
    expect(containerdRootOf("  root='/d' # comment")).toBe("/d");
    expect(containerdRootOf('[plugins]\nroot = "/x"')).toBeUndefined();
    expect(containerdRootOf('state = "/run/c"')).toBeUndefined();
  });
});

describe("collectHost: which dockerd", () => {
  const two = () =>
    new FakeHost(
      {
        ...BASE,
        "/etc/docker/daemon.json": { text: '{"icc": false}' },
        "/srv/b/daemon.json": { text: '{"log-level": "debug", "data-root": "/srv/b/data"}' },
        "/srv/b/docker.sock": { type: "socket", mode: 0o660, gid: 999 },
      },
      [dockerd(100), dockerd(200, "--config-file", "/srv/b/daemon.json", "-H", "unix:///srv/b/docker.sock")],
    );

  test("the one listening on the audited socket, with its --config-file", async () => {
    const r = await collectHost({
      access: two(),
      socketPath: "/srv/b/docker.sock",
      engine: { dataRoot: "/srv/b/data" },
    });
    expect(r.dockerd?.pid).toBe(200);
    expect(r.daemon).toMatchObject({ logLevel: "debug", origin: "live", source: { configFile: "/srv/b/daemon.json" } });
    expect(r.host.locations.dockerSocket).toBe("/srv/b/docker.sock");
  });

  test("the default socket (no -H) and /var/run ≡ /run", async () => {
    const r = await collectHost({
      access: two(),
      socketPath: "/run/docker.sock",
      engine: { dataRoot: "/var/lib/docker" },
    });
    expect(r.dockerd?.pid).toBe(100);
    expect(r.daemon?.icc).toBe(false);
  });

  test("by data root when there is no socket to match (tcp, ssh); userns-remap's <root>/<uid>.<gid> too", async () => {
    expect((await collectHost({ access: two(), engine: { dataRoot: "/srv/b/data" } })).dockerd?.pid).toBe(200);
    expect(
      (await collectHost({ access: two(), engine: { dataRoot: "/var/lib/docker/100000.100000" } })).dockerd?.pid,
    ).toBe(100);
  });

  test("none matching, or several: no daemon facts, and a note saying why", async () => {
    const none = await collectHost({ access: two(), engine: { dataRoot: "/elsewhere" } });
    expect(none.daemon).toBeUndefined();
    expect(none.notes.join("\n")).toMatch(/none of the 2 dockerd process\(es\) serves this engine/);
    const twins = new FakeHost(BASE, [dockerd(1), dockerd(2)]);
    const ambiguous = await collectHost({ access: twins, engine: { dataRoot: "/var/lib/docker" } });
    expect(ambiguous.notes.join("\n")).toMatch(/2 dockerd processes match this engine \(pids 1, 2\)/);
    const absent = await collectHost({ access: new FakeHost(BASE) });
    expect(absent.notes.join("\n")).toMatch(/no dockerd process found/);
  });

  test("a config file named by --config-file= that is gone, or broken, is a note, not a crash", async () => {
    const gone = await collectHost({ access: new FakeHost(BASE, [dockerd(5, "--config-file=/etc/docker/x.json")]) });
    expect(gone.notes.join("\n")).toMatch(/names config file \/etc\/docker\/x\.json, which does not exist/);
    const broken = await collectHost({
      access: new FakeHost({ ...BASE, "/etc/docker/daemon.json": { text: "{ icc: false }" } }, [dockerd(5)]),
    });
    expect(broken.notes.join("\n")).toMatch(/\/etc\/docker\/daemon\.json: invalid JSON at line 1/);
  });
});

describe("collectHost: the facts", () => {
  test("owners by name (the host's own passwd/group), modes, audit rules (auditctl), dockerd's limits", async () => {
    const host = new FakeHost(
      {
        ...BASE,
        "/etc/docker": { type: "directory", mode: 0o2755 },
        "/etc/docker/daemon.json": { text: "{}", mode: 0o640 },
        "/var/run/docker.sock": { type: "socket", mode: 0o660, uid: 1000, gid: 999 },
        "/proc/7/limits": {
          text:
            "Limit                     Soft Limit           Hard Limit           Units\n" +
            "Max open files            1048576              1048576              files\n" +
            "Max processes             unlimited            unlimited            processes\n",
        },
        "/proc/7/exe": { type: "symlink", text: "/usr/sbin/dockerd (deleted)" },
        "/usr/sbin/dockerd": { mode: 0o755 },
        "/sys/module/apparmor/parameters/enabled": { text: "Y\n" },
        "/etc/os-release": { text: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
      },
      [dockerd(7)],
      { code: 0, stdout: "-w /usr/sbin/dockerd -p rwxa -k docker\n-a always,exit -F path=/etc/docker -k docker\n" },
    );
    const r = await collectHost({
      access: host,
      socketPath: "/var/run/docker.sock",
      engine: { dataRoot: "/var/lib/docker", serverVersion: "20.10.24" },
    });
    expect(r.host.files["/var/run/docker.sock"]).toEqual({
      path: "/var/run/docker.sock",
      type: "socket",
      owner: "bob",
      group: "docker",
      mode: 0o660,
    });
    expect(r.host.files["/etc/docker"]?.mode).toBe(0o2755);
    expect(r.host.locations).toMatchObject({
      dockerdBinary: "/usr/sbin/dockerd",
      daemonConfig: "/etc/docker/daemon.json",
      etcDocker: "/etc/docker",
      dataRoot: "/var/lib/docker",
    });
    expect(r.host.auditWatches).toEqual(["/usr/sbin/dockerd", "/etc/docker"]);
    expect(r.host.auditNonRecursiveWatches).toEqual(["/etc/docker"]);
    expect(r.host.dockerGroupMembers).toEqual(["alice", "bob"]);
    expect(r.host.ulimitHardLimits).toEqual({ nofile: 1048576 });
    expect(r.host).toMatchObject({
      apparmorEnabled: true,
      selinuxEnabled: false,
      engineVersion: "20.10.24",
      os: { id: "debian", version: "12" },
    });
    expect(r.host.mounts.map((m) => m.mountPoint)).toEqual(["/", "/var/lib/docker"]);
  });

  test("without auditctl: the persistent rules files, with a note; with neither, auditWatches is unknown", async () => {
    const files = {
      ...BASE,
      "/etc/audit/rules.d/10-docker.rules": { text: "-w /etc/docker -k docker\n" },
      "/etc/audit/rules.d/readme.txt": { text: "-w /nope" },
    };
    const r = await collectHost({ access: new FakeHost(files, [dockerd(1)]) });
    expect(r.host.auditWatches).toEqual(["/etc/docker"]);
    expect(r.notes.join("\n")).toMatch(
      /audit rules read from \/etc\/audit\/rules\.d\/\*\.rules \(auditctl not available\)/,
    );
    const none = await collectHost({ access: new FakeHost(BASE, [dockerd(1)]) });
    expect(none.host.auditWatches).toBeUndefined();
  });

  test("the containerd socket: --containerd, else dockerd's own under its exec root, else the system one", async () => {
    const sock = { type: "socket" as const, mode: 0o660 };
    const files = {
      ...BASE,
      "/run/containerd/containerd.sock": sock,
      "/srv/exec/containerd/containerd.sock": sock,
      "/opt/ctr.sock": sock,
    };
    const loc = async (...args: string[]) =>
      (await collectHost({ access: new FakeHost(files, [dockerd(1, ...args)]) })).host.locations.containerdSocket;
    expect(await loc("--containerd", "/opt/ctr.sock")).toBe("/opt/ctr.sock");
    expect(await loc("--exec-root=/srv/exec")).toBe("/srv/exec/containerd/containerd.sock");
    expect(await loc()).toBe("/run/containerd/containerd.sock");
  });
});

describe("collectHost: docker exec runs from the audit log (5.23, 5.24)", () => {
  const LOG = readFileSync(join(__dirname, "../adapters/fixtures/auditd-docker-exec.log"), "utf8");
  const host = (rules: string, extra: Record<string, { text?: string; type?: RawStat["type"] }> = {}) =>
    new FakeHost(
      { ...BASE, "/usr/bin/docker": { text: "" }, "/var/log/audit/audit.log": { text: LOG }, ...extra },
      [dockerd(1)],
      { code: 0, stdout: rules },
    );

  test("read when auditd records every run of each docker CLI: the runs, the files read, since when", async () => {
    const r = await collectHost({ access: host("-w /usr/bin/docker -p x -k docker\n") });
    expect(r.execLog).toMatchObject({ files: ["/var/log/audit/audit.log"], since: "2026-11-28T23:30:37.467Z" });
    expect(r.execLog!.execs.map((x) => x.container)).toEqual(["web", "db", "cache", "api", "app", "worker", "app2"]);
    expect(r.notes).toContain(
      "docker exec runs read from /var/log/audit/audit.log: 7 run(s) since 2026-11-28T23:30:37.467Z",
    );
  });

  test("auditd.conf's log_file and num_logs: rotated logs are read too, oldest first", async () => {
    const conf = { text: "log_file = /srv/audit/a.log\nnum_logs = 3\n" };
    const older = "type=DAEMON_START msg=audit(1700000000.000:1): op=start\n";
    const r = await collectHost({
      access: host("-a always,exit -F path=/usr/bin/docker -F perm=x -k docker\n", {
        "/etc/audit/auditd.conf": conf,
        "/srv/audit/a.log": { text: LOG },
        "/srv/audit/a.log.1": { text: older },
      }),
    });
    expect(r.execLog).toMatchObject({
      files: ["/srv/audit/a.log", "/srv/audit/a.log.1"],
      since: "2023-11-14T22:13:20.000Z",
    });
  });

  test.each([
    [
      "no watch on the docker CLI",
      "-w /usr/bin/dockerd -k docker\n",
      /auditd does not record runs of \/usr\/bin\/docker \(add `-w \/usr\/bin\/docker -p x -k docker`/,
    ],
    ["a watch for writes only", "-w /usr/bin/docker -p wa -k docker\n", /does not record runs of \/usr\/bin\/docker/],
    [
      "a syscall rule for other calls",
      "-a always,exit -F path=/usr/bin/docker -S openat -k docker\n",
      /does not record runs of/,
    ],
  ])("not read with %s: a note says why (5.23/5.24 keep to the engine's sessions)", async (_, rules, why) => {
    const r = await collectHost({ access: host(rules) });
    expect(r.execLog).toBeUndefined();
    expect(r.notes.find((n) => n.startsWith("docker exec runs"))).toMatch(why);
  });

  test("a second docker CLI that is not watched makes the log incomplete", async () => {
    const r = await collectHost({
      access: host("-w /usr/bin/docker -k docker\n", { "/usr/local/bin/docker": { text: "" } }),
    });
    expect(r.execLog).toBeUndefined();
    expect(r.notes.join("\n")).toMatch(/does not record runs of \/usr\/local\/bin\/docker/);
  });

  test(
    "standalone docker-compose reaches the engine itself: unwatched, " +
      "the log is incomplete; watched, its runs are read",
    async () => {
      const compose = { "/usr/local/bin/docker-compose": { text: "" } };
      const unwatched = await collectHost({ access: host("-w /usr/bin/docker -p x -k docker\n", compose) });
      expect(unwatched.execLog).toBeUndefined();
      expect(unwatched.notes.join("\n")).toContain(
        "does not record runs of /usr/local/bin/docker-compose (add `-w /usr/local/bin/docker-compose -p x -k docker`",
      );
      const COMPOSE_LOG = readFileSync(join(__dirname, "../adapters/fixtures/auditd-compose-exec.log"), "utf8");
      const watched = await collectHost({
        access: host("-w /usr/bin/docker -p x -k docker\n-w /usr/local/bin/docker-compose -p x -k docker\n", {
          ...compose,
          "/var/log/audit/audit.log": { text: COMPOSE_LOG },
        }),
      });
      expect(watched.execLog!.execs.map((x) => x.compose?.service)).toEqual(["web", "worker", "app", "cron", "db"]);
    },
  );

  test("no log file, or one without records, covers nothing", async () => {
    const gone = await collectHost({
      access: new FakeHost({ ...BASE, "/usr/bin/docker": { text: "" } }, [dockerd(1)], {
        code: 0,
        stdout: "-w /usr/bin/docker -k docker\n",
      }),
    });
    expect(gone.execLog).toBeUndefined();
    expect(gone.notes.join("\n")).toMatch(/no audit log at \/var\/log\/audit\/audit.log/);
    const empty = await collectHost({
      access: host("-w /usr/bin/docker -k docker\n", { "/var/log/audit/audit.log": { text: "" } }),
    });
    expect(empty.execLog).toBeUndefined();
    expect(empty.notes.join("\n")).toMatch(/holds no audit records/);
  });
});

describe("small parsers", () => {
  test("parseProcLimits", () => {
    expect(
      parseProcLimits(
        "Max core file size        0                    unlimited            bytes\n" +
          "Max open files            1024                 524288               files\n",
      ),
    ).toEqual({ nofile: 524288 });
  });
  test("parseOsRelease", () => {
    expect(parseOsRelease("ID=ubuntu\nVERSION_ID='22.04'\n")).toEqual({ id: "ubuntu", version: "22.04" });
    expect(parseOsRelease("NAME=x\n")).toBeUndefined();
  });
  test("idNames: first entry wins", () => {
    expect([...idNames("a:x:5:\nb:x:5:\nc:x:6:")]).toEqual([
      [5, "a"],
      [6, "c"],
    ]);
  });
  test("flagValue: both forms, last wins", () => {
    expect(flagValue(["dockerd", "--exec-root", "/a", "--exec-root=/b"], "exec-root")).toBe("/b");
    expect(flagValue(["dockerd"], "exec-root")).toBeUndefined();
  });
});

describe("swarmListenAddr (CIS 7.2 from dockerd's sockets)", () => {
  it("takes the socket on the manager's management port; a wildcard wins, since it is what exposes the port", () => {
    expect(swarmListenAddr({}, ["127.0.0.1:2377", "[::]:7946"])).toBe("127.0.0.1:2377");
    expect(swarmListenAddr({}, ["10.0.0.5:2377", "[::]:2377"])).toBe("[::]:2377");
    expect(swarmListenAddr({ managementAddr: "10.0.0.5:4000" }, ["0.0.0.0:2377", "10.0.0.5:4000"])).toBe(
      "10.0.0.5:4000",
    );
  });

  it("is undefined when nothing listens on that port", () => {
    expect(swarmListenAddr({}, ["127.0.0.1:8080"])).toBeUndefined();
    expect(swarmListenAddr({ managementAddr: "10.0.0.5:4000" }, ["0.0.0.0:2377"])).toBeUndefined();
  });
});
