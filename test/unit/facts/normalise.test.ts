import { cpusToNano, isPathWithin, normaliseCapabilities, normalisePath, parseDurationSeconds, parseSecurityOptions } from "../../../src/facts/normalise";

describe("normalisers", () => {
  it("capabilities", () => {
    expect(normaliseCapabilities(["cap_sys_admin", "NET_RAW", "all", "ALL", ""])).toEqual(["SYS_ADMIN", "NET_RAW", "ALL"]);
    expect(normaliseCapabilities(null)).toEqual([]);
  });
  it("security options in every spelling docker accepts", () => {
    expect(parseSecurityOptions(["no-new-privileges"]).noNewPrivileges).toBe(true);
    expect(parseSecurityOptions(["no-new-privileges:true"]).noNewPrivileges).toBe(true);
    expect(parseSecurityOptions(["no-new-privileges=false"])).toMatchObject({ noNewPrivileges: false, noNewPrivilegesOptOut: true });
    expect(parseSecurityOptions(["no-new-privileges"]).noNewPrivilegesOptOut).toBeUndefined();
    expect(parseSecurityOptions(["seccomp:unconfined"]).seccompProfile).toBe("unconfined");
    expect(parseSecurityOptions(["apparmor=unconfined"]).apparmorProfile).toBe("unconfined");
    expect(parseSecurityOptions(["label:disable"]).selinuxLabelDisabled).toBe(true);
    expect(parseSecurityOptions(["label=type:svirt_apache_t"]).selinuxLabels).toEqual(["type:svirt_apache_t"]);
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
