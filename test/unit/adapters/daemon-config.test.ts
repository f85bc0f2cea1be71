import {
  ARGV_SOURCE,
  DaemonConfigError,
  configFileFromArgv,
  daemonFactsFromConfig,
} from "../../../src/adapters/daemon-config";
import { SECTION_2 } from "../../../src/rules/section2";
import type { Rule } from "../../../src/rules/types";
import { ctx } from "../../harness/fixtures";

const FILE = "/etc/docker/daemon.json";
const fromFile = (json: unknown, argv?: string[]) =>
  daemonFactsFromConfig({ configText: JSON.stringify(json), configFile: FILE, argv });
const fromArgv = (...argv: string[]) => daemonFactsFromConfig({ argv: ["dockerd", ...argv] });

/** The error a call throws (fails the test if it does not throw a DaemonConfigError). */
function errorOf(f: () => unknown): DaemonConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DaemonConfigError);
    expect(e).toBeInstanceOf(Error);
    return e as DaemonConfigError;
  }
  throw new Error("expected a DaemonConfigError");
}

describe("configFileFromArgv", () => {
  it("reads --config-file in both the = and the space form", () => {
    expect(configFileFromArgv(["dockerd", "--config-file=/opt/docker/a.json"])).toBe("/opt/docker/a.json");
    expect(configFileFromArgv(["dockerd", "--config-file", "/opt/docker/b.json"])).toBe("/opt/docker/b.json");
  });
  it("defaults to /etc/docker/daemon.json, and the last occurrence wins", () => {
    expect(configFileFromArgv(["dockerd", "-H", "fd://"])).toBe("/etc/docker/daemon.json");
    expect(configFileFromArgv([])).toBe("/etc/docker/daemon.json");
    expect(configFileFromArgv(["--config-file=/a.json", "--config-file", "/b.json"])).toBe("/b.json");
  });
  it("is not fooled by a value that looks like the flag, and tolerates argv dockerd would reject", () => {
    expect(configFileFromArgv(["dockerd", "--label", "--config-file=/x.json"])).toBe("/etc/docker/daemon.json");
    expect(configFileFromArgv(["dockerd", "--icc", "false", "--config-file", "/c.json"])).toBe("/c.json");
  });
  it("is undefined when the flag has no value", () => {
    expect(configFileFromArgv(["dockerd", "--config-file"])).toBeUndefined();
    expect(configFileFromArgv(["dockerd", "--config-file="])).toBeUndefined();
  });
});

describe("defaults", () => {
  it("applies dockerd's defaults when neither file nor flags set anything", () => {
    expect(daemonFactsFromConfig({})).toEqual({
      kind: "daemon",
      origin: "declared",
      source: {},
      rootless: false,
      icc: true,
      logLevel: "info",
      iptables: true,
      insecureRegistries: [],
      storageDriver: undefined,
      hosts: [],
      tls: false,
      tlsVerify: false,
      tlsCaCert: undefined,
      tlsCert: undefined,
      tlsKey: undefined,
      defaultUlimits: [],
      usernsRemap: undefined,
      cgroupParent: undefined,
      storageOpts: [],
      authorizationPlugins: [],
      logDriver: "json-file",
      logOpts: {},
      noNewPrivileges: false,
      liveRestore: false,
      userlandProxy: true,
      seccompProfile: undefined,
      experimental: false,
      selinuxEnabled: false,
      dataRoot: "/var/lib/docker",
      labels: {},
      extra: {},
    });
  });

  it("treats an empty file, a BOM and null values as unset", () => {
    expect(daemonFactsFromConfig({ configText: "  \n" }).icc).toBe(true);
    expect(daemonFactsFromConfig({ configText: '\uFEFF{"icc": false}' }).icc).toBe(false);
    const f = fromFile({ "log-level": null, hosts: null, "storage-driver": "" });
    expect([f.logLevel, f.hosts, f.storageDriver]).toEqual(["info", [], undefined]);
  });

  it("records where the configuration came from", () => {
    expect(fromFile({}).source).toEqual({ configFile: FILE });
    expect(
      daemonFactsFromConfig({ configText: "{}", argv: ["dockerd", "--config-file", "/opt/d.json"] }).source,
    ).toEqual({
      configFile: "/opt/d.json",
      argv: ["dockerd", "--config-file", "/opt/d.json"],
    });
    expect(daemonFactsFromConfig({ configText: "{}", origin: "live" }).origin).toBe("live");
  });

  it("makes a dockerd with no configuration fail the section 2 rules it should", () => {
    const failing = SECTION_2.filter((r) => r.automated)
      .filter((r) => (r as Rule<"daemon">).check(daemonFactsFromConfig({}), ctx()).status === "fail")
      .map((r) => r.id);
    expect(failing).toEqual(["2.2", "2.9", "2.12", "2.13", "2.14", "2.15", "2.16"]);
  });
});

describe("daemon.json keys", () => {
  it("reads every modelled key", () => {
    const f = fromFile({
      rootless: true,
      icc: false,
      "log-level": "WARN",
      iptables: false,
      "insecure-registries": ["reg:5000"],
      "storage-driver": "overlay2",
      hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
      tls: true,
      tlscacert: "/tls/ca.pem",
      tlscert: "/tls/cert.pem",
      tlskey: "/tls/key.pem",
      "default-ulimits": { nofile: { Name: "nofile", Hard: 64000, Soft: 32000 } },
      "userns-remap": "default",
      "cgroup-parent": "/docker",
      "storage-opts": ["dm.basesize=20G", "overlay2.override_kernel_check"],
      "authorization-plugins": ["authz-broker"],
      "log-driver": "syslog",
      "log-opts": { "syslog-address": "tcp://10.0.0.1:514" },
      "no-new-privileges": true,
      "live-restore": true,
      "userland-proxy": false,
      "seccomp-profile": "/etc/docker/seccomp.json",
      experimental: true,
      "selinux-enabled": true,
      "data-root": "/srv/docker",
      labels: ["env=prod", 'hardened-docker.exemption.2.13={"reason":"a=b"}'],
    });
    expect(f).toMatchObject({
      rootless: true,
      icc: false,
      logLevel: "warn",
      iptables: false,
      insecureRegistries: ["reg:5000"],
      storageDriver: "overlay2",
      hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
      tls: true,
      tlsVerify: false,
      tlsCaCert: "/tls/ca.pem",
      tlsCert: "/tls/cert.pem",
      tlsKey: "/tls/key.pem",
      defaultUlimits: [{ name: "nofile", soft: 32000, hard: 64000 }],
      usernsRemap: "default",
      cgroupParent: "/docker",
      storageOpts: [
        { key: "dm.basesize", value: "20G" },
        { key: "overlay2.override_kernel_check", value: "" },
      ],
      authorizationPlugins: ["authz-broker"],
      logDriver: "syslog",
      logOpts: { "syslog-address": "tcp://10.0.0.1:514" },
      noNewPrivileges: true,
      liveRestore: true,
      userlandProxy: false,
      seccompProfile: "/etc/docker/seccomp.json",
      experimental: true,
      selinuxEnabled: true,
      dataRoot: "/srv/docker",
      labels: { env: "prod", "hardened-docker.exemption.2.13": '{"reason":"a=b"}' },
      extra: {},
    });
  });

  it("keeps unknown keys verbatim in extra", () => {
    const f = fromFile({
      icc: false,
      bridge: "none",
      "default-address-pools": [{ base: "10.10.0.0/16", size: 24 }],
      "x-team": null,
    });
    expect(f.extra).toEqual({
      bridge: "none",
      "default-address-pools": [{ base: "10.10.0.0/16", size: 24 }],
      "x-team": null,
    });
    expect(f.icc).toBe(false);
  });

  it("tlsverify implies tls", () => {
    expect(fromFile({ tlsverify: true })).toMatchObject({ tls: true, tlsVerify: true });
    expect(fromArgv("--tlsverify")).toMatchObject({ tls: true, tlsVerify: true });
  });

  it("debug makes the effective log level debug, whatever log-level says", () => {
    expect(fromFile({ debug: true, "log-level": "info" }).logLevel).toBe("debug");
    expect(fromArgv("-D").logLevel).toBe("debug");
    expect(fromFile({ debug: false, "log-level": "error" }).logLevel).toBe("error");
  });

  it("reads default-ulimits with Go's case-insensitive field names, the map key naming a nameless entry", () => {
    expect(fromFile({ "default-ulimits": { nproc: { soft: 512, hard: 1024 } } }).defaultUlimits).toEqual([
      { name: "nproc", soft: 512, hard: 1024 },
    ]);
  });
});

describe("flags", () => {
  it("parse in the --flag=value, --flag value, -Xvalue, -X value and -X=value forms", () => {
    expect(fromArgv("--log-level=warn").logLevel).toBe("warn");
    expect(fromArgv("--log-level", "error").logLevel).toBe("error");
    expect(fromArgv("-l", "warn").logLevel).toBe("warn");
    expect(fromArgv("-Htcp://127.0.0.1:2376", "-H", "unix:///run/d.sock", "-H=fd://").hosts).toEqual([
      "tcp://127.0.0.1:2376",
      "unix:///run/d.sock",
      "fd://",
    ]);
    expect(fromArgv("-s", "overlay2").storageDriver).toBe("overlay2");
    expect(fromArgv("--host", "fd://", "--data-root", "/srv/docker")).toMatchObject({
      hosts: ["fd://"],
      dataRoot: "/srv/docker",
    });
  });

  it("parse booleans alone, with =value in Go's spellings, and combined short flags", () => {
    expect(
      fromArgv("--icc=false", "--iptables=0", "--live-restore", "--userland-proxy=False", "--no-new-privileges=true"),
    ).toMatchObject({
      icc: false,
      iptables: false,
      liveRestore: true,
      userlandProxy: false,
      noNewPrivileges: true,
    });
    expect(fromArgv("--experimental", "--selinux-enabled", "--rootless")).toMatchObject({
      experimental: true,
      selinuxEnabled: true,
      rootless: true,
    });
    expect(fromArgv("-Dl", "warn").logLevel).toBe("debug");
    expect(fromArgv("-D=false", "-l", "warn").logLevel).toBe("warn");
  });

  it("collect repeatable flags", () => {
    const f = fromArgv(
      "--insecure-registry",
      "a:5000",
      "--insecure-registry=b:5000",
      "--storage-opt",
      "dm.basesize=20G",
      "--authorization-plugin=authz-broker",
      "--authorization-plugin",
      "opa",
      "--log-opt",
      "tag={{.Name}}",
      "--log-opt=syslog-address=udp://1.2.3.4:514",
      "--label",
      "env=prod",
      "--label=role=db",
    );
    expect(f).toMatchObject({
      insecureRegistries: ["a:5000", "b:5000"],
      storageOpts: [{ key: "dm.basesize", value: "20G" }],
      authorizationPlugins: ["authz-broker", "opa"],
      logOpts: { tag: "{{.Name}}", "syslog-address": "udp://1.2.3.4:514" },
      labels: { env: "prod", role: "db" },
    });
  });

  it("read --default-ulimit as NAME=SOFT:HARD or NAME=LIMIT, the last per name winning", () => {
    expect(fromArgv("--default-ulimit", "nofile=1024:4096", "--default-ulimit=nproc=512").defaultUlimits).toEqual([
      { name: "nofile", soft: 1024, hard: 4096 },
      { name: "nproc", soft: 512, hard: 512 },
    ]);
    expect(fromArgv("--default-ulimit=nofile=1:2", "--default-ulimit=nofile=3:4").defaultUlimits).toEqual([
      { name: "nofile", soft: 3, hard: 4 },
    ]);
  });

  it("the last value of a single-valued flag wins", () => {
    expect(fromArgv("--log-driver=json-file", "--log-driver", "journald").logDriver).toBe("journald");
  });

  it("ignore unknown flags and the value written after them", () => {
    const f = fromArgv(
      "--containerd",
      "/run/containerd/containerd.sock",
      "--ip-forward=false",
      "--mtu",
      "1400",
      "-G",
      "docker",
      "--icc=false",
    );
    expect(f.icc).toBe(false);
    expect(f.extra).toEqual({});
  });

  it("accept argv with or without the program name", () => {
    expect(daemonFactsFromConfig({ argv: ["--icc=false"] }).icc).toBe(false);
    expect(daemonFactsFromConfig({ argv: ["/usr/bin/dockerd", "--icc=false"] }).icc).toBe(false);
  });
});

describe("flags beat the file", () => {
  it("key by key; the file's other keys stay", () => {
    const f = fromFile(
      { icc: true, "log-level": "debug", hosts: ["tcp://0.0.0.0:2375"], labels: ["from=file"], "live-restore": true },
      ["dockerd", "--icc=false", "-H", "fd://", "--label", "from=flag"],
    );
    expect(f).toMatchObject({
      icc: false,
      hosts: ["fd://"],
      labels: { from: "flag" },
      logLevel: "debug",
      liveRestore: true,
    });
  });

  it("a flag's false beats the file's true", () => {
    expect(
      fromFile({ "userland-proxy": false, "live-restore": true }, ["--live-restore=false", "--userland-proxy=true"]),
    ).toMatchObject({
      liveRestore: false,
      userlandProxy: true,
    });
  });

  it("default ulimits from flags replace the file's", () => {
    const f = fromFile({ "default-ulimits": { nofile: { Name: "nofile", Soft: 64000, Hard: 64000 } } }, [
      "--default-ulimit",
      "nproc=100:200",
    ]);
    expect(f.defaultUlimits).toEqual([{ name: "nproc", soft: 100, hard: 200 }]);
  });
});

describe("errors", () => {
  it("truncated JSON: names the file and the position, one line", () => {
    const e = errorOf(() =>
      daemonFactsFromConfig({ configText: '{\n  "icc": false,\n  "hosts": [', configFile: FILE }),
    );
    expect(e.source).toBe(FILE);
    expect(e.message).toBe(
      `${FILE}: invalid JSON at line 3, column 13 (offset 30): expected a value, found end of input`,
    );
    expect(e.message).not.toContain("\n");
  });

  it("other syntax errors point at the offending character", () => {
    expect(errorOf(() => daemonFactsFromConfig({ configText: '{"icc": false,}', configFile: FILE })).message).toBe(
      `${FILE}: invalid JSON at line 1, column 15 (offset 14): expected a double-quoted property name, found "}"`,
    );
    expect(errorOf(() => daemonFactsFromConfig({ configText: '{"icc": fals}', configFile: FILE })).message).toContain(
      "line 1, column 9",
    );
    expect(errorOf(() => daemonFactsFromConfig({ configText: '{"a": 1} x', configFile: FILE })).message).toContain(
      'unexpected "x" after the JSON value',
    );
  });

  it("a top level that is not an object", () => {
    expect(errorOf(() => daemonFactsFromConfig({ configText: "[]", configFile: FILE })).message).toBe(
      `${FILE}: expected a JSON object at the top level, got array`,
    );
  });

  it("a wrong type names the file, the key, the value and the expected type", () => {
    const icc = errorOf(() => fromFile({ icc: "no" }));
    expect([icc.source, icc.field, icc.message]).toEqual([
      FILE,
      "icc",
      `${FILE}: icc is "no" (string); expected a boolean (true or false)`,
    ]);
    const hosts = errorOf(() => fromFile({ hosts: "tcp://0.0.0.0:2375" }));
    expect(hosts.message).toBe(`${FILE}: hosts is "tcp://0.0.0.0:2375" (string); expected an array of strings`);
    const element = errorOf(() => fromFile({ hosts: ["fd://", 2375] }));
    expect([element.field, element.message]).toEqual([
      "hosts[1]",
      `${FILE}: hosts[1] is 2375 (number); expected "hosts" to be an array of strings`,
    ]);
    expect(errorOf(() => fromFile({ "log-opts": { "max-size": 10 } })).field).toBe("log-opts.max-size");
  });

  it("default-ulimits entries need integer Soft and Hard", () => {
    expect(
      errorOf(() => fromFile({ "default-ulimits": { nofile: { Name: "nofile", Soft: 1, Hard: "64000" } } })).message,
    ).toBe(`${FILE}: default-ulimits.nofile.Hard is "64000" (string); expected an integer`);
    expect(errorOf(() => fromFile({ "default-ulimits": { nofile: { Soft: 1 } } })).field).toBe(
      "default-ulimits.nofile.Hard",
    );
    expect(errorOf(() => fromFile({ "default-ulimits": { nofile: 64000 } })).field).toBe("default-ulimits.nofile");
  });

  it("values dockerd refuses: unknown log level, label without =", () => {
    expect(errorOf(() => fromFile({ "log-level": "verbose" })).field).toBe("log-level");
    expect(errorOf(() => fromFile({ labels: ["ok=1", "broken"] })).message).toBe(
      `${FILE}: labels[1] is "broken" (string); expected "key=value"`,
    );
  });

  it("flag errors name the flag and the command line as their source", () => {
    const bool = errorOf(() => fromArgv("--icc", "false"));
    expect([bool.source, bool.field]).toEqual([ARGV_SOURCE, "--icc"]);
    expect(bool.message).toContain("boolean flags take a value only as --icc=false");
    expect(errorOf(() => fromArgv("--icc=no")).message).toBe(
      `${ARGV_SOURCE}: --icc=no: expected a boolean (true or false)`,
    );
    expect(errorOf(() => fromArgv("--log-level")).message).toBe(`${ARGV_SOURCE}: --log-level needs a value`);
    expect(errorOf(() => fromArgv("--log-level=loud")).field).toBe("--log-level");
    expect(errorOf(() => fromArgv("--label", "nokey")).field).toBe("--label");
    expect(errorOf(() => fromArgv("--icc=false", "stray")).message).toContain("accepts no positional arguments");
  });

  it("bad --default-ulimit values", () => {
    expect(errorOf(() => fromArgv("--default-ulimit", "nofile=4096:1024")).message).toContain(
      "soft limit 4096 is above hard limit 1024",
    );
    expect(errorOf(() => fromArgv("--default-ulimit", "files=1:2")).message).toContain('unknown ulimit name "files"');
    expect(errorOf(() => fromArgv("--default-ulimit", "nofile")).field).toBe("--default-ulimit");
  });
});
