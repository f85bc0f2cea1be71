import {
  cpusToNano,
  isPathWithin,
  normaliseCapabilities,
  normalisePath,
  parseDurationSeconds,
  parseGoAtoi,
  parseGoBool,
  parseGoInt,
  parseSecurityOptions,
} from "../../../src/facts/normalise";

describe("normalisers", () => {
  it("capabilities", () => {
    expect(normaliseCapabilities(["cap_sys_admin", "NET_RAW", "all", "ALL", ""])).toEqual([
      "SYS_ADMIN",
      "NET_RAW",
      "ALL",
    ]);
    expect(normaliseCapabilities(null)).toEqual([]);
  });
  it("security options in every spelling docker accepts", () => {
    expect(parseSecurityOptions(["no-new-privileges"]).noNewPrivileges).toBe(true);
    expect(parseSecurityOptions(["no-new-privileges:true"]).noNewPrivileges).toBe(true);
    expect(parseSecurityOptions(["no-new-privileges=false"])).toMatchObject({
      noNewPrivileges: false,
      noNewPrivilegesOptOut: true,
    });
    expect(parseSecurityOptions(["no-new-privileges"]).noNewPrivilegesOptOut).toBeUndefined();
    expect(parseSecurityOptions(["seccomp:unconfined"]).seccompProfile).toBe("unconfined");
    expect(parseSecurityOptions(["apparmor=unconfined"]).apparmorProfile).toBe("unconfined");
    expect(parseSecurityOptions(["label:disable"]).selinuxLabelDisabled).toBe(true);
    expect(parseSecurityOptions(["label=type:svirt_apache_t"]).selinuxLabels).toEqual(["type:svirt_apache_t"]);
  });
  it("no-new-privileges values as dockerd reads them (Go's ParseBool); a value it refuses is not on", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True"])
      for (const sep of ["=", ":"])
        expect([v, sep, parseSecurityOptions([`no-new-privileges${sep}${v}`])]).toMatchObject([
          v,
          sep,
          { noNewPrivileges: true },
        ]);
    for (const v of ["0", "f", "F", "FALSE", "false", "False"])
      expect([v, parseSecurityOptions([`no-new-privileges=${v}`])]).toMatchObject([
        v,
        { noNewPrivileges: false, noNewPrivilegesOptOut: true },
      ]);
    for (const v of ["yes", "on", "tRuE", "", " true"]) {
      const o = parseSecurityOptions([`no-new-privileges=${v}`]);
      expect([v, o.noNewPrivileges, o.noNewPrivilegesOptOut]).toEqual([v, false, undefined]);
    }
  });
  it("Go's ParseBool and Atoi, exactly", () => {
    expect(["1", "t", "T", "TRUE", "true", "True"].map(parseGoBool)).toEqual(Array(6).fill(true));
    expect(["0", "f", "F", "FALSE", "false", "False"].map(parseGoBool)).toEqual(Array(6).fill(false));
    expect(["yes", "y", "on", "tRUE", "", " 1", "2"].map(parseGoBool)).toEqual(Array(7).fill(undefined));
    expect(["0", "+0", "-0", "007", "-12", "+10001"].map(parseGoAtoi)).toEqual([0, 0, -0, 7, -12, 10001]);
    expect(["", " 0", "0x0", "1e3", "1.0", "+", "٣"].map(parseGoAtoi)).toEqual(Array(7).fill(undefined));
  });

  it("parseGoInt reads integers as Go's ParseInt(s, 0, 64) does (the docker CLI's --pids-limit)", () => {
    expect(
      ["64", "+64", "-1", "0", "010", "0o10", "0x40", "0X40", "0b101", "1_000", "0x_40", "0_17"].map(parseGoInt),
    ).toEqual([64, 64, -1, 0, 8, 8, 64, 64, 5, 1000, 64, 15]);
    expect(
      ["", "+", "08", "0x", "1__0", "_1", "1_", "0x40_", "abc", " 64", "64 ", "1e3", "1.0", "٣"].map(parseGoInt),
    ).toEqual(Array(14).fill(undefined));
  });
  it("durations", () => {
    expect(parseDurationSeconds("1m30s")).toBe(90);
    expect(parseDurationSeconds("250ms")).toBe(0.25);
    expect(parseDurationSeconds("1h")).toBe(3600);
    expect(parseDurationSeconds("30")).toBeUndefined();
    expect(parseDurationSeconds("5s garbage")).toBeUndefined();
    expect(parseDurationSeconds("")).toBeUndefined();
  });
  it("cpus", () => {
    expect(cpusToNano("1.5")).toBe(1_500_000_000);
    expect(cpusToNano(0)).toBeUndefined();
    expect(cpusToNano("abc")).toBeUndefined();
  });
  it("paths on boundaries", () => {
    expect(normalisePath("/etc/../etc//docker/")).toBe("/etc/docker");
    expect(isPathWithin("/etc/docker", "/etc")).toBe(true);
    expect(isPathWithin("/etcetera", "/etc")).toBe(false);
    expect(isPathWithin("/var/../etc/passwd", "/etc")).toBe(true);
    expect(isPathWithin("/anything", "/")).toBe(true);
    expect(isPathWithin("/var/lib/docker", "/var/lib/docker/")).toBe(true);
    expect(isPathWithin("/var/lib", "/var/lib/docker")).toBe(false);
    expect(normalisePath("/")).toBe("/");
    expect(normalisePath("//")).toBe("/");
  });
});
