import { isRootUser, isWildcardAddress } from "../../../src/rules/predicates";

describe("shared rule predicates", () => {
  it("isRootUser decides on the user part only", () => {
    for (const u of ["root", "0", "00", "0:0", "0:1000", "root:app", " root "])
      expect([u, isRootUser(u)]).toEqual([u, true]);
    for (const u of ["10001", "app", "1000:1000", "1000:0", "rootless", "10"])
      expect([u, isRootUser(u)]).toEqual([u, false]);
    // runc reads a numeric user with Go's Atoi: a sign is allowed, so these are uid 0 too.
    for (const u of ["+0", "-0", "+00:10001", "-0:0"]) expect([u, isRootUser(u)]).toEqual([u, true]);
    for (const u of ["+10001", "010001", "0x0", "0.0", "0e0"]) expect([u, isRootUser(u)]).toEqual([u, false]);
    expect(isRootUser(undefined)).toBe(false);
  });

  it("isWildcardAddress knows every spelling of 'all interfaces'", () => {
    for (const h of ["", "0.0.0.0", "::", "[::]", "::0", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0", "::%eth0"])
      expect([h, isWildcardAddress(h)]).toEqual([h, true]);
    for (const h of ["10.0.0.5", "::1", "fe80::1", "eth0", "127.0.0.1", "2001:db8::", "[::1]"])
      expect([h, isWildcardAddress(h)]).toEqual([h, false]);
  });
});
