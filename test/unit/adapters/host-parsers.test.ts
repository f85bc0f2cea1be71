import {
  nonRecursiveAuditPaths,
  parseAuditRules,
  parseAuditRuleWatches,
  parseGroupMembers,
  parseListeningSockets,
  parseMountInfo,
  parseOctalMode,
} from "../../../src/adapters/host-parsers";

describe("parseMountInfo", () => {
  const sample = [
    "22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro",
    "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
    "41 22 253:16 / /var/lib/docker rw,relatime shared:30 master:2 - xfs /dev/vdb1 rw,attr2",
    "42 41 253:16 /volumes /mnt/my\\040data rw,relatime - xfs /dev/vdb1 rw",
    "",
  ].join("\n");

  it("parses fixed fields, zero or several optional fields, and the fields after the separator", () => {
    const m = parseMountInfo(sample);
    expect(m).toHaveLength(4);
    expect(m[0]).toEqual({ mountPoint: "/", device: "253:0", root: "/", fsType: "ext4", source: "/dev/vda1" });
    expect(m[2]).toEqual({
      mountPoint: "/var/lib/docker",
      device: "253:16",
      root: "/",
      fsType: "xfs",
      source: "/dev/vdb1",
    });
    // no optional field at all
    expect(m[3].fsType).toBe("xfs");
  });

  it("decodes octal escapes (\\040 space, \\011 tab, \\134 backslash) in paths", () => {
    const m = parseMountInfo("50 22 8:1 /a\\134b /srv/with\\040space\\011tab rw - ext4 /dev/sd\\040x rw\n");
    expect(m[0].mountPoint).toBe("/srv/with space\ttab");
    expect(m[0].root).toBe("/a\\b");
    expect(m[0].source).toBe("/dev/sd x");
  });

  it("tolerates CRLF and keeps order (a later entry at the same mount point is on top)", () => {
    const m = parseMountInfo("1 0 8:1 / / rw - ext4 /dev/sda1 rw\r\n2 1 8:1 /x / rw - ext4 /dev/sda1 rw\r\n");
    expect(m.map((e) => e.root)).toEqual(["/", "/x"]);
  });

  it("throws naming source and line number on a line without the separator", () => {
    expect(() =>
      parseMountInfo("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 8:2 / /boot rw ext4 /dev/sda2 rw", "mi"),
    ).toThrow(/^mi:2: /);
  });

  it("throws on a malformed device or id, and on a truncated tail", () => {
    expect(() => parseMountInfo("1 0 sda / / rw - ext4 /dev/sda1 rw")).toThrow(
      /\/proc\/self\/mountinfo:1: device is not major:minor/,
    );
    expect(() => parseMountInfo("x 0 8:1 / / rw - ext4 /dev/sda1 rw")).toThrow(/:1: mount ids/);
    expect(() => parseMountInfo("1 0 8:1 / / rw - ext4")).toThrow(/:1: expected filesystem type and source/);
  });
});

describe("parseAuditRules", () => {
  it("reads -w watches and -F path= / dir= fields, skipping comments, blanks and control lines", () => {
    const text = [
      "## docker rules",
      "-D",
      "-b 8192",
      "--backlog_wait_time 60000",
      "",
      "-w /usr/bin/dockerd -p rwxa -k docker",
      "-w /etc/docker/ -p wa -k docker",
      "-a always,exit -F arch=b64 -S all -F path=/usr/bin/runc -F perm=x -F key=docker",
      "-a exit,always -F dir=/var/lib/docker -F perm=wa",
      "-a always,exit -F arch=b64 -S adjtimex -k time-change",
      "-e 2",
    ].join("\n");
    expect(parseAuditRules(text)).toEqual(["/usr/bin/dockerd", "/etc/docker", "/usr/bin/runc", "/var/lib/docker"]);
  });

  it("reads `auditctl -l` output, including 'No rules'", () => {
    expect(parseAuditRules("No rules\n")).toEqual([]);
    expect(parseAuditRules("-w /run/containerd -p rwxa -k docker\n-w /run/containerd -p wa\n")).toEqual([
      "/run/containerd",
    ]);
  });

  it("accepts getopt-style attached values (-w/path)", () => {
    expect(parseAuditRules("-w/etc/docker -pwa")).toEqual(["/etc/docker"]);
  });

  it("does not count never rules, other lists, or non-= operators as watches", () => {
    const text = [
      "-a never,exit -F path=/usr/bin/dockerd",
      "-a always,task -F path=/usr/bin/containerd",
      "-a always,exit -F path!=/usr/bin/runc",
    ].join("\n");
    expect(parseAuditRules(text)).toEqual([]);
  });

  it("applies -W, -d and -D -k KEY removals in order; a bare -D is ignored (augenrules hoists it)", () => {
    const text = [
      "-w /etc/docker -k docker",
      "-w /usr/bin/dockerd -k docker",
      "-w /usr/bin/runc -k runtime",
      "-a always,exit -F path=/usr/bin/containerd -k ctd",
      "-W /etc/docker -k docker",
      "-d always,exit -F path=/usr/bin/containerd -k ctd",
      "-D -k runtime",
      "-D",
    ].join("\n");
    expect(parseAuditRules(text)).toEqual(["/usr/bin/dockerd"]);
  });

  it("marks -F path= watches non-recursive, unless the same path also has a recursive watch", () => {
    const w = parseAuditRuleWatches(
      "-a always,exit -F path=/etc/docker\n-a always,exit -F path=/usr/bin/runc\n-w /usr/bin/runc\n",
    );
    expect(w.map((x) => [x.path, x.recursive])).toEqual([
      ["/etc/docker", false],
      ["/usr/bin/runc", false],
      ["/usr/bin/runc", true],
    ]);
    expect(nonRecursiveAuditPaths(w)).toEqual(["/etc/docker"]);
  });

  it("throws naming source and line on a watch without a path, an empty path= or a stray line", () => {
    expect(() => parseAuditRules("# ok\n-w /etc/docker\n-w", "/etc/audit/rules.d/docker.rules")).toThrow(
      /^\/etc\/audit\/rules\.d\/docker\.rules:3: option -w has no value/,
    );
    expect(() => parseAuditRules("-a always,exit -F path=")).toThrow(/audit rules:1: empty path=/);
    expect(() => parseAuditRules("-a always,exit -F garbage")).toThrow(/:1: malformed field/);
    expect(() => parseAuditRules("-w /etc/docker\nwatch /etc/docker")).toThrow(/audit rules:2: not an audit rule/);
    expect(() => parseAuditRules("-w /etc/docker -p")).toThrow(/option -p has no value/);
  });
});

describe("parseGroupMembers", () => {
  const group = ["# local groups", "root:x:0:", "docker:x:998:alice, bob,", "+:::", "staff:x:50:carol"].join("\n");
  const passwd = [
    "root:x:0:0:root:/root:/bin/bash",
    "dave:x:1001:998::/home/dave:/bin/sh",
    "bob:x:1002:998::/home/bob:/bin/sh",
    "+::::::",
  ].join("\n");

  it("returns explicit members plus users whose primary group it is, de-duplicated", () => {
    expect(parseGroupMembers(group, passwd, "docker")).toEqual(["alice", "bob", "dave"]);
    expect(parseGroupMembers(group, passwd, "root")).toEqual(["root"]);
  });

  it("returns [] for a group that does not exist", () => {
    expect(parseGroupMembers(group, passwd, "podman")).toEqual([]);
  });

  it("throws naming the file and line on malformed lines", () => {
    expect(() => parseGroupMembers("root:x:0:\ndocker:x:998", passwd, "docker")).toThrow(/^\/etc\/group:2: /);
    expect(() => parseGroupMembers("docker:x:abc:", passwd, "docker")).toThrow(/\/etc\/group:1: gid is not a number/);
    expect(() => parseGroupMembers(group, "root:x:0:0:root:/root:/bin/bash\nbroken:x:1", "docker")).toThrow(
      /^\/etc\/passwd:2: /,
    );
    expect(() => parseGroupMembers(group, "eve:x:1003:nope::/home/eve:/bin/sh", "docker")).toThrow(
      /\/etc\/passwd:1: gid is not a number/,
    );
  });
});

describe("parseOctalMode", () => {
  it.each([
    ["0644", 0o644],
    ["644", 0o644],
    ["2755", 0o2755],
    ["02755", 0o2755],
    [" 600\n", 0o600],
    ["0o400", 0o400],
    ["0", 0],
  ])("%j → %o", (text, mode) => {
    expect(parseOctalMode(text)).toBe(mode);
  });

  it.each(["", "8", "648", "rw-r--r--", "-644", "17777", "0x1a4"])("rejects %j", (text) => {
    expect(() => parseOctalMode(text, "/etc/docker")).toThrow(/^\/etc\/docker: not an octal permission mode/);
  });

  it("never reads a mode as decimal", () => {
    expect(parseOctalMode("644")).not.toBe(644);
  });
});

describe("parseListeningSockets (/proc/PID/net/tcp, tcp6)", () => {
  const header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  it("reads IPv4 LISTEN sockets (little-endian address, big-endian port) and skips other states", () => {
    const text =
      header +
      "   0: 0100007F:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1669953 1\n" +
      "   1: 00000000:1F90 00000000:0000 0A 0\n" +
      "   2: 0100007F:D2F0 0100007F:0949 01 0\n";
    expect(parseListeningSockets(text)).toEqual(["127.0.0.1:2377", "0.0.0.0:8080"]);
  });

  it("reads IPv6 ones in bracket form with the zero run collapsed", () => {
    const text =
      header +
      "   0: 00000000000000000000000000000000:0949 00000000000000000000000000000000:0000 0A 0\n" +
      "   1: 00000000000000000000000001000000:0050 x 0A 0\n" +
      "   2: B80D0120000000000000000001000000:0035 x 0A 0\n" +
      "   3: 0000000000000000FFFF00000100007F:0949 x 0A 0\n";
    expect(parseListeningSockets(text)).toEqual(["[::]:2377", "[::1]:80", "[2001:db8::1]:53", "[::ffff:7f00:1]:2377"]);
  });

  it("ignores lines it cannot read", () => {
    expect(parseListeningSockets(header + "garbage\n   0: zz:0949 x 0A\n")).toEqual([]);
    expect(parseListeningSockets("")).toEqual([]);
  });
});
