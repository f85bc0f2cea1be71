import type { HostFacts, HostLocations } from "../../../src/facts/types";
import { watchCovering } from "../../../src/rules/kit/audit-watch";
import { compareDottedVersions, mountContaining, parseDottedVersion } from "../../../src/rules/kit/host";
import { SECTION_1 } from "../../../src/rules/section1";
import { DEFAULT_SETTINGS, MINIMUM_ENGINE_VERSION, type Rule, type Verdict } from "../../../src/rules/types";
import { ctx, host } from "../../harness/fixtures";

const rule = (id: string) => {
  const r = SECTION_1.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r as Rule<"host">;
};
const check = (id: string, h: HostFacts, c = ctx()): Verdict => rule(id).check(h, c);
const withLocations = (l: Partial<HostLocations>, rest: Partial<HostFacts> = {}) =>
  host({ locations: { ...host().locations, ...l }, ...rest });

describe("section 1 catalog entries", () => {
  it("has the 20 items, host subject, live, CIS levels and automation", () => {
    const ids = SECTION_1.map((r) => r.id);
    expect(ids).toEqual([...Array.from({ length: 18 }, (_, i) => `1.1.${i + 1}`), "1.2.1", "1.2.2"]);
    for (const r of SECTION_1) {
      expect(r.subject).toBe("host");
      expect(r.section).toBe(1);
      expect(r.where).toBe("live");
      expect(r.remediation.length).toBeGreaterThan(20);
    }
    const level1 = SECTION_1.filter((r) => r.level === 1).map((r) => r.id);
    expect(level1).toEqual(["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.2.1", "1.2.2"]);
    expect(SECTION_1.filter((r) => !r.automated).map((r) => r.id)).toEqual(["1.2.1", "1.2.2"]);
  });

  it("the host() baseline passes every automated item; items absent on that host are n/a", () => {
    // containerdConfig, sysconfig, shim, shim-runc-v1 undefined
    const absent = ["1.1.12", "1.1.13", "1.1.15", "1.1.16"];
    for (const r of SECTION_1.filter((x) => x.automated)) {
      const v = check(r.id, host());
      expect([r.id, v.status]).toEqual([r.id, absent.includes(r.id) ? "not-applicable" : "pass"]);
    }
  });
});

describe("1.1.1 data root on its own filesystem", () => {
  const rootMount = { mountPoint: "/", device: "253:0", root: "/", fsType: "ext4", source: "/dev/vda1" };

  it("passes when the data root's device differs from /", () => {
    expect(check("1.1.1", host())).toEqual(expect.objectContaining({ status: "pass" }));
  });

  it(
    "⚠ fails when dockerd's self bind-mount of the data root sits on the root device (a " +
      "naive 'is a mount point' check passes)",
    () => {
      const h = host({
        mounts: [
          rootMount,
          {
            mountPoint: "/var/lib/docker",
            device: "253:0",
            root: "/var/lib/docker",
            fsType: "ext4",
            source: "/dev/vda1",
          },
        ],
      });
      expect(check("1.1.1", h)).toEqual({
        status: "fail",
        field: "mounts[1].device",
        observed: "253:0",
        expected: "a device other than that of / (253:0)",
        detail: expect.stringContaining("same filesystem as /"),
      });
    },
  );

  it("passes on a separate device even with dockerd's bind mount stacked on top", () => {
    const h = host({
      mounts: [
        rootMount,
        { mountPoint: "/var/lib/docker", device: "253:16", root: "/", fsType: "xfs", source: "/dev/vdb1" },
        { mountPoint: "/var/lib/docker", device: "253:16", root: "/", fsType: "xfs", source: "/dev/vdb1" },
      ],
    });
    expect(check("1.1.1", h).status).toBe("pass");
  });

  it("fails when the data root has no mount of its own (falls back to /)", () => {
    const h = host({ mounts: [rootMount] });
    expect(check("1.1.1", h)).toMatchObject({ status: "fail", field: "mounts[0].device" });
  });

  it("⚠ is path-boundary aware: a mount at /var/lib/docker does not hold /var/lib/dockerx", () => {
    const h = withLocations({ dataRoot: "/var/lib/dockerx" });
    expect(check("1.1.1", h)).toMatchObject({ status: "fail", field: "mounts[0].device" });
  });

  it("uses the real data root and accepts a separate parent filesystem (/var)", () => {
    const h = withLocations(
      { dataRoot: "/srv/docker-data" },
      { mounts: [rootMount, { mountPoint: "/srv", device: "8:17", root: "/", fsType: "ext4", source: "/dev/sdb1" }] },
    );
    expect(check("1.1.1", h).status).toBe("pass");
  });

  it("a later entry at the same mount point wins (it is mounted on top)", () => {
    const m = [
      rootMount,
      { ...rootMount, mountPoint: "/data", device: "8:1" },
      { ...rootMount, mountPoint: "/data", device: "253:0" },
    ];
    expect(mountContaining(m, "/data/docker")?.index).toBe(2);
    expect(check("1.1.1", withLocations({ dataRoot: "/data/docker" }, { mounts: m })).status).toBe("fail");
  });

  it("fails when the mount table is empty (no evidence)", () => {
    expect(check("1.1.1", host({ mounts: [] }))).toMatchObject({ status: "fail", field: "mounts", observed: "empty" });
  });
});

describe("1.1.2 trusted docker users", () => {
  it("passes with no members and a root-owned socket", () => {
    expect(check("1.1.2", host()).status).toBe("pass");
  });

  it("fails listing untrusted group members only", () => {
    const h = host({ dockerGroupMembers: ["root", "alice", "bob"] });
    expect(check("1.1.2", h)).toMatchObject({
      status: "fail",
      field: "dockerGroupMembers",
      observed: ["alice", "bob"],
    });
  });

  it("passes when the members are configured as trusted", () => {
    const c = ctx({ settings: { ...DEFAULT_SETTINGS, trustedDockerUsers: ["root", "alice"] } });
    expect(check("1.1.2", host({ dockerGroupMembers: ["alice"] }), c).status).toBe("pass");
  });

  it("fails when the socket's owner is not trusted, even with an empty group", () => {
    const h = host();
    h.files["/var/run/docker.sock"] = { ...h.files["/var/run/docker.sock"], owner: "mallory" };
    expect(check("1.1.2", h)).toMatchObject({
      status: "fail",
      field: 'files["/var/run/docker.sock"].owner',
      observed: ["mallory"],
    });
  });

  it("lists both kinds of untrusted user once each", () => {
    const h = host({ dockerGroupMembers: ["mallory", "eve"] });
    h.files["/var/run/docker.sock"] = { ...h.files["/var/run/docker.sock"], owner: "mallory" };
    const v = check("1.1.2", h);
    expect(v).toMatchObject({ status: "fail", field: "dockerGroupMembers", observed: ["mallory", "eve"] });
    expect(v.status === "fail" && v.detail).toMatch(/owner of \/var\/run\/docker\.sock: mallory/);
  });

  it("checks group members when the socket is absent", () => {
    expect(check("1.1.2", withLocations({ dockerSocket: undefined })).status).toBe("pass");
    expect(check("1.1.2", withLocations({ dockerSocket: undefined }, { dockerGroupMembers: ["eve"] })).status).toBe(
      "fail",
    );
  });
});

describe("1.1.3–1.1.18 audit watches", () => {
  const items: [string, keyof HostLocations, string][] = [
    ["1.1.3", "dockerdBinary", "/usr/bin/dockerd"],
    ["1.1.4", "containerdRunDir", "/run/containerd"],
    ["1.1.5", "dataRoot", "/srv/docker"],
    ["1.1.6", "etcDocker", "/etc/docker"],
    ["1.1.7", "dockerServiceUnit", "/usr/lib/systemd/system/docker.service"],
    ["1.1.8", "containerdSocket", "/run/containerd/containerd.sock"],
    ["1.1.9", "dockerSocketUnit", "/usr/lib/systemd/system/docker.socket"],
    ["1.1.10", "etcDefaultDocker", "/etc/default/docker"],
    ["1.1.11", "daemonConfig", "/opt/docker/daemon.json"],
    ["1.1.12", "containerdConfig", "/etc/containerd/config.toml"],
    ["1.1.13", "etcSysconfigDocker", "/etc/sysconfig/docker"],
    ["1.1.14", "containerdBinary", "/usr/bin/containerd"],
    ["1.1.15", "containerdShimBinary", "/usr/bin/containerd-shim"],
    ["1.1.16", "containerdShimRuncV1Binary", "/usr/bin/containerd-shim-runc-v1"],
    ["1.1.17", "containerdShimRuncV2Binary", "/usr/bin/containerd-shim-runc-v2"],
    ["1.1.18", "runcBinary", "/usr/bin/runc"],
  ];

  describe.each(items)("%s (%s)", (id, key, path) => {
    it("passes when the path at the host's real location is watched", () => {
      expect(check(id, withLocations({ [key]: path }, { auditWatches: ["/somewhere/else", path] }))).toEqual({
        status: "pass",
        detail: `${path} is watched`,
      });
    });

    it("fails naming auditWatches when no watch covers it", () => {
      expect(check(id, withLocations({ [key]: path }, { auditWatches: ["/somewhere/else"] }))).toEqual({
        status: "fail",
        field: "auditWatches",
        observed: ["/somewhere/else"],
        expected: `a watch on ${path} or a directory above it`,
      });
    });

    it("fails when the audit rules could not be read (no evidence)", () => {
      expect(check(id, withLocations({ [key]: path }, { auditWatches: undefined }))).toMatchObject({
        status: "fail",
        field: "auditWatches",
        observed: null,
      });
    });

    if (key !== "dataRoot") {
      it("is n/a when the path is absent on this host", () => {
        expect(check(id, withLocations({ [key]: undefined }, { auditWatches: undefined }))).toEqual({
          status: "not-applicable",
          why: expect.stringContaining("not present on this host"),
        });
      });
    }
  });

  it("1.1.5 follows the real data root, not /var/lib/docker", () => {
    // The baseline watches /var/lib/docker only.
    expect(check("1.1.5", withLocations({ dataRoot: "/srv/docker" })).status).toBe("fail");
  });

  it("1.1.11 follows the config file in use (--config-file)", () => {
    expect(
      check("1.1.11", withLocations({ daemonConfig: "/opt/docker/daemon.json" }, { auditWatches: ["/etc/docker"] }))
        .status,
    ).toBe("fail");
  });

  it("an ancestor directory watch covers the path (directory watches are recursive)", () => {
    expect(check("1.1.11", host({ auditWatches: ["/etc/docker/"] }))).toEqual({
      status: "pass",
      detail: "/etc/docker/daemon.json is covered by the watch on /etc/docker/",
    });
    expect(check("1.1.8", host({ auditWatches: ["/run/containerd"] })).status).toBe("pass");
  });

  it("⚠ is path-boundary aware: a watch on /usr/bin/docker does not cover /usr/bin/dockerd", () => {
    expect(check("1.1.3", host({ auditWatches: ["/usr/bin/docker"] })).status).toBe("fail");
    expect(check("1.1.6", host({ auditWatches: ["/etc/dock"] })).status).toBe("fail");
  });

  it("a non-recursive -F path= watch on a directory does not cover files below it", () => {
    const h = host({ auditWatches: ["/etc/docker"], auditNonRecursiveWatches: ["/etc/docker"] });
    expect(check("1.1.6", h).status).toBe("pass"); // the directory itself is watched
    expect(check("1.1.11", h).status).toBe("fail");
  });

  it("treats /var/run and /run as the same directory", () => {
    expect(
      check(
        "1.1.8",
        withLocations(
          { containerdSocket: "/var/run/containerd/containerd.sock" },
          { auditWatches: ["/run/containerd"] },
        ),
      ).status,
    ).toBe("pass");
    expect(watchCovering({ auditWatches: ["/var/run/containerd"] }, "/run/containerd/containerd.sock")).toBe(
      "/var/run/containerd",
    );
    expect(watchCovering({ auditWatches: ["/var/runx"] }, "/run/x")).toBeUndefined();
  });
});

describe("1.2.1 host hardened (manual)", () => {
  it("reports the OS", () => {
    expect(check("1.2.1", host())).toMatchObject({ status: "manual", report: { id: "debian", version: "12" } });
    expect(check("1.2.1", host({ os: undefined }))).toEqual({ status: "manual", guidance: expect.any(String) });
  });
});

describe("1.2.2 engine version", () => {
  const withMin = (min?: string) => ctx({ settings: { ...DEFAULT_SETTINGS, minimumEngineVersion: min } });

  it("is manual with the version as report when no minimum is configured", () => {
    expect(check("1.2.2", host(), withMin(undefined))).toMatchObject({ status: "manual", report: "26.1.5" });
  });

  it("by default fails an engine without the published-port fix of 28.3.3 (CVE-2025-54388)", () => {
    expect(MINIMUM_ENGINE_VERSION).toBe("28.3.3");
    expect(check("1.2.2", host({ engineVersion: "28.3.2" }))).toMatchObject({
      status: "fail",
      expected: "28.3.3 or newer (settings.minimumEngineVersion)",
    });
    expect(check("1.2.2", host({ engineVersion: "26.1.5" })).status).toBe("fail");
    expect(check("1.2.2", host({ engineVersion: "28.3.3" })).status).toBe("manual");
    expect(check("1.2.2", host({ engineVersion: "29.0.1" })).status).toBe("manual");
  });

  it("fails an engine whose minimum API version was lowered below its line's default (DOCKER_MIN_API_VERSION)", () => {
    // Engine 29 refuses clients older than API 1.44, Engines 25–28 older than 1.24, unless told otherwise.
    expect(check("1.2.2", host({ engineVersion: "29.0.4", engineMinApiVersion: "1.24" }))).toMatchObject({
      status: "fail",
      field: "engineMinApiVersion",
      observed: "1.24",
      expected: "1.44 or newer, Engine 29's default",
    });
    expect(check("1.2.2", host({ engineVersion: "29.0.4", engineMinApiVersion: "1.44" })).status).toBe("manual");
    expect(check("1.2.2", host({ engineVersion: "28.3.3", engineMinApiVersion: "1.24" })).status).toBe("manual");
    expect(check("1.2.2", host({ engineVersion: "28.3.3", engineMinApiVersion: "1.12" })).status).toBe("fail");
    // Numeric, not textual: 1.9 is older than 1.24.
    expect(check("1.2.2", host({ engineVersion: "28.3.3", engineMinApiVersion: "1.9" })).status).toBe("fail");
    // An engine older than the table (its default is not known here), or no minimum read: the version decides.
    const old = check("1.2.2", host({ engineVersion: "20.10.24", engineMinApiVersion: "1.12" }), withMin("20.10"));
    expect(old.status).toBe("manual");
    expect(check("1.2.2", host({ engineVersion: "29.0.4" })).status).toBe("manual");
  });

  it("fails below the configured minimum", () => {
    expect(check("1.2.2", host({ engineVersion: "20.10.24+dfsg1" }), withMin("24.0.0"))).toEqual({
      status: "fail",
      field: "engineVersion",
      observed: "20.10.24+dfsg1",
      expected: "24.0.0 or newer (settings.minimumEngineVersion)",
    });
  });

  it("compares numerically, not as strings (9.x < 10.x; '26.1.5' > '26.1.10' as strings)", () => {
    expect(check("1.2.2", host({ engineVersion: "26.1.5" }), withMin("26.1.10")).status).toBe("fail");
    expect(check("1.2.2", host({ engineVersion: "26.1.10" }), withMin("26.1.5")).status).toBe("manual");
    expect(check("1.2.2", host({ engineVersion: "9.0.0" }), withMin("10")).status).toBe("fail");
  });

  it("stays manual (with report) at or above the minimum, tolerating distro suffixes", () => {
    expect(check("1.2.2", host({ engineVersion: "24.0.7-0ubuntu2~22.04.1" }), withMin("24.0.7"))).toMatchObject({
      status: "manual",
      report: "24.0.7-0ubuntu2~22.04.1",
    });
    expect(check("1.2.2", host({ engineVersion: "20.10.24+dfsg1" }), withMin("20.10")).status).toBe("manual");
  });

  it("a pre-release is below its release", () => {
    expect(check("1.2.2", host({ engineVersion: "25.0.0-rc.1" }), withMin("25.0.0")).status).toBe("fail");
    expect(check("1.2.2", host({ engineVersion: "25.0.1-rc.1" }), withMin("25.0.0")).status).toBe("manual");
  });

  it("is manual when the version is unknown or not numeric", () => {
    expect(check("1.2.2", host({ engineVersion: undefined }), withMin("24.0.0"))).toEqual({
      status: "manual",
      guidance: expect.stringContaining("could not be read"),
    });
    expect(check("1.2.2", host({ engineVersion: "dev" }), withMin("24.0.0"))).toMatchObject({
      status: "manual",
      report: "dev",
    });
  });

  it("throws on a minimum that is not a version (configuration error)", () => {
    expect(() => check("1.2.2", host(), withMin("latest"))).toThrow(/minimumEngineVersion "latest"/);
  });

  it("version helpers", () => {
    const v = (s: string) => parseDottedVersion(s)!;
    expect(v("v20.10.24+dfsg1")).toEqual({ parts: [20, 10, 24], prerelease: false });
    expect(parseDottedVersion("latest")).toBeUndefined();
    expect(compareDottedVersions(v("24"), v("24.0.0"))).toBe(0);
    expect(compareDottedVersions(v("26.0.0~rc1"), v("26.0.0"))).toBeLessThan(0);
  });
});
