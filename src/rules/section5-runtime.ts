/**
 * CIS Docker Benchmark v1.6.0, section 5: container runtime.
 *
 * Every item reads ContainerFacts, except 5.1 which reads SwarmFacts. Declared (IaC) and live
 * (engine inspect) containers go through the same checks; where the engine changes what a
 * declaration means (privileged containers lose AppArmor and SELinux confinement, a daemon-wide
 * no-new-privileges is inherited, …) the rule applies the engine's behaviour, not the literal
 * option list.
 */
import { isPathWithin, normalisePath } from "../facts/normalise";
import type { ContainerFacts, ExecAuditEvent, MountFacts, PortBinding } from "../facts/types";
import { bareAddress, isRootUser, isWildcardAddress } from "./predicates";
import {
  defineRule,
  fail,
  manual,
  notApplicable,
  pass,
  type AnyRule,
  type Rule,
  type RuleContext,
  type Verdict,
} from "./types";

// ───────────────────────────── shared helpers ─────────────────────────────

/**
 * What breaks a list rule, entry by entry, and how a failure names it. Defined once per rule (not
 * per call): the wording is needed only on failure. `X` is whatever the call judges with (e.g. the
 * allowed capabilities), handed to the functions that need it.
 */
interface Offence<T, X = undefined> {
  isBad(item: T, x: X): boolean;
  field(index: number): string;
  observed(item: T): unknown;
  expected: string | ((x: X) => string);
  describe(item: T, x: X): string;
}

/**
 * Fail on the first list entry that breaks the rule (naming its index); the detail lists every
 * offender. Allocates nothing when nothing offends (the common case, judged for every resource).
 */
function failOnOffenders<T, X = undefined>(items: readonly T[], offence: Offence<T, X>, x?: X): Verdict {
  let firstIndex = -1;
  let bad: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (!offence.isBad(item, x as X)) continue;
    if (firstIndex < 0) firstIndex = i;
    (bad ??= []).push(item);
  }
  if (!bad) return pass();
  const first = bad[0]!;
  const detail =
    bad.length > 1
      ? `${bad.length} offending entries: ${bad.map((b) => offence.describe(b, x as X)).join("; ")}`
      : offence.describe(first, x as X);
  const expected = typeof offence.expected === "string" ? offence.expected : offence.expected(x as X);
  return fail(offence.field(firstIndex), offence.observed(first), expected, detail);
}

/** A namespace/network mode that joins the host's (`host`, case and blanks ignored). */
const isHostMode = (mode: string): boolean => mode.trim().toLowerCase() === "host";

/** `127.0.0.1:8080->8080/tcp`, `[::1]:80->80/tcp`, `*:8080->8080/tcp` (all interfaces). */
function formatPort(p: PortBinding): string {
  const ip = bareAddress(p.hostIp);
  const host = ip === "" ? "*" : ip.includes(":") ? `[${ip}]` : ip;
  return `${host}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

const describeMount = (m: MountFacts): string =>
  `${m.type} ${m.source || "(none)"} -> ${m.target}${m.readOnly ? " (ro)" : " (rw)"}`;

/** Capability names as the facts carry them: upper-case, no `CAP_` prefix. */
const normaliseCapability = (cap: string): string => cap.trim().toUpperCase().replace(/^CAP_/, "");

/**
 * An allow-list setting, normalised into a set. Kept per list object (the same settings reach
 * every resource) together with a copy of the entries, so a list changed in place is read anew.
 */
const allowSets = new WeakMap<readonly string[], { entries: readonly string[]; set: ReadonlySet<string> }>();
function capabilitySet(list: readonly string[]): ReadonlySet<string> {
  const kept = allowSets.get(list);
  if (kept && kept.entries.length === list.length && kept.entries.every((e, i) => e === list[i])) return kept.set;
  const set = new Set(list.map(normaliseCapability));
  allowSets.set(list, { entries: [...list], set });
  return set;
}

/** Rules that only forbid joining a host namespace (5.16, 5.17, 5.21, 5.31). */
function hostNamespaceRule(
  id: string,
  slug: string,
  title: string,
  field: "pidMode" | "ipcMode" | "utsMode" | "usernsMode",
  remediation: string,
): Rule<"container"> {
  return defineRule({
    id,
    slug,
    title,
    section: 5,
    automated: true,
    level: 1,
    subject: "container",
    where: "both",
    reads: [field],
    remediation,
    check(c) {
      return isHostMode(c[field])
        ? fail(field, c[field], 'not "host" (a private or container-shared namespace)')
        : pass();
    },
  });
}

// ───────────────────────────── 5.1 swarm ─────────────────────────────

/** Any state but `inactive` means the node takes part in a swarm (`locked` and `pending` included). */
const swarmEnabled = (s: { active: boolean; state: string }): boolean =>
  s.active || !["", "inactive"].includes(s.state.trim().toLowerCase());

export const swarmModeInactive = defineRule({
  id: "5.1",
  settings: ["swarmNeeded"],
  title: "Swarm mode is off unless the host needs it",
  section: 5,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  reads: ["state", "active"],
  remediation:
    "Run `docker swarm leave` on hosts that are not meant to be swarm nodes, or set settings.swarmNeeded where swarm is intended.",
  check(s, ctx) {
    if (!swarmEnabled(s)) return pass();
    if (ctx.settings.swarmNeeded) return pass(`swarm is ${s.state} and declared as needed (settings.swarmNeeded)`);
    return fail(
      s.active ? "active" : "state",
      s.active ? s.active : s.state,
      "swarm inactive (swarm is not declared as needed: settings.swarmNeeded is false)",
    );
  },
});

// ───────────────────────────── 5.2 AppArmor ─────────────────────────────

export const appArmorProfile = defineRule({
  id: "5.2",
  slug: "apparmor-profile",
  title: "An AppArmor profile confines the container",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["origin", "privileged", "securityOptions.apparmorProfile", "appliedAppArmorProfile"],
  remediation:
    "Leave the engine's docker-default profile in place or name a custom one (`--security-opt apparmor=PROFILE`, Pulumi `securityOpts`); never `apparmor=unconfined`, never `--privileged`.",
  check(c, ctx) {
    // ⚠ A host without AppArmor cannot apply any profile: not a failure of every container.
    if (ctx.host?.apparmorEnabled === false) return notApplicable("the host does not support AppArmor");
    if (c.securityOptions.apparmorProfile === "unconfined") {
      return fail(
        "securityOptions.apparmorProfile",
        "unconfined",
        "a profile other than unconfined (docker-default or a custom profile)",
      );
    }
    // The engine sets `unconfined` on privileged containers whatever profile was asked for.
    if (c.privileged) return fail("privileged", true, "false: privileged containers always run AppArmor-unconfined");
    // The engine picks the profile when a container starts: a created, never-started container
    // has none yet and is judged by its declaration, like a planned one.
    if (c.origin === "live" && c.state !== "created") {
      const applied = c.appliedAppArmorProfile;
      if (ctx.host?.apparmorEnabled === true) {
        if (!applied || applied === "unconfined") {
          return fail(
            "appliedAppArmorProfile",
            applied ?? null,
            "the engine applied a profile other than unconfined (e.g. docker-default)",
          );
        }
        return pass(`profile ${applied} applied`);
      }
      // Host support unknown: an engine on an AppArmor host always applies a profile, so none means no AppArmor.
      if (applied === "unconfined") return fail("appliedAppArmorProfile", applied, "a profile other than unconfined");
      if (!applied)
        return notApplicable(
          "the engine applied no AppArmor profile and the host's AppArmor support is unknown (an engine on an AppArmor host always applies one)",
        );
      return pass(`profile ${applied} applied`);
    }
    // Declared: the engine applies docker-default (or the named profile) wherever AppArmor exists.
    return pass(
      c.securityOptions.apparmorProfile
        ? `profile ${c.securityOptions.apparmorProfile} requested`
        : "engine default profile (docker-default) applies",
    );
  },
});

// ───────────────────────────── 5.3 SELinux ─────────────────────────────

export const selinuxOptions = defineRule({
  id: "5.3",
  slug: "selinux-options",
  title: "SELinux labels confine the container",
  section: 5,
  automated: true,
  level: 2,
  subject: "container",
  where: "both",
  reads: ["privileged", "pidMode", "ipcMode", "securityOptions.selinuxLabels", "securityOptions.selinuxLabelDisabled"],
  remediation:
    'Run dockerd with "selinux-enabled": true so every container gets a label (or set `--security-opt label=type:…`); remove `label=disable`, `--privileged`, `--pid host` and `--ipc host`.',
  check(c, ctx) {
    if (ctx.host?.selinuxEnabled === false) return notApplicable("the host does not run SELinux");
    const opts = c.securityOptions;
    // ⚠ Privileged containers run without a process label whatever the options say.
    if (c.privileged)
      return fail(
        "privileged",
        true,
        "false: privileged containers run without an SELinux label (implicit label=disable)",
      );
    if (opts.selinuxLabelDisabled) return fail("securityOptions.selinuxLabelDisabled", true, "label=disable absent");
    // The engine also adds label=disable for host PID/IPC sharing when no label option was given.
    if (opts.selinuxLabels.length === 0) {
      for (const field of ["pidMode", "ipcMode"] as const) {
        if (isHostMode(c[field])) {
          return fail(
            field,
            c[field],
            'not "host", or explicit label= options',
            "the engine adds label=disable to containers sharing the host PID or IPC namespace",
          );
        }
      }
    }
    // ⚠ A non-empty option list proves nothing: without daemon SELinux support no label is applied,
    // and label= options are ignored as well.
    if (ctx.daemon?.selinuxEnabled === false) {
      return fail(
        "securityOptions.selinuxLabels",
        opts.selinuxLabels,
        "SELinux labels applied (daemon selinux-enabled: true)",
        "dockerd runs without selinux-enabled, so it labels no container and ignores label= options",
      );
    }
    if (opts.selinuxLabels.length > 0) return pass(`labels: ${opts.selinuxLabels.join(", ")}`);
    if (ctx.daemon?.selinuxEnabled === true)
      return pass("no explicit labels: the daemon (selinux-enabled) applies its default container label");
    return pass(
      "label=disable absent; default labelling depends on the daemon's selinux-enabled (checked by hd-selinux-enabled)",
    );
  },
});

// ───────────────────────────── 5.4 / 5.5 privileges ─────────────────────────────

const UNLISTED_CAPABILITY: Offence<string, ReadonlySet<string>> = {
  isBad: (cap, allowed) => cap === "ALL" || !allowed.has(cap),
  field: (i) => `capAdd[${i}]`,
  observed: (cap) => cap,
  expected: (allowed) => `only capabilities in settings.capabilityAllowList (${[...allowed].join(", ") || "none"})`,
  describe: (cap) => `${cap} is not allowed`,
};

export const capabilitiesRestricted = defineRule({
  id: "5.4",
  slug: "restrict-capabilities",
  settings: ["capabilityAllowList"],
  title: "Linux capabilities are dropped to an allow-list",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged", "capDrop", "capAdd"],
  remediation:
    'Drop every capability and add back only allowed ones: `--cap-drop ALL --cap-add NET_BIND_SERVICE` (Pulumi `capabilities: { drops: ["ALL"], adds: [...] }`); settings.capabilityAllowList lists what may be added.',
  check(c, ctx) {
    // ⚠ Privileged grants every capability regardless of CapAdd/CapDrop.
    if (c.privileged) return fail("privileged", true, "false: privileged containers have every capability");
    // ⚠ Looking at CapAdd alone misses the engine's default capability set.
    if (!c.capDrop.includes("ALL")) return fail("capDrop", c.capDrop, "contains ALL");
    if (c.capAdd.length === 0) return pass(); // nothing added back: the allow-list is not consulted
    return failOnOffenders(c.capAdd, UNLISTED_CAPABILITY, capabilitySet(ctx.settings.capabilityAllowList));
  },
});

export const notPrivileged = defineRule({
  id: "5.5",
  slug: "no-privileged",
  severity: "critical",
  title: "The container is not privileged",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged"],
  remediation: "Remove `--privileged` (Pulumi `privileged: false`); grant single capabilities or devices instead.",
  check(c) {
    return c.privileged ? fail("privileged", true, "false") : pass();
  },
});

// ───────────────────────────── 5.6 sensitive host mounts ─────────────────────────────

/** Host directories that must not be bind-mounted read-write (the directory itself or anything below it; `/` only itself). */
const SENSITIVE_HOST_DIRS = ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"];

function sensitiveHostDir(source: string): string | undefined {
  const path = normalisePath(source);
  if (path === "/") return "/";
  return SENSITIVE_HOST_DIRS.find((dir) => isPathWithin(path, dir));
}

const SENSITIVE_MOUNT: Offence<MountFacts> = {
  isBad: (m) => m.type === "bind" && !m.readOnly && sensitiveHostDir(m.source) !== undefined,
  field: (i) => `mounts[${i}].source`,
  observed: (m) => m.source,
  expected: "no read-write bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys, /usr or below",
  describe: (m) => `${describeMount(m)} is under ${sensitiveHostDir(m.source)}`,
};

export const noSensitiveHostMounts = defineRule({
  id: "5.6",
  slug: "no-sensitive-host-mounts",
  severity: "critical",
  title: "No sensitive host directory is mounted read-write",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["mounts"],
  remediation:
    "Do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or anything below them); if one is truly needed, mount it read-only (`:ro`, Pulumi `volumes[].readOnly: true`).",
  check(c) {
    return failOnOffenders(c.mounts, SENSITIVE_MOUNT);
  },
});

// ───────────────────────────── 5.7 sshd ─────────────────────────────

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

// ───────────────────────────── 5.8, 5.9, 5.14 published ports ─────────────────────────────

const PRIVILEGED_PORT: Offence<PortBinding> = {
  isBad: (p) => p.hostPort >= 1 && p.hostPort <= 1023,
  field: (i) => `ports[${i}].hostPort`,
  observed: (p) => p.hostPort,
  expected: "0 (ephemeral) or 1024–65535",
  describe: (p) => `${formatPort(p)} uses a privileged port`,
};

export const noPrivilegedPorts = defineRule({
  id: "5.8",
  slug: "no-privileged-ports",
  title: "No privileged host port (below 1024) is published",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ports"],
  remediation:
    "Publish on a host port of 1024 or above (`-p 127.0.0.1:8080:80`, Pulumi `ports[].external`), and put a proxy in front if port 80/443 is needed.",
  check(c) {
    // Any address family counts: `[::]:80` is as privileged as `0.0.0.0:80`. Port 0 = engine-picked ephemeral port.
    return failOnOffenders(c.ports, PRIVILEGED_PORT);
  },
});

export const onlyNeededPorts = defineRule({
  id: "5.9",
  slug: "only-needed-ports",
  title: "Only needed ports are published",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ports"],
  remediation: "Remove `-p`/`-P` publications (Pulumi `ports`) the service does not need.",
  check(c) {
    if (c.ports.length === 0) return manual("No ports are published; confirm the container needs none.", []);
    return manual("Confirm every published port is needed by the service.", c.ports.map(formatPort));
  },
});

const HOST_NETWORK: Offence<string> = {
  isBad: isHostMode,
  field: (i) => `networks[${i}]`,
  observed: (n) => n,
  expected: "not attached to the host network",
  describe: () => "attached to the host network",
};

export const networkNotHost = defineRule({
  id: "5.10",
  slug: "no-host-network",
  title: "The container does not share the host's network stack",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["networkMode", "networks"],
  remediation:
    "Attach the container to a user-defined network instead of `--network host` (Pulumi `networkMode`/`networksAdvanced`).",
  check(c) {
    if (isHostMode(c.networkMode)) return fail("networkMode", c.networkMode, 'not "host"');
    return failOnOffenders(c.networks, HOST_NETWORK);
  },
});

// ───────────────────────────── 5.11–5.13 resources ─────────────────────────────

export const memoryLimited = defineRule({
  id: "5.11",
  slug: "memory-limit",
  title: "Memory is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["memoryBytes"],
  remediation: "Set a memory limit: `--memory 512m` (Pulumi `memory`, in MB).",
  check(c) {
    return c.memoryBytes > 0 ? pass() : fail("memoryBytes", c.memoryBytes, "> 0 (a memory limit)");
  },
});

/** CPU shares of 0 mean the engine default, 1024. */
const DEFAULT_CPU_SHARES = 1024;

export const cpuLimited = defineRule({
  id: "5.12",
  slug: "cpu-limit",
  title: "CPU use is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["cpuShares", "nanoCpus", "cpuQuota"],
  remediation:
    "Limit CPU: `--cpus 0.5` (Pulumi `cpus`), or `--cpu-quota`, or a non-default `--cpu-shares` (Pulumi `cpuShares`).",
  check(c) {
    if (c.nanoCpus > 0) return pass(`cpus ${c.nanoCpus / 1e9}`);
    if (c.cpuQuota > 0) return pass(`cpu quota ${c.cpuQuota}`);
    if (c.cpuShares > 0 && c.cpuShares !== DEFAULT_CPU_SHARES) return pass(`cpu shares ${c.cpuShares}`);
    return fail(
      "nanoCpus",
      { cpuShares: c.cpuShares, nanoCpus: c.nanoCpus, cpuQuota: c.cpuQuota },
      "nanoCpus > 0, or cpuQuota > 0, or cpuShares other than 0/1024 (the default)",
    );
  },
});

export const readOnlyRootfs = defineRule({
  id: "5.13",
  slug: "read-only-rootfs",
  title: "The root filesystem is read-only",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["readOnlyRootfs"],
  remediation: "Run with `--read-only` (Pulumi `readOnly: true`) and give writable paths tmpfs or volumes.",
  check(c) {
    return c.readOnlyRootfs ? pass() : fail("readOnlyRootfs", false, "true");
  },
});

const WILDCARD_PORT: Offence<PortBinding> = {
  isBad: (p) => isWildcardAddress(p.hostIp),
  field: (i) => `ports[${i}].hostIp`,
  observed: (p) => p.hostIp,
  expected: "a specific host address (not empty, 0.0.0.0 or ::)",
  describe: (p) => `${formatPort(p)} listens on every interface`,
};

export const portsBoundToAddress = defineRule({
  id: "5.14",
  slug: "bind-ports-to-host-address",
  title: "Published ports are bound to a specific host address",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ports", "publishAllPorts"],
  remediation:
    "Publish on one address: `-p 10.0.0.5:8080:8080` (Pulumi `ports[].ip`, whose default is 0.0.0.0); never `-P` (Pulumi `publishAllPorts`).",
  check(c) {
    // -P publishes whatever the image EXPOSEs, on every interface: the same verdict before deploy
    // (the ports are not known yet) and live (whatever they turned out to be).
    if (c.publishAllPorts)
      return fail(
        "publishAllPorts",
        true,
        "false: -P publishes every EXPOSEd port on every interface; publish each port on one address",
      );
    // ⚠ IPv6 wildcards (`::`, `[::]`) expose the port on every interface just like 0.0.0.0.
    return failOnOffenders(c.ports, WILDCARD_PORT);
  },
});

// ───────────────────────────── 5.15 restart policy ─────────────────────────────

const MAX_RESTART_RETRIES = 5;

export const restartPolicyBounded = defineRule({
  id: "5.15",
  slug: "bounded-restarts",
  title: "Restarts are bounded (on-failure, at most 5 retries)",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["restartPolicy"],
  remediation:
    'Use `--restart on-failure:5` (Pulumi `restart: "on-failure"`, `maxRetryCount: 5`) or no restart policy.',
  check(c) {
    const { name, maximumRetryCount } = c.restartPolicy;
    if (name === "no") return pass();
    // ⚠ always/unless-stopped restart forever; their retry count is ignored by the engine.
    if (name !== "on-failure")
      return fail("restartPolicy.name", name, `"on-failure" with 1–${MAX_RESTART_RETRIES} retries, or "no"`);
    if (maximumRetryCount < 1 || maximumRetryCount > MAX_RESTART_RETRIES) {
      return fail(
        "restartPolicy.maximumRetryCount",
        maximumRetryCount,
        `1–${MAX_RESTART_RETRIES}`,
        maximumRetryCount < 1 ? "0 retries means on-failure restarts without limit" : undefined,
      );
    }
    return pass();
  },
});

// ───────────────────────────── 5.16, 5.17 namespaces ─────────────────────────────

export const pidNotHost = hostNamespaceRule(
  "5.16",
  "no-host-pid",
  "The container does not share the host's PID namespace",
  "pidMode",
  "Remove `--pid host` (Pulumi `pidMode`).",
);

export const ipcNotHost = hostNamespaceRule(
  "5.17",
  "no-host-ipc",
  "The container does not share the host's IPC namespace",
  "ipcMode",
  "Remove `--ipc host` (Pulumi `ipcMode`); use `private` or `shareable`.",
);

// ───────────────────────────── 5.18, 5.19 devices and ulimits ─────────────────────────────

export const noHostDevices = defineRule({
  id: "5.18",
  slug: "no-host-devices",
  title: "Host devices are not exposed to the container",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["devices", "privileged"],
  remediation:
    "Remove `--device` mappings (Pulumi `devices`) that are not needed; never expose all devices with `--privileged`.",
  check(c) {
    const report = c.devices.map((d) => `${d.pathOnHost}:${d.pathInContainer}:${d.permissions}`);
    const privilegedNote = c.privileged ? " The container is privileged: every host device is available to it." : "";
    if (report.length === 0) return manual(`No host devices are mapped.${privilegedNote}`, []);
    return manual(
      `Confirm each mapped host device is needed, with the least permissions (r, w, m).${privilegedNote}`,
      report,
    );
  },
});

export const ulimitsSet = defineRule({
  id: "5.19",
  slug: "ulimits-where-needed",
  title: "Per-container ulimits are set where needed",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["ulimits"],
  remediation:
    "Set `--ulimit nofile=1024:4096` (Pulumi `ulimits`) where the daemon's default-ulimits do not fit the service.",
  check(c, ctx) {
    const format = (u: { name: string; soft: number; hard: number }) => `${u.name}=${u.soft}:${u.hard}`;
    if (c.ulimits.length > 0) return manual("Confirm the container's ulimits suit the service.", c.ulimits.map(format));
    const defaults = ctx.daemon?.defaultUlimits;
    if (defaults !== undefined && defaults.length > 0) {
      return manual("No per-container ulimits: the daemon's default-ulimits apply; confirm they suit the service.", {
        daemonDefaults: defaults.map(format),
      });
    }
    return manual(
      "No per-container ulimits are set and no daemon default-ulimits are known; decide whether the service needs limits.",
      [],
    );
  },
});

// ───────────────────────────── 5.20, 5.21 ─────────────────────────────

const SHARED_PROPAGATION: Offence<MountFacts> = {
  isBad: (m) => m.propagation === "shared" || m.propagation === "rshared",
  field: (i) => `mounts[${i}].propagation`,
  observed: (m) => m.propagation,
  expected: "private, rprivate, slave or rslave",
  describe: (m) => `${describeMount(m)} propagation ${m.propagation}`,
};

export const noSharedPropagation = defineRule({
  id: "5.20",
  slug: "no-shared-propagation",
  title: "No mount uses shared propagation",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["mounts"],
  remediation:
    "Use the default (rprivate) or slave propagation: drop `shared`/`rshared` from bind options (Pulumi `mounts[].bindOptions.propagation`).",
  check(c) {
    return failOnOffenders(c.mounts, SHARED_PROPAGATION);
  },
});

export const utsNotHost = hostNamespaceRule(
  "5.21",
  "no-host-uts",
  "The container does not share the host's UTS namespace",
  "utsMode",
  "Remove `--uts host` (the Pulumi docker.Container has no UTS setting, so only other tooling sets it).",
);

// ───────────────────────────── 5.22 seccomp ─────────────────────────────

export const seccompEnabled = defineRule({
  id: "5.22",
  slug: "seccomp-enabled",
  title: "seccomp filtering is not disabled",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged", "securityOptions.seccompProfile"],
  remediation:
    "Remove `--security-opt seccomp=unconfined` and `--privileged`; keep the default profile or name a custom one.",
  check(c, ctx) {
    // ⚠ Privileged containers run without seccomp whatever the options say.
    if (c.privileged) return fail("privileged", true, "false: privileged containers run without seccomp");
    const profile = c.securityOptions.seccompProfile;
    if (profile?.trim().toLowerCase() === "unconfined")
      return fail("securityOptions.seccompProfile", profile, "the default or a custom profile, not unconfined");
    // No profile of its own: the daemon's default applies, which may itself be unconfined.
    if (profile === undefined && ctx.daemon?.seccompProfile?.trim().toLowerCase() === "unconfined") {
      return fail(
        "securityOptions.seccompProfile",
        null,
        "a profile other than unconfined",
        "the daemon's default seccomp profile is unconfined (--seccomp-profile)",
      );
    }
    return pass();
  },
});

// ───────────────────────────── 5.23, 5.24 docker exec (audit log) ─────────────────────────────

const NO_EXEC_LOG =
  "needs the audit log of `docker exec` runs (auditd watching the docker CLI) or the engine's exec sessions, which were not collected";

/** Why an empty list of engine exec sessions decides nothing: the engine forgets an exec when it ends. */
const onlyOpenSessions = (c: ContainerFacts, what: string): string =>
  `no ${what} among the ${c.execAuditEvents?.length ?? 0} exec session(s) the engine holds now; the engine forgets an exec when it ends, so earlier runs need the host's audit log (auditd)`;

/** What an audit-log verdict covers: this host's CLI runs since the log's first record, and the sessions the engine holds. */
const logCoverage = (c: ContainerFacts): string =>
  `the host's audit log since ${c.execAuditSince ?? "its first record"} (runs of this host's docker CLI and docker-compose; an exec made through the API from elsewhere is not in it) and the exec sessions the engine holds`;

const describeExec = (e: ExecAuditEvent): string =>
  `${e.command ? `\`${e.command}\`` : "exec"}${e.user ? ` as ${e.user}` : ""}${e.at ? ` at ${e.at}` : ""}${e.via ? ` by ${e.via}` : ""}`;

const PRIVILEGED_EXEC: Offence<ExecAuditEvent> = {
  isBad: (e) => e.privileged,
  field: (i) => `execAuditEvents[${i}].privileged`,
  observed: () => true,
  expected: "no exec with --privileged",
  describe: (e) => `privileged ${describeExec(e)}`,
};

export const noPrivilegedExec = defineRule({
  id: "5.23",
  title: "docker exec is never run with --privileged",
  section: 5,
  automated: true,
  level: 2,
  subject: "container",
  where: "live",
  reads: ["execAuditEvents"],
  remediation: "Stop using `docker exec --privileged`; restrict who may reach the Docker socket.",
  check(c) {
    if (c.execAuditEvents === undefined) return notApplicable(NO_EXEC_LOG);
    // A privileged exec found is a failure, whatever the coverage; none found proves nothing without the log.
    if (c.execAuditCoverage === "engine-sessions" && !c.execAuditEvents.some((e) => e.privileged))
      return notApplicable(onlyOpenSessions(c, "privileged exec"));
    const verdict = failOnOffenders(c.execAuditEvents, PRIVILEGED_EXEC);
    return verdict.status === "pass" && c.execAuditCoverage === "audit-log"
      ? pass(`no privileged exec in ${logCoverage(c)}`)
      : verdict;
  },
});

export const noRootExec = defineRule({
  id: "5.24",
  title: "docker exec is never run with --user root",
  section: 5,
  automated: false,
  level: 2,
  subject: "container",
  where: "live",
  reads: ["execAuditEvents"],
  remediation: "Stop using `docker exec --user root`; restrict who may reach the Docker socket.",
  check(c) {
    if (c.execAuditEvents === undefined) return notApplicable(NO_EXEC_LOG);
    const rootExecs = c.execAuditEvents.filter((e) => isRootUser(e.user));
    if (rootExecs.length === 0) {
      if (c.execAuditCoverage === "engine-sessions") return notApplicable(onlyOpenSessions(c, "exec as root"));
      if (c.execAuditCoverage === "audit-log")
        return manual(`No exec as root in ${logCoverage(c)}; confirm that period is the one of interest.`, []);
      return manual(
        "No `docker exec --user root` found in the collected audit events; confirm the log covers the period of interest.",
        [],
      );
    }
    return manual(
      "Review each exec running as root (`docker exec --user root`, or into a container whose user is root) and stop the practice.",
      rootExecs,
    );
  },
});

// ───────────────────────────── 5.25, 5.26 ─────────────────────────────

export const noCgroupParent = defineRule({
  id: "5.25",
  slug: "default-cgroup",
  title: "The container stays in the default cgroup",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["cgroupParent"],
  remediation: "Remove `--cgroup-parent` (Pulumi `cgroupParent`) unless the cgroup is deliberately managed.",
  check(c) {
    return c.cgroupParent.trim() === ""
      ? pass()
      : fail("cgroupParent", c.cgroupParent, "empty (the engine's default cgroup)");
  },
});

export const noNewPrivileges = defineRule({
  id: "5.26",
  slug: "no-new-privileges",
  title: "The container cannot gain new privileges",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["securityOptions.noNewPrivileges", "securityOptions.noNewPrivilegesOptOut"],
  remediation:
    'Add `--security-opt no-new-privileges` (Pulumi `securityOpts: ["no-new-privileges"]`) or set "no-new-privileges": true in daemon.json; never `no-new-privileges=false`.',
  check(c, ctx) {
    const opts = c.securityOptions;
    if (opts.noNewPrivileges) return pass();
    // The engine applies the container's explicit `no-new-privileges=false` over the daemon default.
    if (opts.noNewPrivilegesOptOut === true)
      return fail(
        "securityOptions.noNewPrivilegesOptOut",
        true,
        "no `no-new-privileges=false` (it overrides the daemon-wide setting)",
      );
    if (ctx.daemon?.noNewPrivileges === true) return pass("inherited from the daemon's no-new-privileges: true");
    return fail("securityOptions.noNewPrivileges", false, "true, or no-new-privileges: true daemon-wide");
  },
});

// ───────────────────────────── 5.27 health ─────────────────────────────

/** The healthcheck in force: the container's own unless it is empty (inherit), else the image's. */
function effectiveHealthcheck(c: ContainerFacts): { field: string; test: string[] } | undefined {
  if (c.healthcheck && c.healthcheck.test.length > 0) return { field: "healthcheck", test: c.healthcheck.test };
  const fromImage = c.imageConfig?.healthcheck;
  if (fromImage && fromImage.test.length > 0) return { field: "imageConfig.healthcheck", test: fromImage.test };
  return undefined;
}

export const healthChecked = defineRule({
  id: "5.27",
  slug: "healthcheck",
  title: "A healthcheck is defined and the container is healthy",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["healthcheck", "imageConfig.healthcheck", "origin", "state", "healthStatus"],
  remediation:
    "Define a healthcheck (Dockerfile HEALTHCHECK, `--health-cmd`, Pulumi `healthcheck`), never `--no-healthcheck`, and fix whatever makes it fail.",
  check(c) {
    const hc = effectiveHealthcheck(c);
    if (!hc) {
      const why =
        c.imageConfig === undefined
          ? "none on the container, and the image's configuration is not known"
          : "none on the container or in the image";
      return fail("healthcheck", null, "a healthcheck on the container or in its image", why);
    }
    if (hc.test[0]?.toUpperCase() === "NONE")
      return fail(`${hc.field}.test`, hc.test, "a check command, not NONE (which disables the check)");
    // Only a running container has a meaningful status; created/exited/paused are judged on the definition.
    if (c.origin !== "live" || c.state !== "running" || c.healthStatus === undefined) return pass();
    if (c.healthStatus === "healthy") return pass();
    const detail =
      c.healthStatus === "starting"
        ? "the check has not yet succeeded (still in its start period); re-run the audit once it settles"
        : c.healthStatus === "none"
          ? "the engine runs no healthcheck for this container"
          : undefined;
    return fail("healthStatus", c.healthStatus, "healthy", detail);
  },
});

// ───────────────────────────── 5.28 image pinning ─────────────────────────────

export const imagePinned = defineRule({
  id: "5.28",
  slug: "image-pinned",
  title: "The image reference is pinned or pulled fresh",
  section: 5,
  automated: false,
  level: 1,
  subject: "container",
  where: "decl",
  reads: ["image"],
  remediation:
    "Reference images by digest (`app@sha256:…`, Pulumi `docker.RemoteImage` with a digest) or pull on every deploy.",
  check(c) {
    const pinned = c.image.digest !== undefined || c.image.isImageId;
    return manual(
      pinned
        ? "The image is pinned; confirm the digest is current."
        : "The image is referenced by tag: confirm it is pulled fresh on each deploy, or pin it by digest.",
      {
        image: c.image.raw,
        pinnedByDigest: c.image.digest !== undefined,
        imageId: c.image.isImageId,
        ...(c.image.digest ? { digest: c.image.digest } : {}),
      },
    );
  },
});

// ───────────────────────────── 5.29 pids ─────────────────────────────

export const pidsLimited = defineRule({
  id: "5.29",
  slug: "pids-limit",
  title: "The number of processes is limited",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["pidsLimit"],
  remediation:
    "Set `--pids-limit 100`; @pulumi/docker 5.2.0's Container has no field for it, so set it through the HardenedContainer component (or `docker update --pids-limit`).",
  check(c) {
    return c.pidsLimit !== undefined && c.pidsLimit > 0 ? pass() : fail("pidsLimit", c.pidsLimit ?? null, "> 0");
  },
});

// ───────────────────────────── 5.30 default bridge ─────────────────────────────

/** On docker0: network mode bridge/default (an empty mode with no networks is the engine default too), or attached to `bridge`. */
function onDefaultBridge(c: ContainerFacts): boolean {
  const mode = c.networkMode.trim().toLowerCase();
  if (mode === "bridge" || mode === "default") return true;
  if (mode === "" && c.networks.length === 0) return true;
  return c.networks.includes("bridge");
}

export const notOnDefaultBridge = defineRule({
  id: "5.30",
  slug: "not-default-bridge",
  title: "The container is not on the default bridge network",
  section: 5,
  automated: false,
  level: 2,
  subject: "container",
  where: "both",
  reads: ["networkMode", "networks"],
  remediation:
    "Attach the container to a user-defined network (`docker network create`, Pulumi `networksAdvanced`) instead of docker0.",
  check(c) {
    const report = { onDefaultBridge: onDefaultBridge(c), networkMode: c.networkMode, networks: c.networks };
    return manual(
      report.onDefaultBridge
        ? "The container is on the default bridge (docker0): move it to a user-defined network unless this is intended."
        : "The container is not on the default bridge; confirm its networks are the intended ones.",
      report,
    );
  },
});

// ───────────────────────────── 5.31 ─────────────────────────────

export const usernsNotHost = hostNamespaceRule(
  "5.31",
  "no-host-userns",
  "The container does not share the host's user namespace",
  "usernsMode",
  "Remove `--userns host` (Pulumi `usernsMode`) so the daemon's userns-remap applies.",
);

// ───────────────────────────── 5.32 docker socket ─────────────────────────────

let lastSockets: { configured: string; onHost: string | undefined; paths: ReadonlySet<string> } | undefined;

/** Known paths of the Docker socket on this host, each also spelled via /run ↔ /var/run (one is a symlink to the other). */
function dockerSocketPaths(ctx: RuleContext): ReadonlySet<string> {
  const configured = ctx.settings.dockerSocketPath;
  const onHost = ctx.host?.locations?.dockerSocket;
  // The same two settings reach every container: keep the last answer.
  if (lastSockets?.configured === configured && lastSockets.onHost === onHost) return lastSockets.paths;
  const paths = new Set<string>();
  for (const p of [configured, onHost, "/var/run/docker.sock", "/run/docker.sock"]) {
    if (!p) continue;
    const canonical = normalisePath(p);
    paths.add(canonical);
    if (canonical.startsWith("/var/run/")) paths.add(canonical.slice("/var".length));
    else if (canonical.startsWith("/run/")) paths.add("/var" + canonical);
  }
  lastSockets = { configured, onHost, paths };
  return paths;
}

/** Why a mount exposes the Docker socket, or undefined. */
function exposesDockerSocket(m: MountFacts, sockets: ReadonlySet<string>): string | undefined {
  if (m.type === "npipe") return /docker_engine/i.test(m.source) ? "the Docker engine named pipe" : undefined;
  const source = m.type === "bind" ? normalisePath(m.source) : m.source.trim();
  if (source.endsWith("docker.sock")) return "a Docker socket";
  if (m.type !== "bind") return undefined;
  if (sockets.has(source)) return "the configured Docker socket";
  // A directory holding the socket exposes it too (connect() works even on a read-only mount).
  const held = [...sockets].find((s) => s !== source && isPathWithin(s, source));
  return held ? `a directory holding the Docker socket ${held}` : undefined;
}

const DOCKER_SOCKET_MOUNT: Offence<MountFacts, ReadonlySet<string>> = {
  isBad: (m, sockets) => exposesDockerSocket(m, sockets) !== undefined,
  field: (i) => `mounts[${i}].source`,
  observed: (m) => m.source,
  expected: (sockets) =>
    `no mount of the Docker socket (${[...sockets].join(", ")}, any *docker.sock) or a directory holding it`,
  describe: (m, sockets) => `${describeMount(m)} exposes ${exposesDockerSocket(m, sockets)}`,
};

export const noDockerSocketMount = defineRule({
  id: "5.32",
  slug: "no-docker-socket",
  severity: "critical",
  settings: ["dockerSocketPath"],
  title: "The Docker socket is not mounted into the container",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["mounts"],
  remediation:
    "Remove the bind mount of docker.sock (or of a directory holding it, such as /var/run); a container with the socket controls the host. Read-only does not help.",
  check(c, ctx) {
    return failOnOffenders(c.mounts, DOCKER_SOCKET_MOUNT, dockerSocketPaths(ctx));
  },
});

export const SECTION_5: AnyRule[] = [
  swarmModeInactive,
  appArmorProfile,
  selinuxOptions,
  capabilitiesRestricted,
  notPrivileged,
  noSensitiveHostMounts,
  noSshd,
  noPrivilegedPorts,
  onlyNeededPorts,
  networkNotHost,
  memoryLimited,
  cpuLimited,
  readOnlyRootfs,
  portsBoundToAddress,
  restartPolicyBounded,
  pidNotHost,
  ipcNotHost,
  noHostDevices,
  ulimitsSet,
  noSharedPropagation,
  utsNotHost,
  seccompEnabled,
  noPrivilegedExec,
  noRootExec,
  noCgroupParent,
  noNewPrivileges,
  healthChecked,
  imagePinned,
  pidsLimited,
  notOnDefaultBridge,
  usernsNotHost,
  noDockerSocketMount,
];
