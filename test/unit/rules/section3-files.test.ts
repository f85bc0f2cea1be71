import type { FileStat, HostFacts, HostLocations } from "../../../src/facts/types";
import { formatMode, modeAtMost } from "../../../src/rules/kit/files";
import { SECTION_3 } from "../../../src/rules/section3";
import type { Rule, Verdict } from "../../../src/rules/types";
import { ctx, host } from "../../harness/fixtures";

const check = (id: string, h: HostFacts): Verdict => {
  const r = SECTION_3.find((x) => x.id === id) as Rule<"host"> | undefined;
  if (!r) throw new Error(`no rule ${id}`);
  return r.check(h, ctx());
};

type Single = Exclude<keyof HostLocations, "registryCertFiles" | "dataRoot">;

/** [owner id, mode id, location, path used in tests, owner, group, mode]. */
const PAIRS: [string, string, Single, string, string, string, number][] = [
  ["3.1", "3.2", "dockerServiceUnit", "/usr/lib/systemd/system/docker.service", "root", "root", 0o644],
  ["3.3", "3.4", "dockerSocketUnit", "/usr/lib/systemd/system/docker.socket", "root", "root", 0o644],
  ["3.5", "3.6", "etcDocker", "/etc/docker", "root", "root", 0o755],
  ["3.9", "3.10", "tlsCaCert", "/etc/docker/tls/ca.pem", "root", "root", 0o444],
  ["3.11", "3.12", "tlsCert", "/etc/docker/tls/server-cert.pem", "root", "root", 0o444],
  ["3.13", "3.14", "tlsKey", "/etc/docker/tls/server-key.pem", "root", "root", 0o400],
  ["3.15", "3.16", "dockerSocket", "/run/docker.sock", "root", "docker", 0o660],
  ["3.17", "3.18", "daemonConfig", "/opt/docker/daemon.json", "root", "root", 0o644],
  ["3.19", "3.20", "etcDefaultDocker", "/etc/default/docker", "root", "root", 0o644],
  ["3.21", "3.22", "etcSysconfigDocker", "/etc/sysconfig/docker", "root", "root", 0o644],
  ["3.23", "3.24", "containerdSocket", "/run/containerd/containerd.sock", "root", "root", 0o660],
];

/** A host whose `location` is `path` with the given stat (everything else baseline). */
function hostWith(location: keyof HostLocations, path: string, stat: Partial<FileStat> = {}): HostFacts {
  const h = host();
  h.locations = { ...h.locations, [location]: path };
  h.files[path] = { path, type: "file", owner: "root", group: "root", mode: 0o644, ...stat };
  return h;
}

describe("section 3 catalog entries", () => {
  it("has the 24 items, host subject, live, automated, CIS levels", () => {
    expect(SECTION_3.map((r) => r.id)).toEqual(Array.from({ length: 24 }, (_, i) => `3.${i + 1}`));
    for (const r of SECTION_3) {
      expect([r.subject, r.section, r.where, r.automated]).toEqual(["host", 3, "live", true]);
    }
    const level2 = SECTION_3.filter((r) => r.level === 2).map((r) => r.id);
    expect(level2).toEqual(["3.17", "3.18", "3.19", "3.20", "3.21", "3.22"]);
  });

  it("the host() baseline passes every item whose file exists; /etc/sysconfig/docker is absent there", () => {
    for (const r of SECTION_3) {
      const v = check(r.id, host());
      expect([r.id, v.status]).toEqual([r.id, ["3.21", "3.22"].includes(r.id) ? "not-applicable" : "pass"]);
    }
  });
});

describe.each(PAIRS)("%s / %s (%s)", (ownerId, modeId, location, path, owner, group, mode) => {
  const good = { owner, group, mode };

  it("pass with the required owner and mode", () => {
    expect(check(ownerId, hostWith(location, path, good))).toEqual({
      status: "pass",
      detail: `${path}: ${owner}:${group}`,
    });
    expect(check(modeId, hostWith(location, path, good))).toEqual({
      status: "pass",
      detail: `${path}: ${formatMode(mode)}`,
    });
  });

  it("owner item fails on a different owner, and on a different group", () => {
    expect(check(ownerId, hostWith(location, path, { ...good, owner: "alice" }))).toEqual({
      status: "fail",
      field: `files["${path}"].owner`,
      observed: `alice:${group}`,
      expected: `owned by ${owner}:${group}`,
    });
    const otherGroup = group === "root" ? "docker" : "root";
    expect(check(ownerId, hostWith(location, path, { ...good, group: otherGroup }))).toMatchObject({
      status: "fail",
      observed: `${owner}:${otherGroup}`,
    });
  });

  it("mode item fails on a world-writable file", () => {
    expect(check(modeId, hostWith(location, path, { ...good, mode: mode | 0o002 }))).toMatchObject({
      status: "fail",
      field: `files["${path}"].mode`,
      observed: formatMode(mode | 0o002),
    });
  });

  it("both items are n/a when the location is undefined, or when it has no stat", () => {
    const h = host();
    h.locations = { ...h.locations, [location]: undefined };
    expect(check(ownerId, h)).toEqual({
      status: "not-applicable",
      why: expect.stringContaining("not present on this host"),
    });
    expect(check(modeId, h).status).toBe("not-applicable");
    const noStat = hostWith(location, path, good);
    delete noStat.files[path];
    expect(check(ownerId, noStat).status).toBe("not-applicable");
    expect(check(modeId, noStat).status).toBe("not-applicable");
  });
});

describe("mode rule: M or more restrictive on octal bit masks", () => {
  it("⚠ 0606 fails against 644 (decimal 606 <= 644 would pass it)", () => {
    expect(606 <= 644).toBe(true); // what a naive auditor computes
    expect(
      check("3.2", hostWith("dockerServiceUnit", "/lib/systemd/system/docker.service", { mode: 0o606 })),
    ).toMatchObject({
      status: "fail",
      observed: "0606",
      expected: "mode 644 or more restrictive (no permission bit outside 644)",
    });
  });

  it("⚠ 0611 fails against 644 though it is numerically smaller", () => {
    expect(0o611 < 0o644).toBe(true);
    expect(check("3.2", hostWith("dockerServiceUnit", "/x.service", { mode: 0o611 })).status).toBe("fail");
  });

  it("stricter modes pass (0600 for 644, 0440 for 444, 0600 for 660, 0700 for 755)", () => {
    expect(check("3.2", hostWith("dockerServiceUnit", "/x.service", { mode: 0o600 })).status).toBe("pass");
    expect(check("3.10", hostWith("tlsCaCert", "/ca.pem", { mode: 0o440 })).status).toBe("pass");
    expect(check("3.16", hostWith("dockerSocket", "/run/docker.sock", { group: "docker", mode: 0o600 })).status).toBe(
      "pass",
    );
    expect(check("3.6", hostWith("etcDocker", "/etc/docker", { type: "directory", mode: 0o700 })).status).toBe("pass");
  });

  it("special bits count: a setgid /etc/docker (02755) is not 755", () => {
    expect(check("3.6", hostWith("etcDocker", "/etc/docker", { type: "directory", mode: 0o2755 }))).toMatchObject({
      status: "fail",
      observed: "02755",
    });
  });

  it("modeAtMost / formatMode", () => {
    expect(modeAtMost(0o644, 0o644)).toBe(true);
    expect(modeAtMost(0o606, 0o644)).toBe(false);
    expect(modeAtMost(0o000, 0o444)).toBe(true);
    expect(formatMode(0o7)).toBe("0007");
  });
});

describe("3.14 TLS key: exactly 400", () => {
  it.each([0o600, 0o000, 0o440, 0o4400])("fails on %o (anything but 0400)", (mode) => {
    expect(check("3.14", hostWith("tlsKey", "/k.pem", { mode }))).toMatchObject({
      status: "fail",
      expected: "mode exactly 400",
      observed: formatMode(mode),
    });
  });
  it("passes on 0400", () => {
    expect(check("3.14", hostWith("tlsKey", "/k.pem", { mode: 0o400 })).status).toBe("pass");
  });
});

describe("socket owners", () => {
  it("3.15 wants group docker: root:root fails", () => {
    expect(
      check("3.15", hostWith("dockerSocket", "/var/run/docker.sock", { group: "root", mode: 0o660 })),
    ).toMatchObject({ status: "fail", observed: "root:root" });
  });
  it("3.23 wants root:root: root:docker fails", () => {
    expect(
      check("3.23", hostWith("containerdSocket", "/run/containerd/containerd.sock", { group: "docker", mode: 0o660 })),
    ).toMatchObject({
      status: "fail",
      observed: "root:docker",
    });
  });
});

describe("3.7 / 3.8 registry certificates", () => {
  const certs = (stats: Partial<FileStat>[]) => {
    const h = host();
    const paths = stats.map((_, i) => `/etc/docker/certs.d/reg${i}.example.com/ca.crt`);
    h.locations = { ...h.locations, registryCertFiles: paths };
    paths.forEach(
      (p, i) => (h.files[p] = { path: p, type: "file", owner: "root", group: "root", mode: 0o444, ...stats[i] }),
    );
    return h;
  };

  it("pass when every certificate is root:root and 0444 or stricter", () => {
    const h = certs([{}, { mode: 0o400 }]);
    expect(check("3.7", h).status).toBe("pass");
    expect(check("3.8", h).status).toBe("pass");
  });

  it("fail listing every offender, not just the first", () => {
    const h = certs([{ owner: "alice" }, {}, { group: "staff", mode: 0o644 }]);
    expect(check("3.7", h)).toEqual({
      status: "fail",
      field: "locations.registryCertFiles",
      observed: [
        { path: "/etc/docker/certs.d/reg0.example.com/ca.crt", owner: "alice:root" },
        { path: "/etc/docker/certs.d/reg2.example.com/ca.crt", owner: "root:staff" },
      ],
      expected: "every file owned by root:root",
      detail: "2 of 3 registry certificates under /etc/docker/certs.d do not comply",
    });
    expect(check("3.8", h)).toMatchObject({
      status: "fail",
      observed: [{ path: "/etc/docker/certs.d/reg2.example.com/ca.crt", mode: "0644" }],
    });
  });

  it("n/a when there are no certificates, or none of them has a stat", () => {
    const none = certs([]);
    expect(check("3.7", none)).toEqual({
      status: "not-applicable",
      why: "registry certificates under /etc/docker/certs.d not present on this host",
    });
    expect(check("3.8", none).status).toBe("not-applicable");
    const listedOnly = host();
    listedOnly.locations = { ...listedOnly.locations, registryCertFiles: ["/etc/docker/certs.d/gone/ca.crt"] };
    expect(check("3.7", listedOnly).status).toBe("not-applicable");
  });
});
