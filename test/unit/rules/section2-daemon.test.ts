import type { DaemonFacts } from "../../../src/facts/types";
import { compareRuleIds } from "../../../src/report/rules-listing";
import { benchmarkId, inBenchmark } from "../../../src/rules/benchmarks";
import { isTcpListener } from "../../../src/rules/kit/daemon";
import { SECTION_2 } from "../../../src/rules/section2";
import { noDevicemapper } from "../../../src/rules/section2/2.6.1-no-devicemapper";
import type { Rule, RuleContext, Verdict } from "../../../src/rules/types";
import { ctx, daemon, swarm } from "../../harness/fixtures";

const rule = (id: string): Rule<"daemon"> => {
  const r = SECTION_2.find((x) => x.id === id) as Rule<"daemon"> | undefined;
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};
const check = (id: string, overrides: Partial<DaemonFacts> = {}, c: RuleContext = ctx()): Verdict =>
  rule(id).check(daemon(overrides), c);
const status = (id: string, overrides: Partial<DaemonFacts> = {}, c?: RuleContext) => check(id, overrides, c).status;

describe("section 2 catalog entries", () => {
  it("has v1.6.0's 18 items in order, and v1.8.0's new devicemapper item as 2.6.1; daemon subject, section 2", () => {
    expect(SECTION_2.filter((r) => inBenchmark(r, "cis-1.6.0")).map((r) => r.id)).toEqual(
      Array.from({ length: 18 }, (_, i) => `2.${i + 1}`),
    );
    expect(SECTION_2.filter((r) => !inBenchmark(r, "cis-1.6.0")).map((r) => r.id)).toEqual(["2.6.1"]);
    for (const r of SECTION_2) expect([r.subject, r.section]).toEqual(["daemon", 2]);
  });

  it("is numbered 2.1–2.19 in v1.8.0: devicemapper inserted as 2.7, v1.6.0's 2.7–2.18 moved up one", () => {
    const v18 = SECTION_2.filter((r) => inBenchmark(r, "cis-1.8.0"));
    expect(v18.map((r) => benchmarkId(r, "cis-1.8.0")).sort(compareRuleIds)).toEqual(
      Array.from({ length: 19 }, (_, i) => `2.${i + 1}`),
    );
    expect(Object.fromEntries(v18.map((r) => [r.id, benchmarkId(r, "cis-1.8.0")]))).toMatchObject({
      "2.6": "2.6",
      "2.6.1": "2.7",
      "2.7": "2.8",
      "2.12": "2.13",
      "2.18": "2.19",
    });
  });

  it("2.6.1: fails devicemapper in any spelling, passes another or none", () => {
    const d = (storageDriver?: string) => daemon({ storageDriver });
    expect(noDevicemapper.check(d("devicemapper"), ctx())).toMatchObject({
      status: "fail",
      field: "storageDriver",
      observed: "devicemapper",
    });
    expect(noDevicemapper.check(d(" DeviceMapper "), ctx()).status).toBe("fail");
    expect(noDevicemapper.check(d("overlay2"), ctx()).status).toBe("pass");
    expect(noDevicemapper.check(d(), ctx()).status).toBe("pass");
  });

  it("marks 2.1, 2.8 and 2.17 manual (as CIS does), the rest automated", () => {
    expect(SECTION_2.filter((r) => !r.automated).map((r) => r.id)).toEqual(["2.1", "2.8", "2.17"]);
  });

  it("uses docker-bench-security's levels, matched by title", () => {
    expect(SECTION_2.filter((r) => r.level === 2).map((r) => r.id)).toEqual([
      "2.9",
      "2.10",
      "2.11",
      "2.12",
      "2.13",
      "2.17",
    ]);
  });

  it("every rule names what it reads and how to fix it", () => {
    for (const r of SECTION_2) {
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.remediation.length).toBeGreaterThan(20);
    }
  });

  it("the daemon() baseline passes every automated rule", () => {
    for (const r of SECTION_2.filter((x) => x.automated)) {
      expect([r.id, (r as Rule<"daemon">).check(daemon(), ctx()).status]).toEqual([r.id, "pass"]);
    }
  });
});

describe("2.1 rootless (manual)", () => {
  it("reports whether the daemon is rootless", () => {
    expect(check("2.1")).toMatchObject({ status: "manual", report: { rootless: false, usernsRemap: "default" } });
    expect(check("2.1", { rootless: true })).toMatchObject({ status: "manual", report: { rootless: true } });
  });
});

describe("2.2 icc", () => {
  it("passes with icc false, fails with icc true (dockerd's default)", () => {
    expect(status("2.2")).toBe("pass");
    expect(check("2.2", { icc: true })).toEqual({ status: "fail", field: "icc", observed: true, expected: "false" });
  });
});

describe("2.3 log level", () => {
  it("passes info (any case) and unset", () => {
    expect(status("2.3", { logLevel: "info" })).toBe("pass");
    expect(status("2.3", { logLevel: "INFO" })).toBe("pass");
    expect(status("2.3", { logLevel: "" })).toBe("pass");
  });
  it("fails debug and also quieter levels that drop info events", () => {
    expect(check("2.3", { logLevel: "debug" })).toMatchObject({ status: "fail", field: "logLevel", observed: "debug" });
    expect(status("2.3", { logLevel: "warn" })).toBe("fail");
    expect(status("2.3", { logLevel: "error" })).toBe("fail");
  });
});

describe("2.4 iptables", () => {
  it("passes true, fails false", () => {
    expect(status("2.4")).toBe("pass");
    expect(check("2.4", { iptables: false })).toMatchObject({ status: "fail", field: "iptables", observed: false });
  });
});

describe("2.5 insecure registries", () => {
  it("fails a configured insecure registry and names only the configured ones", () => {
    expect(check("2.5", { insecureRegistries: ["127.0.0.0/8", "registry.local:5000"] })).toMatchObject({
      status: "fail",
      field: "insecureRegistries",
      observed: ["registry.local:5000"],
    });
  });
  it("passes none, and the loopback ranges dockerd always marks insecure", () => {
    expect(status("2.5")).toBe("pass");
    expect(status("2.5", { insecureRegistries: ["127.0.0.0/8", "::1/128"] })).toBe("pass");
  });
});

describe("2.6 storage driver", () => {
  it("fails aufs in any case", () => {
    expect(check("2.6", { storageDriver: "aufs" })).toMatchObject({
      status: "fail",
      field: "storageDriver",
      observed: "aufs",
    });
    expect(status("2.6", { storageDriver: "AUFS" })).toBe("fail");
  });
  it("passes overlay2 and an unset driver (dockerd chooses)", () => {
    expect(status("2.6")).toBe("pass");
    expect(status("2.6", { storageDriver: undefined })).toBe("pass");
  });
});

describe("2.7 TLS on TCP listeners", () => {
  const tlsOk: Partial<DaemonFacts> = {
    tls: true,
    tlsVerify: true,
    tlsCaCert: "/etc/docker/tls/ca.pem",
    tlsCert: "/etc/docker/tls/server-cert.pem",
    tlsKey: "/etc/docker/tls/server-key.pem",
  };

  it("passes only unix/fd sockets, and the default (empty hosts), without any TLS", () => {
    expect(status("2.7", { hosts: [] })).toBe("pass");
    expect(status("2.7", { hosts: ["unix:///var/run/docker.sock", "fd://"] })).toBe("pass");
  });

  it("fails a plain TCP listener and names it", () => {
    expect(check("2.7", { hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] })).toEqual({
      status: "fail",
      field: "tlsVerify",
      observed: false,
      expected: "true on a daemon listening on TCP",
      detail: "TCP listener(s): tcp://0.0.0.0:2375",
    });
  });

  it("fails tls without tlsverify: encrypted but any client is accepted (a naive 'TLS on' check passes this)", () => {
    expect(check("2.7", { ...tlsOk, tlsVerify: false, hosts: ["tcp://0.0.0.0:2376"] })).toMatchObject({
      status: "fail",
      field: "tlsVerify",
    });
  });

  it("fails tlsverify with a missing CA, cert or key and names the first missing one", () => {
    expect(check("2.7", { ...tlsOk, tlsCaCert: undefined, hosts: ["tcp://0.0.0.0:2376"] })).toMatchObject({
      status: "fail",
      field: "tlsCaCert",
      expected: "set (missing: tlsCaCert)",
    });
    expect(check("2.7", { ...tlsOk, tlsCert: "", tlsKey: undefined, hosts: ["tcp://0.0.0.0:2376"] })).toMatchObject({
      field: "tlsCert",
      expected: "set (missing: tlsCert, tlsKey)",
    });
  });

  it("passes a TCP listener with tlsverify and all three files", () => {
    expect(status("2.7", { ...tlsOk, hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"] })).toBe("pass");
  });

  it("treats an address without a scheme as TCP, as dockerd does (a naive 'tcp://' match misses it)", () => {
    expect(isTcpListener("0.0.0.0:2375")).toBe(true);
    expect(isTcpListener(":2375")).toBe(true);
    expect(isTcpListener("unix:///run/docker.sock")).toBe(false);
    expect(isTcpListener("fd://")).toBe(false);
    expect(isTcpListener("")).toBe(false);
    expect(check("2.7", { hosts: ["0.0.0.0:2375"] })).toMatchObject({ status: "fail", field: "tlsVerify" });
  });
});

describe("2.8 default ulimits (manual, with a concrete failure)", () => {
  const hostLimits = (nofile: number): RuleContext =>
    ctx({ host: { apparmorEnabled: true, selinuxEnabled: false, ulimitHardLimits: { nofile } } });

  it("reports the configured ulimits and the host's limits", () => {
    expect(check("2.8", {}, hostLimits(20000))).toEqual({
      status: "manual",
      guidance: "Confirm the default ulimits fit the workloads.",
      report: { defaultUlimits: [{ name: "nofile", soft: 1024, hard: 4096 }], hostHardLimits: { nofile: 20000 } },
    });
  });

  it("asks for ulimits when none are configured", () => {
    expect(check("2.8", { defaultUlimits: [] })).toMatchObject({
      status: "manual",
      guidance: expect.stringContaining("No default ulimits"),
    });
  });

  it("fails a hard limit above the host's hard limit (containers would not start under userns-remap)", () => {
    const high = { name: "nofile", soft: 64000, hard: 64000 };
    expect(check("2.8", { defaultUlimits: [high] }, hostLimits(20000))).toEqual({
      status: "fail",
      field: "defaultUlimits[0].hard",
      observed: high,
      expected: "≤ the host's hard nofile limit (20000)",
    });
    // Same facts, host limit unknown: nothing to compare with, so it stays a manual item.
    expect(status("2.8", { defaultUlimits: [high] })).toBe("manual");
    // Equal to the host's limit is fine.
    expect(status("2.8", { defaultUlimits: [{ name: "nofile", soft: 20000, hard: 20000 }] }, hostLimits(20000))).toBe(
      "manual",
    );
  });

  it("fails a soft limit above its hard limit and mentions further problems", () => {
    const v = check(
      "2.8",
      {
        defaultUlimits: [
          { name: "nproc", soft: 10, hard: 5 },
          { name: "nofile", soft: 1, hard: 30000 },
        ],
      },
      hostLimits(20000),
    );
    expect(v).toMatchObject({
      status: "fail",
      field: "defaultUlimits[0]",
      detail: "also: nofile (defaultUlimits[1].hard)",
    });
  });
});

describe("2.9 user namespaces", () => {
  it("passes with userns-remap, fails without", () => {
    expect(status("2.9")).toBe("pass");
    expect(check("2.9", { usernsRemap: undefined })).toMatchObject({
      status: "fail",
      field: "usernsRemap",
      observed: null,
    });
    expect(status("2.9", { usernsRemap: " " })).toBe("fail");
  });
  it("passes a rootless daemon, whose containers already live in a user namespace", () => {
    expect(status("2.9", { usernsRemap: undefined, rootless: true })).toBe("pass");
  });
});

describe("2.10 cgroup parent", () => {
  it("passes unset or empty", () => {
    expect(status("2.10", { cgroupParent: undefined })).toBe("pass");
    expect(status("2.10", { cgroupParent: "" })).toBe("pass");
  });
  it("fails a custom parent unless the settings confirm it", () => {
    expect(check("2.10", { cgroupParent: "/custom" })).toMatchObject({
      status: "fail",
      field: "cgroupParent",
      observed: "/custom",
    });
    const confirmed = ctx();
    confirmed.settings.cgroupParentConfirmed = true;
    expect(status("2.10", { cgroupParent: "/custom" }, confirmed)).toBe("pass");
  });
});

describe("2.11 base device size", () => {
  it("fails dm.basesize, whatever its case (devicemapper lower-cases keys)", () => {
    const opts = [
      { key: "overlay2.size", value: "10G" },
      { key: "dm.basesize", value: "20G" },
    ];
    expect(check("2.11", { storageOpts: opts })).toEqual({
      status: "fail",
      field: "storageOpts[1]",
      observed: "dm.basesize=20G",
      expected: "no dm.basesize option",
    });
    expect(status("2.11", { storageOpts: [{ key: "DM.BaseSize", value: "20G" }] })).toBe("fail");
  });
  it("passes other storage options", () => {
    expect(status("2.11", { storageOpts: [{ key: "overlay2.size", value: "10G" }] })).toBe("pass");
  });
});

describe("2.12 authorization plugins", () => {
  it("passes with a plugin, fails with none or only empty names", () => {
    expect(status("2.12")).toBe("pass");
    expect(check("2.12", { authorizationPlugins: [] })).toMatchObject({
      status: "fail",
      field: "authorizationPlugins",
    });
    expect(status("2.12", { authorizationPlugins: [""] })).toBe("fail");
  });
});

describe("2.13 remote logging", () => {
  it("fails the local-only drivers (json-file is also dockerd's default)", () => {
    for (const driver of ["json-file", "local", "none"]) {
      expect(check("2.13", { logDriver: driver })).toMatchObject({
        status: "fail",
        field: "logDriver",
        observed: driver,
      });
    }
    // A naive "log-driver is set" check passes an explicit json-file; an empty driver means json-file too.
    expect(status("2.13", { logDriver: "" })).toBe("fail");
  });
  it("passes drivers that ship logs", () => {
    for (const driver of ["syslog", "journald", "fluentd", "gelf"])
      expect(status("2.13", { logDriver: driver })).toBe("pass");
  });
  it("follows the configured local-only list", () => {
    const c = ctx();
    c.settings.localOnlyLogDrivers = ["json-file", "local", "none", "journald"];
    expect(status("2.13", { logDriver: "journald" }, c)).toBe("fail");
  });
});

describe("2.14 no-new-privileges", () => {
  it("passes true, fails false", () => {
    expect(status("2.14")).toBe("pass");
    expect(check("2.14", { noNewPrivileges: false })).toMatchObject({ status: "fail", field: "noNewPrivileges" });
  });
});

describe("2.15 live restore", () => {
  it("passes true, fails false", () => {
    expect(status("2.15")).toBe("pass");
    expect(check("2.15", { liveRestore: false })).toMatchObject({
      status: "fail",
      field: "liveRestore",
      observed: false,
    });
  });
  it("is not applicable in swarm mode, and still judged with swarm inactive", () => {
    expect(
      check("2.15", { liveRestore: false }, ctx({ swarm: swarm({ state: "active", active: true }) })),
    ).toMatchObject({
      status: "not-applicable",
      why: expect.stringContaining("swarm"),
    });
    expect(status("2.15", { liveRestore: false }, ctx({ swarm: swarm() }))).toBe("fail");
  });
});

describe("2.16 userland proxy", () => {
  it("passes false, fails true (dockerd's default)", () => {
    expect(status("2.16")).toBe("pass");
    expect(check("2.16", { userlandProxy: true })).toMatchObject({
      status: "fail",
      field: "userlandProxy",
      observed: true,
    });
  });
});

describe("2.17 seccomp profile", () => {
  it("fails unconfined, in any case", () => {
    expect(check("2.17", { seccompProfile: "unconfined" })).toMatchObject({
      status: "fail",
      field: "seccompProfile",
      observed: "unconfined",
    });
    expect(status("2.17", { seccompProfile: "Unconfined" })).toBe("fail");
  });
  it("passes the default profile (unset or builtin)", () => {
    expect(status("2.17", { seccompProfile: undefined })).toBe("pass");
    expect(status("2.17", { seccompProfile: "builtin" })).toBe("pass");
  });
  it("asks for a review of a custom profile", () => {
    expect(check("2.17", { seccompProfile: "/etc/docker/seccomp.json" })).toMatchObject({
      status: "manual",
      report: { seccompProfile: "/etc/docker/seccomp.json" },
    });
  });
});

describe("2.18 experimental", () => {
  it("passes false, fails true", () => {
    expect(status("2.18")).toBe("pass");
    expect(check("2.18", { experimental: true })).toMatchObject({
      status: "fail",
      field: "experimental",
      observed: true,
    });
  });
});
