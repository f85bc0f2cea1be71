import { failOnOffenders, type Offence } from "../kit/offenders";
import { notApplicable } from "../kit/verdicts";
import { defineRule } from "../types";

/** SSH server executables: OpenSSH's listener and its per-session/auth helpers (9.8+), and dropbear. */
const SSH_SERVER_EXECUTABLES = new Set(["sshd", "sshd-session", "sshd-auth", "dropbear"]);

/** Basename of the executable of a command line; `sshd: user@pts/0` (OpenSSH's retitled process) → `sshd`. */
const INTERPRETERS = /^(sh|ash|dash|bash|zsh|busybox|python[0-9.]*|perl|ruby|node)$/;

/**
 * Names a process runs as: its executable's basename, and — when that is an interpreter
 * (`/bin/sh /usr/sbin/sshd`, `busybox sshd`) — the script or applet it runs.
 */
function executableNames(commandLine: string): string[] {
  const words = commandLine.trim().split(/\s+/);
  const base = (w: string) => w.slice(w.lastIndexOf("/") + 1).replace(/:$/, "");
  const first = base(words[0] ?? "");
  if (!INTERPRETERS.test(first)) return [first];
  const script = words.slice(1).find((w) => !w.startsWith("-"));
  return script ? [first, base(script)] : [first];
}

const PROCESS_STATES = new Set(["running", "paused"]);

const SSH_SERVER_PROCESS: Offence<string> = {
  isBad: (p) => executableNames(p).some((name) => SSH_SERVER_EXECUTABLES.has(name)),
  field: (i) => `processes[${i}]`,
  observed: (p) => p,
  expected: "no sshd (or other SSH server) process",
  describe: (p) => `SSH server process: ${p}`,
};

export const noSshd = defineRule({
  id: "5.7",
  slug: "no-ssh-server-runs-inside",
  title: "No SSH server runs inside the container",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "live",
  reads: ["origin", "state", "processes"],
  remediation: "Remove the SSH server from the image and use `docker exec` for access.",
  check(c) {
    if (c.origin !== "live")
      return notApplicable("processes exist only in a running container: checked by the live audit");
    if (!PROCESS_STATES.has(c.state))
      return notApplicable(`the container is ${c.state}: it has no processes to inspect`);
    if (c.processes === undefined) return notApplicable("the process list was not collected (engine `top` endpoint)");
    return failOnOffenders(c.processes, SSH_SERVER_PROCESS);
  },
});
