/**
 * Helpers for tests of SecureDaemon's host scripts: run a rendered script with a shell, lay out a
 * fake Docker host tree (files with the wrong owners and modes), and read the tree back as
 * HostFacts so the CIS section 3 rules judge what the scripts did.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FileStat, HostFacts, HostLocations } from "../../src/facts/types";
import { host } from "./fixtures";

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a rendered script the way it reaches the host: `bash -s` (or `dash -s`) with the text on
 * stdin, or, when the script itself reads stdin (the TLS step), `SHELL -c TEXT` with `stdin`.
 */
export function runScript(
  text: string,
  o: { env?: Record<string, string>; stdin?: string; shell?: "bash" | "dash"; timeoutMs?: number } = {},
): ScriptRun {
  const shell = o.shell ?? "bash";
  const args = o.stdin === undefined ? ["-s"] : ["-c", text, "hd-script"];
  const r = spawnSync(shell, args, {
    input: o.stdin === undefined ? text : o.stdin,
    encoding: "utf8",
    env: { ...process.env, ...o.env },
    timeout: o.timeoutMs ?? 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stat of one path as FileStat (names, not ids), or undefined when it does not exist. */
export function statFile(path: string): FileStat | undefined {
  const r = spawnSync("stat", ["-c", "%U\t%G\t%a\t%F", "--", path], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const [owner, group, mode, kind] = r.stdout.trim().split("\t");
  const type = kind.includes("regular")
    ? "file"
    : kind === "directory"
      ? "directory"
      : kind === "socket"
        ? "socket"
        : kind === "symbolic link"
          ? "symlink"
          : "other";
  return { path, type, owner, group, mode: parseInt(mode, 8) };
}

/** The host-side paths the section 3 rules look at, for a tree under `root`. */
export interface HostTree {
  root: string;
  etcDocker: string;
  configFile: string;
  tlsDir: string;
  dockerSocket: string;
  containerdSocket: string;
  unitFiles: string[];
  environmentFiles: string[];
  registryCerts: string[];
}

export function hostTree(root: string): HostTree {
  const etcDocker = join(root, "etc/docker");
  return {
    root,
    etcDocker,
    configFile: join(etcDocker, "daemon.json"),
    tlsDir: join(etcDocker, "tls"),
    dockerSocket: join(root, "run/docker.sock"),
    containerdSocket: join(root, "run/containerd/containerd.sock"),
    unitFiles: [join(root, "lib/systemd/system/docker.service"), join(root, "lib/systemd/system/docker.socket")],
    environmentFiles: [join(root, "etc/default/docker"), join(root, "etc/sysconfig/docker")],
    registryCerts: [
      join(etcDocker, "certs.d/registry.example.com/ca.crt"),
      join(etcDocker, "certs.d/registry.example.com/client.key"),
    ],
  };
}

/** A fake host tree whose files all have owners or modes that break section 3 (each in its own way). */
export function layOutBadTree(
  t: HostTree,
  opts: { tls?: boolean; sockets?: boolean; keepConfig?: boolean } = {},
): void {
  const file = (path: string, mode: number, uid = 0, gid = 0, content = "x\n") => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  };
  mkdirSync(t.etcDocker, { recursive: true });
  chownSync(t.etcDocker, 65534, 0);
  chmodSync(t.etcDocker, 0o2777); // setgid and world-writable
  if (!opts.keepConfig) file(t.configFile, 0o666, 0, 65534, "{}\n");
  file(t.unitFiles[0], 0o664);
  file(t.unitFiles[1], 0o600, 65534, 65534); // stricter mode, wrong owner
  file(t.environmentFiles[0], 0o4755);
  file(t.registryCerts[0], 0o644);
  file(t.registryCerts[1], 0o600);
  if (opts.tls) {
    file(join(t.tlsDir, "ca.pem"), 0o644);
    file(join(t.tlsDir, "server-cert.pem"), 0o664);
    file(join(t.tlsDir, "server-key.pem"), 0o440); // stricter than 0444 but not exactly 0400
  }
  if (opts.sockets) {
    // Stand-ins for the sockets (the script sets owners and modes on whatever is there).
    file(t.dockerSocket, 0o666, 0, 0);
    file(t.containerdSocket, 0o777, 0, 0);
  }
}

/** The section 3 view of a tree: the fixture host with locations and stats from the real files. */
export function hostFactsOf(t: HostTree, extra: Partial<HostLocations> = {}): HostFacts {
  const locations: HostLocations = {
    ...host().locations,
    etcDocker: t.etcDocker,
    daemonConfig: t.configFile,
    dockerServiceUnit: t.unitFiles[0],
    dockerSocketUnit: t.unitFiles[1],
    etcDefaultDocker: t.environmentFiles[0],
    etcSysconfigDocker: t.environmentFiles[1],
    registryCertFiles: t.registryCerts,
    tlsCaCert: join(t.tlsDir, "ca.pem"),
    tlsCert: join(t.tlsDir, "server-cert.pem"),
    tlsKey: join(t.tlsDir, "server-key.pem"),
    dockerSocket: t.dockerSocket,
    containerdSocket: t.containerdSocket,
    ...extra,
  };
  const paths = Object.values(locations).flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]));
  const files: Record<string, FileStat> = {};
  for (const p of paths) {
    const s = statFile(p);
    if (s) files[p] = s;
  }
  return { ...host(), locations, files };
}
