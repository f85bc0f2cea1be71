/**
 * HardenedHost's host scripts for real: loop devices, mkfs.ext4, mount, fstab, and a dockerd of
 * this file's own (scripts/test-engine.sh with its own DIR; the project-wide engine is not
 * touched), stopped and started by a stand-in `systemctl` (this machine has no systemd).
 *
 * The engine holds an image, a stopped container, a created container and a volume with files
 * that exercise the copy: an owner and mode, a hard link, a symlink, a name with a newline, and a
 * file with a user xattr and a POSIX ACL (set through GNU tar's pax headers, so no setfattr or
 * setfacl is needed). Then, in order:
 *  1. devices that hold a foreign filesystem, a partition table, a filesystem 1 MiB in, a GPT
 *     backup header or unrecognised data are refused, their bytes untouched, the engine never
 *     stopped; so is a foreign fstab entry for the data root written with a trailing slash;
 *  2. migrations made to fail on purpose (HD_FAIL_AT) after the copy and after the switch, and a
 *     migration onto an existing mount (bind) that fails after docker came back on it, each leave
 *     the engine running on the old data root with everything in it;
 *  3. the migration onto an empty loop device succeeds (run by dash: POSIX sh), after which the
 *     engine lists the same objects, the files are intact, and CIS 1.1.1 passes on the real
 *     /proc/self/mountinfo with the data root on the loop device's major:minor;
 *  4. a second run changes nothing.
 * Audit rules: loaded and read back with `auditctl -l` when auditctl is installed and the kernel
 * accepts audit control, otherwise checked as the rules file — the test's name says which.
 *
 * Cleanup (afterAll, also after failures): the engine stopped (it unmounts everything under its
 * DIR), every mount of our loop devices unmounted, the loop devices detached, their files removed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataRootOwnFilesystem } from "../../src/rules/section1/1.1.1-docker-data-root-own-filesystem";
import { AUDIT_KEY, renderAuditRulesScript } from "../../src/scripts/audit-rules";
import {
  DROPIN_NAME,
  FSTAB_MARKER,
  renderDataRootScript,
  type DataRootOptions,
  type FailurePoint,
} from "../../src/scripts/data-root";
import { parseHostReport } from "../../src/scripts/host-report";
import { runScript, type ScriptRun } from "../harness/daemon-host";
import {
  DataRootHost,
  deviceHash,
  deviceMountedAt,
  IMAGE,
  majMin,
  mountinfo,
  sh,
  writeDevice,
} from "../harness/data-root-host";
import { ctx, host } from "../harness/fixtures";

const H = new DataRootHost("hh");
const TAG = `hh-${process.pid}`;
const DIR = H.dir;
const DATA = H.data;
const WORK = H.work;
const VOLUME = "hh-vol";
const PAYLOAD = "payload: the bytes that must survive\n";
const FSTAB = H.fstab;
const DROPIN_DIR = H.dropInDir;
const loops = H.loops;
const docker = (...args: string[]) => H.docker(...args);
const inventory = () => H.inventory();
const dockerdPid = () => H.dockerdPid();
const loopDevice = (name: string, mib: number) => H.loopDevice(name, mib);

/** A pax tar archive of one regular file with extended headers (xattrs, ACLs). */
function paxArchive(
  name: string,
  content: Buffer,
  pax: Record<string, string>,
  mode: number,
  uid: number,
  gid: number,
): Buffer {
  const octal = (n: number, width: number) => n.toString(8).padStart(width, "0") + "\0";
  const header = (entry: string, size: number, type: string, m: number) => {
    const b = Buffer.alloc(512);
    b.write(entry, 0, 100, "utf8");
    b.write(octal(m, 7), 100, "latin1");
    b.write(octal(uid, 7), 108, "latin1");
    b.write(octal(gid, 7), 116, "latin1");
    b.write(octal(size, 11), 124, "latin1");
    b.write(octal(1_700_000_000, 11), 136, "latin1");
    b.fill(" ", 148, 156);
    b.write(type, 156, "latin1");
    b.write("ustar\u000000", 257, "latin1");
    const sum = b.reduce((s, x) => s + x, 0);
    b.write(octal(sum, 6) + " ", 148, "latin1");
    return b;
  };
  const record = (k: string, v: string) => {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    return `${len}${body}`;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const paxData = Buffer.from(
    Object.entries(pax)
      .map(([k, v]) => record(k, v))
      .join(""),
  );
  return Buffer.concat([
    header(`PaxHeaders/${name}`, paxData.length, "x", 0o644),
    pad(paxData),
    header(name, content.length, "0", mode),
    pad(content),
    Buffer.alloc(1024),
  ]);
}

/** The pax headers GNU tar records for `file` (xattrs and ACLs as it reads them now). */
function paxHeadersOf(dir: string, file: string): string {
  const out = execFileSync("tar", [
    "--xattrs",
    "--xattrs-include=*",
    "--acls",
    "--format=posix",
    "-C",
    dir,
    "-cf",
    "-",
    file,
  ]);
  return out.toString("latin1");
}

const XATTR = "SCHILY.xattr.user.hd-test=kept-by-the-copy";
const ACL = "user::rw-,user:10001:r--,group::r--,mask::r--,other::---";

function volumeDir(root = DATA): string {
  return join(root, "volumes", VOLUME, "_data");
}

function migrate(
  source: DataRootOptions["source"],
  o: { failAt?: FailurePoint; shell?: "bash" | "dash" } = {},
): ScriptRun {
  const script = renderDataRootScript(H.options(source, { failureInjection: o.failAt !== undefined }));
  return H.run(script, { shell: o.shell, env: o.failAt ? { HD_FAIL_AT: o.failAt } : {} });
}

let before: string[] = [];
let writerId = "";

/** Everything the failed runs must leave exactly as it was. */
function expectOldRootIntact(): void {
  expect(docker("info", "--format", "{{.DockerRootDir}}")).toBe(DATA);
  expect(inventory()).toEqual(before);
  const data = deviceMountedAt(DATA);
  for (const l of loops) expect(data).not.toBe(majMin(l.dev));
  expect(readFileSync(join(volumeDir(), "file.txt"), "utf8")).toBe(PAYLOAD);
  expect(readdirSync(DIR).filter((f) => f.startsWith("data.hd-"))).toEqual([]);
  expect(readFileSync(FSTAB, "utf8")).toBe("");
  expect(existsSync(join(DROPIN_DIR, DROPIN_NAME))).toBe(false);
}

// ───────────── setup and teardown ─────────────

beforeAll(() => {
  H.start();

  // An image (built by test-engine.sh), a stopped container, a created one, a volume with files.
  docker("volume", "create", VOLUME);
  docker(
    "run",
    "--name",
    `${TAG}-writer`,
    "-v",
    `${VOLUME}:/data`,
    IMAGE,
    "sh",
    "-c",
    `printf '${PAYLOAD.replace(/\n/g, "\\n")}' >/data/file.txt && ln /data/file.txt /data/hard-link.txt && ` +
      `chown 10001:10001 /data/file.txt && chmod 0640 /data/file.txt && ln -s file.txt /data/sym-link`,
  );
  docker("create", "--name", `${TAG}-created`, IMAGE, "true");
  writerId = docker("inspect", "--format", "{{.Id}}", `${TAG}-writer`);
  const vol = volumeDir();
  writeFileSync(join(vol, "name with\nnewline"), "odd names survive too\n");
  execFileSync("tar", ["--xattrs", "--xattrs-include=*", "--acls", "-C", vol, "-xpf", "-"], {
    input: paxArchive(
      "attrs.txt",
      Buffer.from("has an xattr and an ACL\n"),
      { "SCHILY.xattr.user.hd-test": "kept-by-the-copy", "SCHILY.acl.access": ACL },
      0o640,
      10001,
      10001,
    ),
  });
  before = inventory();
}, 180_000);

afterAll(() => H.stop(), 180_000);

// ───────────── the tests ─────────────

describe("the test engine's starting point", () => {
  it("holds the image, two containers and the volume, its data root on the same filesystem as /", () => {
    expect(before.filter((l) => l.startsWith("image ")).length).toBeGreaterThanOrEqual(1);
    expect(before.filter((l) => l.startsWith("container "))).toHaveLength(2);
    expect(before).toContain(`volume ${VOLUME}`);
    expect(before).toContain(`container ${writerId}`);
    // The xattr and ACL really are on the source file (else the copy test below proves nothing).
    const headers = paxHeadersOf(volumeDir(), "attrs.txt");
    expect(headers).toContain(XATTR);
    expect(headers).toContain("SCHILY.acl.access=");
  });
});

describe("devices that are not empty are refused, untouched", () => {
  let dev = "";
  beforeAll(() => {
    dev = loopDevice("foreign", 80);
  });

  const expectRefused = (r: ScriptRun, pidBefore: number, hashBefore: string, why: RegExp) => {
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused/);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toMatch(/Nothing was changed/);
    expect(deviceHash(dev)).toBe(hashBefore);
    expect(dockerdPid()).toBe(pidBefore); // never stopped
    expectOldRootIntact();
  };

  it("a device with a foreign ext4 filesystem holding a file", () => {
    sh("mkfs.ext4", ["-q", "-F", "-L", "foreign-data", dev]);
    const mnt = join(WORK, "foreign-mnt");
    mkdirSync(mnt, { recursive: true });
    sh("mount", [dev, mnt]);
    try {
      writeFileSync(join(mnt, "precious.txt"), "someone else's data\n");
    } finally {
      sh("umount", [mnt]);
    }
    const [pid, hash] = [dockerdPid(), deviceHash(dev)];
    const r = migrate({ kind: "device", device: dev });
    expectRefused(r, pid, hash, /TYPE=ext4.*LABEL=foreign-data|LABEL=foreign-data.*TYPE=ext4/);
    expect(r.stderr).toMatch(/hd-wipe-data-device/);
  });

  it("a device with a DOS partition table", () => {
    // An MBR with one Linux partition from sector 2048, and the 0x55AA signature.
    const mbr = Buffer.alloc(512);
    mbr[446 + 4] = 0x83;
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt32LE(65536, 446 + 12);
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    writeDevice(dev, 0, Buffer.alloc(4 << 20)); // erase the ext4 superblock first
    writeDevice(dev, 0, mbr);
    const [pid, hash] = [dockerdPid(), deviceHash(dev)];
    expectRefused(migrate({ kind: "device", device: dev }), pid, hash, /PTTYPE=dos/);
  });

  it("a device holding data no probe recognises", () => {
    writeDevice(dev, 0, Buffer.alloc(4 << 20));
    writeDevice(dev, 4096, createHash("sha512").update("not a filesystem").digest());
    const [pid, hash] = [dockerdPid(), deviceHash(dev)];
    expectRefused(migrate({ kind: "device", device: dev }), pid, hash, /no probe recognises/);
  });

  it(
    "a device whose ext4 filesystem starts 1 MiB in (a wiped partition table): " +
      "no signature at offset 0, but not empty",
    () => {
      writeDevice(dev, 0, Buffer.alloc(8 << 20));
      const file = loops.find((l) => l.dev === dev)!.file;
      const inner = sh("losetup", ["-f", "--show", "-o", String(1 << 20), file]).trim();
      try {
        sh("mkfs.ext4", ["-q", "-F", "-L", "behind-table", inner]);
        const mnt = join(WORK, "foreign-mnt");
        mkdirSync(mnt, { recursive: true });
        sh("mount", [inner, mnt]);
        writeFileSync(join(mnt, "precious.txt"), "data behind a wiped partition table\n");
        sh("umount", [mnt]);
      } finally {
        spawnSync("losetup", ["-d", inner]);
      }
      // what a naive probe sees
      expect(spawnSync("blkid", ["-p", "-o", "export", dev], { encoding: "utf8" }).stdout.trim()).toBe("");
      const [pid, hash] = [dockerdPid(), deviceHash(dev)];
      expectRefused(
        migrate({ kind: "device", device: dev }),
        pid,
        hash,
        /no probe recognises \(the first 64 MiB is not all zeros/,
      );
    },
  );

  it("a device whose only trace is a GPT backup header in its last sector", () => {
    writeDevice(dev, 0, Buffer.alloc(8 << 20));
    const size = Number(sh("lsblk", ["-bdnro", "SIZE", dev]).trim());
    writeDevice(dev, size - (8 << 20), Buffer.alloc(8 << 20));
    writeDevice(dev, size - 512, Buffer.from("EFI PART\0\0\x01\0", "latin1"));
    const [pid, hash] = [dockerdPid(), deviceHash(dev)];
    expectRefused(migrate({ kind: "device", device: dev }), pid, hash, /GPT backup header|PTTYPE=gpt|not all zeros/);
  });

  it(
    "an fstab entry for the data root written with a trailing slash is someone else's: " +
      "refused before anything changes",
    () => {
      writeDevice(dev, 0, Buffer.alloc(80 << 20));
      const foreign = `UUID=0b5c8a52-0000-4000-8000-000000000001 ${DATA}/ ext4 defaults 0 2\n`;
      writeFileSync(FSTAB, foreign);
      try {
        const pid = dockerdPid();
        const r = migrate({ kind: "device", device: dev });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
          `already has an entry for ${DATA} (UUID=0b5c8a52-0000-4000-8000-000000000001 ${DATA}/ ext4`,
        );
        expect(r.stderr).toMatch(/Nothing was changed/);
        expect(readFileSync(FSTAB, "utf8")).toBe(foreign);
        expect(dockerdPid()).toBe(pid);
        expect(spawnSync("blkid", ["-p", "-o", "export", dev], { encoding: "utf8" }).stdout.trim()).toBe("");
      } finally {
        writeFileSync(FSTAB, "");
      }
      expectOldRootIntact();
    },
  );

  it("a device that is mounted", () => {
    writeDevice(dev, 0, Buffer.alloc(4 << 20));
    sh("mkfs.ext4", ["-q", "-F", dev]);
    const mnt = join(WORK, "foreign-mnt");
    sh("mount", [dev, mnt]);
    try {
      const r = migrate({ kind: "device", device: dev });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/refused: .* is mounted/);
      expectOldRootIntact();
    } finally {
      sh("umount", [mnt]);
    }
  });
});

describe("a migration that fails midway leaves the engine working on the old data root", () => {
  let dev = "";
  beforeAll(() => {
    dev = loopDevice("data", 256);
  });

  it.each(["after-copy", "after-switch"] as const)("onto a device, failing %s", (failAt) => {
    const r = migrate({ kind: "device", device: dev }, { failAt });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`injected failure at step ${failAt}`);
    expect(r.stderr).toMatch(/rolled back: .* and docker runs on it/);
    if (failAt === "after-switch") expect(r.stdout).toMatch(/verified: the copy is identical/);
    expectOldRootIntact();
    // The engine runs containers from the old root.
    expect(docker("run", "--rm", "-v", `${VOLUME}:/data`, IMAGE, "cat", "/data/file.txt")).toBe(PAYLOAD.trim());
    expect(inventory()).toEqual(before);
  });

  it("onto an existing mount (bind), failing after docker came back on it with everything", () => {
    const ext = join(DIR, "ext");
    const extDev = loopDevice("existing-mount", 128);
    sh("mkfs.ext4", ["-q", "-F", extDev]);
    mkdirSync(ext, { recursive: true });
    sh("mount", [extDev, ext]);
    const r = migrate({ kind: "mount", mount: ext }, { failAt: "after-start" });
    expect(r.status).toBe(1);
    // Before the injected failure, docker ran on the bind mount and listed the same objects.
    expect(r.stdout).toMatch(/the engine on the new data root lists the same \d+ images, 2 containers and 1 volumes/);
    expect(r.stderr).toMatch(/rolled back: .* and docker runs on it/);
    expectOldRootIntact();
    expect(existsSync(join(ext, "docker"))).toBe(false); // the partial copy is gone
    sh("umount", [ext]);
  });
});

describe("the migration onto an empty device", () => {
  let dev = "";
  let run: ScriptRun;
  beforeAll(() => {
    dev = loops.find((l) => l.file.endsWith("/data.img"))!.dev;
    run = migrate({ kind: "device", device: dev }, { shell: "dash" });
  });

  it("succeeds, reporting what it did", () => {
    expect(run.status).toBe(0);
    const report = parseHostReport(run.stdout);
    expect(report.facts.action).toEqual(["migrated"]);
    expect(report.facts["data-root-source"]).toEqual([dev]);
    expect(report.done.join("\n")).toMatch(/moved the data root .* onto \/dev\/loop\d+ \(ext4, UUID=/);
    expect(report.facts["old-data-root"]?.[0]).toMatch(/\/data\.hd-old-\d{8}T\d{6}$/);
  });

  it("puts the data root on the loop device, mounted by UUID through fstab, and CIS 1.1.1 passes", () => {
    expect(run.status).toBe(0);
    expect(deviceMountedAt(DATA)).toBe(majMin(dev));
    const uuid = sh("blkid", ["-p", "-s", "UUID", "-o", "value", dev]).trim();
    expect(readFileSync(FSTAB, "utf8")).toBe(`${FSTAB_MARKER}\nUUID=${uuid} ${DATA} ext4 defaults 0 2\n`);
    expect(sh("blkid", ["-p", "-s", "LABEL", "-o", "value", dev]).trim()).toBe("hd-docker-data");
    expect(readFileSync(join(DROPIN_DIR, DROPIN_NAME), "utf8")).toContain(`RequiresMountsFor=${DATA}`);
    const facts = { ...host(), mounts: mountinfo(), locations: { ...host().locations, dataRoot: DATA } };
    const verdict = dataRootOwnFilesystem.check(facts, ctx());
    expect(verdict).toMatchObject({ status: "pass" });
    expect(verdict.status === "pass" && verdict.detail).toContain(`(${majMin(dev)})`);
  });

  it("keeps the engine's images, containers and volumes, and the engine uses them", () => {
    expect(run.status).toBe(0);
    expect(docker("info", "--format", "{{.DockerRootDir}}")).toBe(DATA);
    expect(inventory()).toEqual(before);
    expect(docker("inspect", "--format", "{{.State.Status}}", `${TAG}-writer`)).toBe("exited");
    expect(docker("inspect", "--format", "{{.State.Status}}", `${TAG}-created`)).toBe("created");
    expect(docker("run", "--rm", "-v", `${VOLUME}:/data`, IMAGE, "cat", "/data/file.txt")).toBe(PAYLOAD.trim());
    expect(inventory()).toEqual(before);
  });

  it("keeps owners, modes, hard links, symlinks, odd names, xattrs and ACLs", () => {
    expect(run.status).toBe(0);
    const vol = volumeDir();
    const stat = (f: string) =>
      sh("stat", ["-c", "%u:%g %a %h %i", join(vol, f)])
        .trim()
        .split(" ");
    const [owner, mode, links, inode] = stat("file.txt");
    expect([owner, mode, links]).toEqual(["10001:10001", "640", "2"]);
    expect(stat("hard-link.txt")[3]).toBe(inode); // still one inode, not two copies
    expect(sh("readlink", [join(vol, "sym-link")]).trim()).toBe("file.txt");
    expect(readFileSync(join(vol, "name with\nnewline"), "utf8")).toBe("odd names survive too\n");
    const headers = paxHeadersOf(vol, "attrs.txt");
    expect(headers).toContain(XATTR);
    expect(headers).toMatch(/SCHILY\.acl\.access=user::rw-[,\n]user:10001:r--/);
    // The old data root is kept, whole, beside it.
    const old = parseHostReport(run.stdout).facts["old-data-root"]![0];
    expect(readFileSync(join(old, "volumes", VOLUME, "_data", "file.txt"), "utf8")).toBe(PAYLOAD);
  });

  it("changes nothing when run again", () => {
    expect(run.status).toBe(0);
    const pid = dockerdPid();
    const fstab = readFileSync(FSTAB, "utf8");
    const again = migrate({ kind: "device", device: dev });
    expect(again.status).toBe(0);
    expect(parseHostReport(again.stdout)).toMatchObject({ done: [], facts: { action: ["unchanged"] } });
    expect(dockerdPid()).toBe(pid);
    expect(readFileSync(FSTAB, "utf8")).toBe(fstab);
    expect(inventory()).toEqual(before);
  });
});

// ───────────── audit rules ─────────────

/** auditctl is installed and the kernel lets us list rules. */
function auditctlUsable(): boolean {
  const r = spawnSync("auditctl", ["-s"], { encoding: "utf8" });
  return r.status === 0;
}
const AUDITCTL = auditctlUsable();

describe("audit rules", () => {
  let root = "";
  beforeAll(() => {
    root = join(WORK, "audit-host");
    for (const d of ["etc/docker", "run/containerd", "bin"]) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "etc/docker/daemon.json"), "{}\n");
    writeFileSync(join(root, "bin/runc-real"), "#!/bin/sh\n");
    chmodSync(join(root, "bin/runc-real"), 0o755);
    execFileSync("ln", ["-s", "runc-real", join(root, "bin/runc")]);
  });
  afterAll(() => {
    if (AUDITCTL) spawnSync("auditctl", ["-D", "-k", AUDIT_KEY], { stdio: "ignore" });
  });

  const script = (load: boolean) =>
    renderAuditRulesScript({
      rulesFile: join(root, "rules.d/hardened-docker.rules"),
      installAuditd: false,
      load,
      lockFile: join(root, "host.lock"),
      candidates: [
        { rule: "1.1.4", path: join(root, "run/containerd") },
        { rule: "1.1.6", path: join(root, "etc/docker") },
        { rule: "1.1.11", path: join(root, "etc/docker/daemon.json") },
        { rule: "1.1.13", path: join(root, "etc/sysconfig/docker") }, // absent: no rule
        { rule: "1.1.18", binary: "runc" },
      ],
    });
  const expected = () => [
    join(root, "run/containerd"),
    join(root, "etc/docker"),
    join(root, "etc/docker/daemon.json"),
    join(root, "bin/runc-real"),
  ];

  const auditctlHere = AUDITCTL
    ? "auditctl usable here"
    : "SKIPPED: auditctl is not installed here, or the kernel refuses audit control";
  (AUDITCTL ? it : it.skip)(
    `are loaded into the kernel: auditctl -l lists a watch for every existing path (${auditctlHere})`,
    () => {
      const r = runScript(script(true), { env: { PATH: `${join(root, "bin")}:${process.env.PATH}` } });
      expect(r.status).toBe(0);
      const listed = sh("auditctl", ["-l"]);
      for (const p of expected()) expect(listed).toContain(`-w ${p} -p rwxa -k ${AUDIT_KEY}`);
      expect(listed).not.toContain(join(root, "etc/sysconfig"));
      expect(parseHostReport(r.stdout).facts.loaded).toEqual(["yes"]);
    },
  );

  it(
    `are written as a rules file with a watch for every existing ` +
      `path${AUDITCTL ? "" : " (auditctl not usable here: checked as the rules file only)"}`,
    () => {
      const r = runScript(script(false), { env: { PATH: `${join(root, "bin")}:${process.env.PATH}` } });
      expect(r.status).toBe(0);
      const text = readFileSync(join(root, "rules.d/hardened-docker.rules"), "utf8");
      const watches = text.split("\n").filter((l) => l.startsWith("-w "));
      expect(watches).toEqual(expected().map((p) => `-w ${p} -p rwxa -k ${AUDIT_KEY}`));
      expect(parseHostReport(r.stdout).facts.loaded).toEqual(["no"]);
    },
  );
});
