import type { ContainerFacts, ExecAuditEvent, Facts, MountFacts, PortBinding } from "../../../src/facts/types";
import { SECTION_5 } from "../../../src/rules/section5";
import type { Rule, RuleContext, Verdict } from "../../../src/rules/types";
import { container, ctx, daemon, host, swarm } from "../../harness/fixtures";

function rule(id: string): Rule {
  const found = SECTION_5.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found as Rule;
}

function check(id: string, facts: Facts, context: RuleContext = ctx()): Verdict {
  return rule(id).check(facts as never, context);
}

const c = (overrides: Partial<ContainerFacts> = {}) => container(overrides);
const bind = (source: string, readOnly = false, extra: Partial<MountFacts> = {}): MountFacts => ({
  type: "bind",
  source,
  target: "/mnt",
  readOnly,
  ...extra,
});
const port = (hostIp: string, hostPort: number, containerPort = 8080): PortBinding => ({
  containerPort,
  protocol: "tcp",
  hostIp,
  hostPort,
});
const secOpts = (o: Partial<ContainerFacts["securityOptions"]>): ContainerFacts["securityOptions"] => ({
  ...container().securityOptions,
  ...o,
});

function expectFail(v: Verdict, field?: string, observed?: unknown): void {
  expect(v.status).toBe("fail");
  if (v.status !== "fail") return;
  if (field !== undefined) expect(v.field).toBe(field);
  if (observed !== undefined) expect(v.observed).toEqual(observed);
}

// ─────────────────────────── catalog shape ───────────────────────────

describe("section 5 catalog entries", () => {
  it("has all 32 items 5.1–5.32, in order, in section 5", () => {
    expect(SECTION_5.map((r) => r.id)).toEqual(Array.from({ length: 32 }, (_, i) => `5.${i + 1}`));
    expect(SECTION_5.every((r) => r.section === 5)).toBe(true);
  });

  it("marks the CIS manual items as manual and the rest automated", () => {
    const manualIds = SECTION_5.filter((r) => !r.automated).map((r) => r.id);
    expect(manualIds).toEqual(["5.9", "5.18", "5.19", "5.24", "5.28", "5.30"]);
  });

  it("puts 5.3, 5.23, 5.24, 5.30 at level 2 and everything else at level 1", () => {
    expect(SECTION_5.filter((r) => r.level === 2).map((r) => r.id)).toEqual(["5.3", "5.23", "5.24", "5.30"]);
  });

  it("reads swarm facts for 5.1 and container facts elsewhere", () => {
    expect(rule("5.1").subject).toBe("swarm");
    expect(SECTION_5.filter((r) => r.subject !== "container").map((r) => r.id)).toEqual(["5.1"]);
  });

  it("marks live-only and declaration-only items", () => {
    expect(SECTION_5.filter((r) => r.where === "live").map((r) => r.id)).toEqual(["5.7", "5.23", "5.24"]);
    expect(SECTION_5.filter((r) => r.where === "decl").map((r) => r.id)).toEqual(["5.28"]);
  });

  it("gives every rule a title, remediation and the fields it reads", () => {
    for (const r of SECTION_5) {
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.remediation.length).toBeGreaterThan(10);
      expect(r.reads?.length).toBeGreaterThan(0);
    }
  });
});

// ─────────────────────────── fixtures guard ───────────────────────────

describe("compliant fixtures", () => {
  const automatedContainerRules = SECTION_5.filter((r) => r.automated && r.subject === "container");

  it(
    "container() passes every automated rule with ctx(), except 5.23 which needs an exec " +
      "audit log the fixture lacks",
    () => {
      const verdicts = Object.fromEntries(automatedContainerRules.map((r) => [r.id, check(r.id, container())]));
      for (const [id, v] of Object.entries(verdicts)) {
        if (id === "5.23") expect(v.status).toBe("not-applicable");
        else expect({ id, v }).toEqual({ id, v: expect.objectContaining({ status: "pass" }) });
      }
    },
  );

  it("container() with an empty exec audit log passes every automated rule with ctx()", () => {
    for (const r of automatedContainerRules) {
      expect({ id: r.id, v: check(r.id, container({ execAuditEvents: [] })) }).toEqual({
        id: r.id,
        v: expect.objectContaining({ status: "pass" }),
      });
    }
  });

  it("container() passes with a known host and daemon too (5.3 n/a: the fixture host has no SELinux)", () => {
    const context = ctx({ host: host(), daemon: daemon() });
    for (const r of automatedContainerRules) {
      const v = check(r.id, container({ execAuditEvents: [] }), context);
      expect({ id: r.id, status: v.status }).toEqual({ id: r.id, status: r.id === "5.3" ? "not-applicable" : "pass" });
    }
  });

  it("swarm() passes 5.1", () => {
    expect(check("5.1", swarm()).status).toBe("pass");
  });
});

// ─────────────────────────── 5.1 ───────────────────────────

describe("5.1 swarm mode", () => {
  it("fails an active swarm that is not declared as needed", () => {
    expectFail(check("5.1", swarm({ state: "active", active: true })), "active", true);
  });

  it("fails a locked swarm node (swarm on although not reported active)", () => {
    expectFail(check("5.1", swarm({ state: "locked", active: false })), "state", "locked");
  });

  it("passes an active swarm when settings.swarmNeeded is set", () => {
    const context = ctx();
    context.settings.swarmNeeded = true;
    expect(check("5.1", swarm({ state: "active", active: true }), context).status).toBe("pass");
  });
});

// ─────────────────────────── 5.2 ───────────────────────────

describe("5.2 AppArmor", () => {
  const apparmorHost = ctx({ host: { apparmorEnabled: true } });

  it(
    "is not applicable on a host without AppArmor, whatever the container asks (⚠ not a " +
      "failure of every container)",
    () => {
      const noAppArmor = ctx({ host: { apparmorEnabled: false } });
      expect(check("5.2", c({ appliedAppArmorProfile: "" }), noAppArmor).status).toBe("not-applicable");
      expect(check("5.2", c({ privileged: true }), noAppArmor).status).toBe("not-applicable");
    },
  );

  it("fails apparmor=unconfined, declared and host unknown", () => {
    expectFail(
      check(
        "5.2",
        c({
          origin: "declared",
          appliedAppArmorProfile: undefined,
          securityOptions: secOpts({ apparmorProfile: "unconfined" }),
        }),
      ),
      "securityOptions.apparmorProfile",
      "unconfined",
    );
  });

  it("fails a privileged container even when a profile is named (the engine runs it unconfined)", () => {
    expectFail(
      check(
        "5.2",
        c({ origin: "declared", privileged: true, securityOptions: secOpts({ apparmorProfile: "my-profile" }) }),
      ),
      "privileged",
      true,
    );
  });

  it("judges a created, never-started container by its declaration (the engine picks the profile at start)", () => {
    expect(check("5.2", c({ state: "created", appliedAppArmorProfile: "" }), apparmorHost).status).toBe("pass");
    expectFail(
      check(
        "5.2",
        c({
          state: "created",
          appliedAppArmorProfile: "",
          securityOptions: secOpts({ apparmorProfile: "unconfined" }),
        }),
        apparmorHost,
      ),
      "securityOptions.apparmorProfile",
    );
  });

  it("live on an AppArmor host: requires an applied profile other than unconfined", () => {
    expect(check("5.2", c(), apparmorHost).status).toBe("pass");
    expectFail(check("5.2", c({ appliedAppArmorProfile: "" }), apparmorHost), "appliedAppArmorProfile", "");
    expectFail(
      check("5.2", c({ appliedAppArmorProfile: "unconfined" }), apparmorHost),
      "appliedAppArmorProfile",
      "unconfined",
    );
    expectFail(check("5.2", c({ appliedAppArmorProfile: undefined }), apparmorHost), "appliedAppArmorProfile", null);
  });

  it("live with host support unknown: no applied profile means no AppArmor (n/a); unconfined still fails", () => {
    expect(check("5.2", c({ appliedAppArmorProfile: "" })).status).toBe("not-applicable");
    expectFail(check("5.2", c({ appliedAppArmorProfile: "unconfined" })), "appliedAppArmorProfile");
    expect(check("5.2", c({ appliedAppArmorProfile: "docker-default" })).status).toBe("pass");
  });

  it("declared without options passes: the engine applies docker-default", () => {
    const declared = c({ origin: "declared", state: "declared", appliedAppArmorProfile: undefined });
    expect(check("5.2", declared).status).toBe("pass");
    expect(check("5.2", declared, apparmorHost).status).toBe("pass");
  });
});

// ─────────────────────────── 5.3 ───────────────────────────

describe("5.3 SELinux", () => {
  const selinuxOn = (daemonSelinux: boolean | undefined) =>
    ctx({
      host: { apparmorEnabled: false, selinuxEnabled: true },
      ...(daemonSelinux === undefined ? {} : { daemon: daemon({ selinuxEnabled: daemonSelinux }) }),
    });

  it("is not applicable on a host without SELinux", () => {
    expect(
      check("5.3", c({ privileged: true }), ctx({ host: { apparmorEnabled: true, selinuxEnabled: false } })).status,
    ).toBe("not-applicable");
  });

  it(
    "fails label=disable even though the security option list is non-empty (⚠ non-empty " + "SecurityOpt is not proof)",
    () => {
      const v = check(
        "5.3",
        c({
          securityOptions: secOpts({ selinuxLabelDisabled: true, raw: ["no-new-privileges:true", "label=disable"] }),
        }),
        selinuxOn(true),
      );
      expectFail(v, "securityOptions.selinuxLabelDisabled", true);
    },
  );

  it("fails a privileged container even with explicit labels (⚠ implicit label=disable)", () => {
    const v = check(
      "5.3",
      c({
        privileged: true,
        securityOptions: secOpts({ selinuxLabels: ["type:container_t"], raw: ["label=type:container_t"] }),
      }),
      selinuxOn(true),
    );
    expectFail(v, "privileged", true);
  });

  it("fails host PID or IPC sharing without explicit labels (the engine adds label=disable)", () => {
    expectFail(check("5.3", c({ pidMode: "host" }), selinuxOn(true)), "pidMode", "host");
    expectFail(check("5.3", c({ ipcMode: "host" }), selinuxOn(true)), "ipcMode", "host");
    expect(
      check(
        "5.3",
        c({ pidMode: "host", securityOptions: secOpts({ selinuxLabels: ["level:s0:c1,c2"] }) }),
        selinuxOn(true),
      ).status,
    ).toBe("pass");
  });

  it("fails explicit labels when the daemon runs without selinux-enabled (labels are ignored)", () => {
    const labelled = c({
      securityOptions: secOpts({ selinuxLabels: ["type:container_t"], raw: ["label=type:container_t"] }),
    });
    expectFail(check("5.3", labelled, selinuxOn(false)), "securityOptions.selinuxLabels", ["type:container_t"]);
    expect(check("5.3", labelled, selinuxOn(true)).status).toBe("pass");
  });

  it("passes no explicit labels when the daemon labels containers by default; fails when it does not", () => {
    expect(check("5.3", c(), selinuxOn(true)).status).toBe("pass");
    expectFail(check("5.3", c(), selinuxOn(false)), "securityOptions.selinuxLabels");
  });

  it("with the daemon unknown, passes when label=disable is absent", () => {
    expect(check("5.3", c(), selinuxOn(undefined)).status).toBe("pass");
  });
});

// ─────────────────────────── 5.4, 5.5 ───────────────────────────

describe("5.4 capabilities", () => {
  const allow = (...caps: string[]) => {
    const context = ctx();
    context.settings.capabilityAllowList = caps;
    return context;
  };

  it("fails when CapDrop lacks ALL even with nothing added (⚠ CapAdd alone is not enough)", () => {
    expectFail(check("5.4", c({ capDrop: ["NET_RAW"], capAdd: [] })), "capDrop", ["NET_RAW"]);
  });

  it("fails a privileged container whose cap lists look perfect (⚠)", () => {
    expectFail(check("5.4", c({ privileged: true })), "privileged", true);
  });

  it("fails an added capability outside the allow-list, naming its index", () => {
    expectFail(check("5.4", c({ capAdd: ["NET_BIND_SERVICE"] }), allow()), "capAdd[0]", "NET_BIND_SERVICE");
    expectFail(check("5.4", c({ capAdd: ["NET_BIND_SERVICE", "NET_RAW"] })), "capAdd[1]", "NET_RAW");
    expectFail(
      check("5.4", c({ capAdd: ["NET_BIND_SERVICE", "SYS_ADMIN"] }), allow("NET_BIND_SERVICE")),
      "capAdd[1]",
      "SYS_ADMIN",
    );
  });

  it(
    "allows by default what its remediation recommends (--cap-drop ALL --cap-add " +
      "NET_BIND_SERVICE): the default allow-list is SAFE_CAPABILITIES, for every surface",
    () => {
      expect(check("5.4", c({ capAdd: ["NET_BIND_SERVICE"] })).status).toBe("pass");
    },
  );

  it("passes allowed additions, matching allow-list entries written with CAP_ and lower case", () => {
    expect(
      check("5.4", c({ capAdd: ["NET_BIND_SERVICE", "CHOWN"] }), allow("cap_net_bind_service", "CHOWN")).status,
    ).toBe("pass");
  });

  it("fails adding ALL back", () => {
    expectFail(check("5.4", c({ capAdd: ["ALL"] }), allow("ALL")), "capAdd[0]", "ALL");
  });

  it("lists every offender in the detail", () => {
    const v = check("5.4", c({ capAdd: ["SYS_ADMIN", "NET_ADMIN"] }));
    expect(v.status === "fail" && v.detail).toMatch(/SYS_ADMIN.*NET_ADMIN/);
  });
});

describe("5.5 privileged", () => {
  it("fails privileged, passes otherwise", () => {
    expectFail(check("5.5", c({ privileged: true })), "privileged", true);
    expect(check("5.5", c()).status).toBe("pass");
  });
});

// ─────────────────────────── 5.6 ───────────────────────────

describe("5.6 sensitive host mounts", () => {
  it.each([
    "/",
    "/etc",
    "/etc/",
    "/etc/ssl",
    "/srv/../etc/passwd",
    "//usr//lib/",
    "/boot",
    "/dev/sda",
    "/lib",
    "/proc/1",
    "/sys/fs/cgroup",
    "/usr",
  ])("fails a read-write bind of %s", (source) => {
    expectFail(check("5.6", c({ mounts: [bind(source)] })), "mounts[0].source", source);
  });

  it.each(["/etcetera", "/usr2", "/libexec", "/srv/etc", "/home/app/proc", "/var/lib/app"])(
    "passes a read-write bind of %s (not below a sensitive directory)",
    (source) => {
      expect(check("5.6", c({ mounts: [bind(source)] })).status).toBe("pass");
    },
  );

  it("passes a read-only bind of /etc", () => {
    expect(check("5.6", c({ mounts: [bind("/etc", true)] })).status).toBe("pass");
  });

  it("ignores named volumes that happen to be called like a directory", () => {
    expect(
      check("5.6", c({ mounts: [{ type: "volume", source: "etc", target: "/etc", readOnly: false }] })).status,
    ).toBe("pass");
  });

  it("names the offending mount's index", () => {
    expectFail(check("5.6", c({ mounts: [bind("/srv/data"), bind("/etc/app")] })), "mounts[1].source", "/etc/app");
  });
});

// ─────────────────────────── 5.7 ───────────────────────────

describe("5.7 sshd", () => {
  it("is not applicable for a declared container", () => {
    const v = check("5.7", c({ origin: "declared", state: "declared", processes: undefined }));
    expect(v).toEqual({ status: "not-applicable", why: expect.stringMatching(/live/) });
  });

  it("is not applicable for a stopped container", () => {
    expect(check("5.7", c({ state: "exited", processes: undefined }))).toEqual({
      status: "not-applicable",
      why: expect.stringMatching(/exited/),
    });
  });

  it("is not applicable when the process list was not collected", () => {
    expect(check("5.7", c({ processes: undefined }))).toEqual({
      status: "not-applicable",
      why: expect.stringMatching(/not collected/),
    });
  });

  it.each([
    "/usr/sbin/sshd -D",
    "sshd: user@pts/0",
    "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
    "sshd-session: alice [priv]",
    "dropbear -F -E",
  ])("fails when %s runs", (proc) => {
    expectFail(check("5.7", c({ processes: ["/app/server", proc] })), "processes[1]", proc);
  });

  it.each(["/bin/sh /usr/sbin/sshd -D", "busybox sshd", "/usr/bin/python3 -u /opt/sshd"])(
    "fails an interpreter running an SSH server script: %s",
    (proc) => {
      expectFail(check("5.7", c({ processes: [proc] })), "processes[0]", proc);
    },
  );

  it.each([
    "/bin/sh -c /app/start",
    "notsshd-helper",
    "/usr/bin/tail -f /var/log/sshd.log",
    "/opt/sshd-exporter --port 9100",
    "grep sshd",
  ])("passes %s (not an SSH server)", (proc) => {
    expect(check("5.7", c({ processes: [proc] })).status).toBe("pass");
  });

  it("checks a paused container's processes too", () => {
    expectFail(check("5.7", c({ state: "paused", processes: ["/usr/sbin/sshd -D"] })), "processes[0]");
  });
});

// ─────────────────────────── 5.8, 5.9, 5.14 ───────────────────────────

describe("5.8 privileged host ports", () => {
  it("fails port 80 published on the IPv6 wildcard (⚠ [::]:80 is privileged too)", () => {
    expectFail(check("5.8", c({ ports: [port("::", 80, 80)] })), "ports[0].hostPort", 80);
  });

  it("fails 1023 and names the index; passes 1024 and the ephemeral 0", () => {
    expectFail(
      check("5.8", c({ ports: [port("127.0.0.1", 1024), port("127.0.0.1", 1023)] })),
      "ports[1].hostPort",
      1023,
    );
    expect(check("5.8", c({ ports: [port("127.0.0.1", 0), port("127.0.0.1", 1024)] })).status).toBe("pass");
  });

  it("passes when nothing is published", () => {
    expect(check("5.8", c({ ports: [] })).status).toBe("pass");
  });
});

describe("5.9 published ports (manual)", () => {
  it("reports the published ports, IPv6 bracketed and wildcards shown", () => {
    const v = check("5.9", c({ ports: [port("127.0.0.1", 8080), port("::1", 8443, 443), port("", 9000, 9000)] }));
    expect(v).toEqual({
      status: "manual",
      guidance: expect.any(String),
      report: ["127.0.0.1:8080->8080/tcp", "[::1]:8443->443/tcp", "*:9000->9000/tcp"],
    });
  });

  it("reports an empty list when nothing is published", () => {
    expect(check("5.9", c({ ports: [] }))).toEqual({
      status: "manual",
      guidance: expect.stringMatching(/No ports/),
      report: [],
    });
  });
});

describe("5.14 host address binding", () => {
  it.each(["", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "[]"])(
    "fails hostIp %j (⚠ IPv6 wildcards included)",
    (ip) => {
      expectFail(check("5.14", c({ ports: [port(ip, 8080)] })), "ports[0].hostIp", ip);
    },
  );

  it.each(["127.0.0.1", "10.0.0.5", "::1", "[::1]", "fe80::1%eth0", "2001:db8::10"])("passes hostIp %j", (ip) => {
    expect(check("5.14", c({ ports: [port(ip, 8080)] })).status).toBe("pass");
  });

  it("checks every port, ephemeral ones included", () => {
    expectFail(check("5.14", c({ ports: [port("127.0.0.1", 8080), port("", 0)] })), "ports[1].hostIp", "");
  });

  it("fails -P (publishAllPorts) itself: every EXPOSEd port on every interface, known before deploy or not", () => {
    expectFail(check("5.14", c({ ports: [], publishAllPorts: true })), "publishAllPorts", true);
    expectFail(check("5.14", c({ ports: [port("127.0.0.1", 8080)], publishAllPorts: true })), "publishAllPorts", true);
  });
});

// ─────────────────────────── 5.10–5.13 ───────────────────────────

describe("5.10 host network", () => {
  it("fails network mode host", () => {
    expectFail(check("5.10", c({ networkMode: "host", networks: [] })), "networkMode", "host");
  });

  it("fails attachment to the host network", () => {
    expectFail(check("5.10", c({ networkMode: "app-net", networks: ["app-net", "host"] })), "networks[1]", "host");
  });

  it("passes bridge and user-defined networks", () => {
    expect(check("5.10", c({ networkMode: "bridge", networks: ["bridge"] })).status).toBe("pass");
  });
});

describe("5.11 memory", () => {
  it("fails unlimited memory", () => {
    expectFail(check("5.11", c({ memoryBytes: 0 })), "memoryBytes", 0);
  });
});

describe("5.12 CPU", () => {
  const cpu = (cpuShares: number, nanoCpus: number, cpuQuota: number) => c({ cpuShares, nanoCpus, cpuQuota });

  it("fails when nothing limits CPU", () => {
    expectFail(check("5.12", cpu(0, 0, 0)), "nanoCpus", { cpuShares: 0, nanoCpus: 0, cpuQuota: 0 });
  });

  it("fails cpuShares set to the default 1024 (⚠ set is not limited)", () => {
    expectFail(check("5.12", cpu(1024, 0, 0)));
  });

  it("passes any one of non-default shares, NanoCpus or a quota", () => {
    expect(check("5.12", cpu(512, 0, 0)).status).toBe("pass");
    expect(check("5.12", cpu(0, 500_000_000, 0)).status).toBe("pass");
    expect(check("5.12", cpu(1024, 0, 50_000)).status).toBe("pass");
  });
});

describe("5.13 read-only rootfs", () => {
  it("fails a writable root filesystem", () => {
    expectFail(check("5.13", c({ readOnlyRootfs: false })), "readOnlyRootfs", false);
  });
});

// ─────────────────────────── 5.15 ───────────────────────────

describe("5.15 restart policy", () => {
  const policy = (name: ContainerFacts["restartPolicy"]["name"], maximumRetryCount: number) =>
    c({ restartPolicy: { name, maximumRetryCount } });

  it.each([
    ["no", 0],
    ["on-failure", 1],
    ["on-failure", 5],
  ] as const)("passes %s with %d retries", (name, n) => {
    expect(check("5.15", policy(name, n)).status).toBe("pass");
  });

  it.each([
    ["always", 0],
    ["unless-stopped", 0],
    ["always", 3],
  ] as const)("fails %s even with %d retries (⚠)", (name, n) => {
    expectFail(check("5.15", policy(name, n)), "restartPolicy.name", name);
  });

  it("fails on-failure with 0 (unlimited) or more than 5 retries", () => {
    expectFail(check("5.15", policy("on-failure", 0)), "restartPolicy.maximumRetryCount", 0);
    expectFail(check("5.15", policy("on-failure", 6)), "restartPolicy.maximumRetryCount", 6);
  });
});

// ─────────────────────────── host namespaces ───────────────────────────

describe.each([
  ["5.16", "pidMode"],
  ["5.17", "ipcMode"],
  ["5.21", "utsMode"],
  ["5.31", "usernsMode"],
] as const)("%s %s", (id, field) => {
  it("fails host", () => {
    expectFail(check(id, c({ [field]: "host" })), field, "host");
  });

  it("passes private and container-shared modes", () => {
    expect(check(id, c({ [field]: "" })).status).toBe("pass");
    expect(check(id, c({ [field]: "container:abc" })).status).toBe("pass");
  });
});

// ─────────────────────────── 5.18, 5.19 ───────────────────────────

describe("5.18 devices (manual)", () => {
  it("reports mapped devices", () => {
    const v = check(
      "5.18",
      c({ devices: [{ pathOnHost: "/dev/fuse", pathInContainer: "/dev/fuse", permissions: "rwm" }] }),
    );
    expect(v).toEqual({ status: "manual", guidance: expect.any(String), report: ["/dev/fuse:/dev/fuse:rwm"] });
  });

  it("says a privileged container has every device", () => {
    const v = check("5.18", c({ privileged: true }));
    expect(v.status === "manual" && v.guidance).toMatch(/privileged/);
  });
});

describe("5.19 ulimits (manual)", () => {
  it("reports the container's ulimits", () => {
    const v = check("5.19", c({ ulimits: [{ name: "nofile", soft: 1024, hard: 4096 }] }));
    expect(v).toEqual({ status: "manual", guidance: expect.any(String), report: ["nofile=1024:4096"] });
  });

  it("reports the daemon defaults when the container sets none", () => {
    const v = check(
      "5.19",
      c(),
      ctx({ daemon: daemon({ defaultUlimits: [{ name: "nproc", soft: 512, hard: 1024 }] }) }),
    );
    expect(v).toEqual({
      status: "manual",
      guidance: expect.stringMatching(/default-ulimits/),
      report: { daemonDefaults: ["nproc=512:1024"] },
    });
  });
});

// ─────────────────────────── 5.20, 5.22 ───────────────────────────

describe("5.20 mount propagation", () => {
  it.each(["shared", "rshared"] as const)("fails %s propagation", (propagation) => {
    expectFail(
      check("5.20", c({ mounts: [bind("/srv/a", true), bind("/srv/b", true, { propagation })] })),
      "mounts[1].propagation",
      propagation,
    );
  });

  it.each(["rslave", "private", undefined] as const)("passes %s propagation", (propagation) => {
    expect(check("5.20", c({ mounts: [bind("/srv/a", true, { propagation })] })).status).toBe("pass");
  });
});

describe("5.22 seccomp", () => {
  it("fails seccomp=unconfined", () => {
    expectFail(
      check("5.22", c({ securityOptions: secOpts({ seccompProfile: "unconfined" }) })),
      "securityOptions.seccompProfile",
      "unconfined",
    );
  });

  it("fails a privileged container with no seccomp option (⚠ privileged disables seccomp)", () => {
    expectFail(check("5.22", c({ privileged: true })), "privileged", true);
  });

  it("fails when the container inherits an unconfined daemon default", () => {
    expectFail(
      check("5.22", c(), ctx({ daemon: daemon({ seccompProfile: "unconfined" }) })),
      "securityOptions.seccompProfile",
      null,
    );
    expect(
      check(
        "5.22",
        c({ securityOptions: secOpts({ seccompProfile: "/etc/docker/seccomp.json" }) }),
        ctx({ daemon: daemon({ seccompProfile: "unconfined" }) }),
      ).status,
    ).toBe("pass");
  });

  it("passes the default or a custom profile", () => {
    expect(check("5.22", c()).status).toBe("pass");
    expect(check("5.22", c({ securityOptions: secOpts({ seccompProfile: "/etc/docker/seccomp.json" }) })).status).toBe(
      "pass",
    );
  });
});

// ─────────────────────────── 5.23, 5.24 ───────────────────────────

describe("5.23 privileged exec", () => {
  it("is not applicable without the exec audit log", () => {
    expect(check("5.23", c({ execAuditEvents: undefined }))).toEqual({
      status: "not-applicable",
      why: expect.stringMatching(/audit log/),
    });
  });

  it("fails a privileged exec, naming its index", () => {
    expectFail(
      check("5.23", c({ execAuditEvents: [{ privileged: false }, { privileged: true, user: "root" }] })),
      "execAuditEvents[1].privileged",
      true,
    );
  });

  it("passes unprivileged execs", () => {
    expect(check("5.23", c({ execAuditEvents: [{ privileged: false, user: "root" }] })).status).toBe("pass");
  });

  describe("with only the exec sessions the engine holds now (the live audit)", () => {
    const sessions = (execAuditEvents: ExecAuditEvent[]) =>
      c({ execAuditEvents, execAuditCoverage: "engine-sessions" });

    it("fails a privileged session, naming it", () => {
      const v = check(
        "5.23",
        sessions([
          { privileged: false, command: "sh" },
          { privileged: true, user: "root", command: "sh -i" },
        ]),
      );
      expectFail(v, "execAuditEvents[1].privileged", true);
      expect(v.status === "fail" && v.detail).toContain("privileged `sh -i` as root");
    });

    it("decides nothing when none is privileged: the engine forgets finished execs (never a pass)", () => {
      for (const events of [[], [{ privileged: false, user: "root" }]]) {
        expect(check("5.23", sessions(events))).toEqual({
          status: "not-applicable",
          why: expect.stringContaining("earlier runs need the host's audit log"),
        });
      }
    });
  });
});

describe("5.24 root exec (manual)", () => {
  it("is not applicable without the exec audit log", () => {
    expect(check("5.24", c({ execAuditEvents: undefined })).status).toBe("not-applicable");
  });

  it("reports execs run as root (root, 0, root:…, 0:…) and only those", () => {
    const events = [
      { privileged: false, user: "root" },
      { privileged: false, user: "0:0" },
      { privileged: false, user: "1000" },
      { privileged: false },
      { privileged: false, user: "rootless" },
    ];
    const v = check("5.24", c({ execAuditEvents: events }));
    expect(v).toEqual({ status: "manual", guidance: expect.any(String), report: [events[0], events[1]] });
  });

  it("with only the engine's open sessions: reports a root session, and decides nothing without one", () => {
    const root = { privileged: false, user: "root", command: "sh" };
    expect(check("5.24", c({ execAuditEvents: [root], execAuditCoverage: "engine-sessions" }))).toEqual({
      status: "manual",
      guidance: expect.any(String),
      report: [root],
    });
    expect(
      check("5.24", c({ execAuditEvents: [{ privileged: false }], execAuditCoverage: "engine-sessions" })),
    ).toEqual({
      status: "not-applicable",
      why: expect.stringContaining("no exec as root among the 1 exec session(s)"),
    });
  });
});

// ─────────────────────────── 5.25–5.29 ───────────────────────────

describe("5.25 cgroup parent", () => {
  it("fails a custom cgroup parent", () => {
    expectFail(check("5.25", c({ cgroupParent: "/custom.slice" })), "cgroupParent", "/custom.slice");
  });
});

describe("5.26 no-new-privileges", () => {
  const without = c({ securityOptions: secOpts({ noNewPrivileges: false, raw: [] }) });

  it("fails when neither the container nor the daemon sets it", () => {
    expectFail(check("5.26", without), "securityOptions.noNewPrivileges", false);
    expectFail(check("5.26", without, ctx({ daemon: daemon({ noNewPrivileges: false }) })));
  });

  it("passes when the daemon sets it", () => {
    expect(check("5.26", without, ctx({ daemon: daemon({ noNewPrivileges: true }) })).status).toBe("pass");
  });

  it("fails an explicit no-new-privileges=false, which overrides the daemon", () => {
    const optedOut = c({
      securityOptions: secOpts({
        noNewPrivileges: false,
        noNewPrivilegesOptOut: true,
        raw: ["no-new-privileges=false"],
      }),
    });
    expectFail(
      check("5.26", optedOut, ctx({ daemon: daemon({ noNewPrivileges: true }) })),
      "securityOptions.noNewPrivilegesOptOut",
      true,
    );
  });
});

describe("5.27 healthcheck", () => {
  it("fails with no healthcheck anywhere", () => {
    expectFail(
      check("5.27", c({ healthcheck: undefined, imageConfig: {}, healthStatus: undefined })),
      "healthcheck",
      null,
    );
  });

  it("fails a declared container whose image configuration is unknown and that declares none", () => {
    const v = check(
      "5.27",
      c({
        origin: "declared",
        state: "declared",
        healthcheck: undefined,
        imageConfig: undefined,
        healthStatus: undefined,
      }),
    );
    expect(v.status === "fail" && v.detail).toMatch(/not known/);
  });

  it("passes a healthcheck inherited from the image (container test empty = inherit)", () => {
    const imageConfig = { healthcheck: { test: ["CMD", "/bin/true"] } };
    expect(check("5.27", c({ healthcheck: undefined, imageConfig })).status).toBe("pass");
    expect(check("5.27", c({ healthcheck: { test: [] }, imageConfig })).status).toBe("pass");
  });

  it("fails NONE on the container even when the image defines a check", () => {
    const v = check(
      "5.27",
      c({ healthcheck: { test: ["NONE"] }, imageConfig: { healthcheck: { test: ["CMD", "/bin/true"] } } }),
    );
    expectFail(v, "healthcheck.test", ["NONE"]);
  });

  it("fails NONE inherited from the image", () => {
    expectFail(
      check("5.27", c({ healthcheck: undefined, imageConfig: { healthcheck: { test: ["NONE"] } } })),
      "imageConfig.healthcheck.test",
    );
  });

  it.each(["unhealthy", "starting", "none"] as const)("fails a running container reporting %s", (healthStatus) => {
    expectFail(check("5.27", c({ healthStatus })), "healthStatus", healthStatus);
  });

  it("judges created/exited containers on the definition only", () => {
    expect(check("5.27", c({ state: "exited", healthStatus: "unhealthy" })).status).toBe("pass");
    expect(check("5.27", c({ state: "created", healthStatus: "starting" })).status).toBe("pass");
  });
});

describe("5.28 image pinning (manual)", () => {
  it("reports a digest-pinned image", () => {
    const v = check("5.28", c());
    expect(v).toEqual({
      status: "manual",
      guidance: expect.any(String),
      report: expect.objectContaining({ pinnedByDigest: true, digest: container().image.digest }),
    });
  });

  it("reports a tag-only image as not pinned", () => {
    const image = {
      raw: "nginx:1.27",
      registry: "docker.io",
      repository: "library/nginx",
      tag: "1.27",
      isImageId: false,
    };
    expect(check("5.28", c({ image }))).toEqual({
      status: "manual",
      guidance: expect.stringMatching(/tag/),
      report: { image: "nginx:1.27", pinnedByDigest: false, imageId: false },
    });
  });
});

describe("5.29 pids limit", () => {
  it.each([undefined, 0, -1])("fails pidsLimit %p", (pidsLimit) => {
    expectFail(check("5.29", c({ pidsLimit })), "pidsLimit", pidsLimit ?? null);
  });
});

// ─────────────────────────── 5.30, 5.32 ───────────────────────────

describe("5.30 default bridge (manual)", () => {
  it.each([
    ["bridge", []],
    ["default", []],
    ["", []],
    ["app-net", ["app-net", "bridge"]],
  ] as const)("reports mode %j with networks %j as on the default bridge", (networkMode, networks) => {
    const v = check("5.30", c({ networkMode, networks: [...networks] }));
    expect(v.status === "manual" && v.report).toEqual(expect.objectContaining({ onDefaultBridge: true }));
  });

  it("reports a user-defined network as off the default bridge", () => {
    const v = check("5.30", c());
    expect(v.status === "manual" && v.report).toEqual({
      onDefaultBridge: false,
      networkMode: "app-net",
      networks: ["app-net"],
    });
  });
});

describe("5.32 Docker socket", () => {
  it("fails a read-only mount of the socket (⚠ read-only does not stop connect())", () => {
    expectFail(
      check("5.32", c({ mounts: [bind("/var/run/docker.sock", true)] })),
      "mounts[0].source",
      "/var/run/docker.sock",
    );
  });

  it.each([
    "/run/docker.sock",
    "/home/alice/.docker/desktop/docker.sock",
    "/run/user/1000/docker.sock",
    "/var/run/",
    "/run",
    "/var",
  ])("fails a mount of %s", (source) => {
    expectFail(check("5.32", c({ mounts: [bind(source, true)] })), "mounts[0].source", source);
  });

  it("fails the configured socket path even when it does not end in docker.sock", () => {
    const context = ctx();
    context.settings.dockerSocketPath = "/srv/engine/api.sock";
    expectFail(check("5.32", c({ mounts: [bind("/srv/engine/api.sock")] }), context), "mounts[0].source");
    expectFail(check("5.32", c({ mounts: [bind("/srv/engine")] }), context), "mounts[0].source");
    expect(check("5.32", c({ mounts: [bind("/srv/engine/api.sock")] })).status).toBe("pass");
  });

  it("fails the host's socket in use (host locations)", () => {
    const context = ctx({
      host: host({ locations: { ...host().locations, dockerSocket: "/srv/docker/engine.sock" } }),
    });
    expectFail(check("5.32", c({ mounts: [bind("/srv/docker/engine.sock")] }), context));
  });

  it("fails the Windows engine named pipe", () => {
    expectFail(
      check(
        "5.32",
        c({
          mounts: [
            {
              type: "npipe",
              source: "\\\\.\\pipe\\docker_engine",
              target: "\\\\.\\pipe\\docker_engine",
              readOnly: false,
            },
          ],
        }),
      ),
    );
  });

  it.each(["/var/runner", "/srv/data", "/run/containerd-logs"])("passes an unrelated mount of %s", (source) => {
    expect(check("5.32", c({ mounts: [bind(source)] })).status).toBe("pass");
  });
});
