/**
 * CIS Docker Benchmark v1.6.0, section 2: Docker daemon configuration. Every rule reads the
 * effective dockerd configuration (daemon.json merged with the dockerd flags, flags winning,
 * dockerd's defaults filled in: see src/adapters/daemon-config.ts).
 *
 * Levels follow docker-bench-security's `docker_daemon_configuration_level1` list, matched by
 * title: its list uses the later 19-item numbering (v1.7/v1.8 inserted "devicemapper not used"
 * as 2.7), so its 2.8–2.19 are this section's 2.7–2.18 (recorded as `cis-1.8:` aliases).
 * Level 2: 2.9 user namespaces, 2.10 cgroup parent, 2.11 base device size, 2.12 authorization
 * plugins, 2.13 remote logging, 2.17 seccomp; everything else Level 1.
 */
import type { Ulimit } from "../facts/types";
import { defineRule, fail, manual, notApplicable, pass, type AnyRule } from "./types";

/** dockerd always treats these as insecure registries; they are not a configuration choice. */
const IMPLICIT_INSECURE_REGISTRIES = new Set(["127.0.0.0/8", "::1/128"]);

/** Listener schemes that are not reachable over the network (`fd://` = systemd socket activation). */
const LOCAL_LISTENER = /^(unix|fd|npipe):\/\//i;

/**
 * A listener dockerd serves over TCP. dockerd reads an address without a scheme
 * (`0.0.0.0:2375`, `:2375`) as TCP, so anything that is not unix/fd/npipe counts;
 * an empty entry means the default unix socket.
 */
export function isTcpListener(host: string): boolean {
  const h = host.trim();
  return h !== "" && !LOCAL_LISTENER.test(h);
}

/** Ulimits among the daemon's defaults that cannot work: soft above hard, or hard above the host's hard limit. */
function unworkableUlimits(limits: readonly Ulimit[], hostHard: Record<string, number> | undefined) {
  const problems: { field: string; observed: Ulimit; expected: string }[] = [];
  limits.forEach((u, i) => {
    const field = `defaultUlimits[${i}]`;
    const max = hostHard?.[u.name];
    if (u.soft > u.hard) problems.push({ field, observed: u, expected: `soft limit ≤ hard limit (${u.hard})` });
    else if (max !== undefined && u.hard > max)
      problems.push({ field: `${field}.hard`, observed: u, expected: `≤ the host's hard ${u.name} limit (${max})` });
  });
  return problems;
}

export const rootless = defineRule({
  id: "2.1",
  title: "Daemon runs rootless where possible",
  section: 2,
  automated: false,
  level: 1,
  subject: "daemon",
  where: "decl",
  reads: ["rootless", "usernsRemap"],
  remediation:
    "Where the workloads allow it, run dockerd rootless (dockerd-rootless-setuptool.sh install, as an unprivileged user); otherwise keep userns-remap (2.9).",
  check(d) {
    return manual(
      d.rootless
        ? "The daemon runs rootless; confirm this is the daemon the workloads use."
        : "The daemon runs as root: decide whether rootless mode fits these workloads (networking and resource-limit restrictions apply).",
      { rootless: d.rootless, usernsRemap: d.usernsRemap ?? null },
    );
  },
});

export const iccDisabled = defineRule({
  id: "2.2",
  title: "Inter-container traffic on the default bridge is blocked",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["icc"],
  remediation:
    'Set "icc": false in daemon.json (or dockerd --icc=false); give containers that must talk a user-defined network.',
  check(d) {
    return d.icc ? fail("icc", d.icc, "false") : pass();
  },
});

export const logLevelInfo = defineRule({
  id: "2.3",
  title: "Daemon log level is info",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["logLevel"],
  remediation: 'Set "log-level": "info" in daemon.json (or remove it, and remove "debug": true / dockerd -D).',
  check(d) {
    // The adapter fills dockerd's default (info) and turns `debug` into `debug`; "" still means unset.
    const level = d.logLevel.trim().toLowerCase();
    return level === "" || level === "info" ? pass() : fail("logLevel", d.logLevel, '"info" (or unset)');
  },
});

export const iptablesAllowed = defineRule({
  id: "2.4",
  title: "Docker may manage iptables",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["iptables"],
  remediation: 'Remove "iptables": false from daemon.json (or dockerd --iptables=false).',
  check(d) {
    return d.iptables ? pass() : fail("iptables", d.iptables, "true (the default)");
  },
});

export const noInsecureRegistries = defineRule({
  id: "2.5",
  title: "No insecure registries",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["insecureRegistries"],
  remediation:
    'Remove "insecure-registries" from daemon.json (and every --insecure-registry flag); give those registries TLS certificates.',
  check(d) {
    const configured = d.insecureRegistries.filter(
      (r) => r.trim() !== "" && !IMPLICIT_INSECURE_REGISTRIES.has(r.trim()),
    );
    return configured.length === 0 ? pass() : fail("insecureRegistries", configured, "no insecure registries");
  },
});

export const notAufs = defineRule({
  id: "2.6",
  title: "Storage driver is not aufs",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["storageDriver"],
  remediation: 'Set "storage-driver": "overlay2" in daemon.json (or drop --storage-driver aufs).',
  check(d) {
    if (d.storageDriver === undefined || d.storageDriver.trim() === "")
      return pass("no storage driver configured: dockerd picks one (aufs was removed in Engine 24)");
    return d.storageDriver.trim().toLowerCase() === "aufs"
      ? fail("storageDriver", d.storageDriver, "a driver other than aufs (overlay2)")
      : pass();
  },
});

export const noDevicemapper = defineRule({
  id: "2.6.1",
  slug: "no-devicemapper",
  title: "Storage driver is not devicemapper",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  // New in v1.8.0 (its 2.7); v1.6.0 has no such item.
  aliases: ["cis-1.8:2.7"],
  benchmarks: ["cis-1.8.0"],
  reads: ["storageDriver"],
  remediation:
    'Set "storage-driver": "overlay2" in daemon.json (or drop --storage-driver devicemapper); Engine 25 removed devicemapper.',
  check(d) {
    const driver = d.storageDriver?.trim().toLowerCase();
    if (driver === undefined || driver === "")
      return pass("no storage driver configured: dockerd picks one (devicemapper was removed in Engine 25)");
    return driver === "devicemapper"
      ? fail("storageDriver", d.storageDriver, "a driver other than devicemapper (overlay2)")
      : pass();
  },
});

export const tcpNeedsTls = defineRule({
  id: "2.7",
  slug: "tcp-requires-tls",
  severity: "critical",
  title: "Every TCP listener requires TLS client verification",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.8"],
  reads: ["hosts", "tlsVerify", "tlsCaCert", "tlsCert", "tlsKey"],
  remediation:
    'Listen on TCP only with "tlsverify": true and "tlscacert", "tlscert", "tlskey" set in daemon.json (or --tlsverify --tlscacert … --tlscert … --tlskey …); otherwise keep only the unix socket.',
  check(d) {
    const tcp = d.hosts.filter(isTcpListener);
    if (tcp.length === 0) return pass(d.hosts.length === 0 ? "only the default unix socket" : "no TCP listener");
    const detail = `TCP listener(s): ${tcp.join(", ")}`;
    // `tls` without `tlsverify` encrypts but accepts any client: still unauthenticated.
    if (!d.tlsVerify) return fail("tlsVerify", d.tlsVerify, "true on a daemon listening on TCP", detail);
    // Unset paths fall back to ~/.docker/*.pem of the daemon's user: require them explicitly, so
    // 3.9–3.14 can check their ownership and modes.
    const missing = (["tlsCaCert", "tlsCert", "tlsKey"] as const).filter((k) => !d[k]?.trim());
    if (missing.length > 0)
      return fail(missing[0]!, d[missing[0]!] ?? null, `set (missing: ${missing.join(", ")})`, detail);
    return pass(detail + " with TLS client verification");
  },
});

export const defaultUlimits = defineRule({
  id: "2.8",
  title: "Default ulimits are set and workable",
  section: 2,
  automated: false,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.9"],
  reads: ["defaultUlimits"],
  remediation:
    'Set "default-ulimits" in daemon.json (e.g. {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}}) with hard limits no higher than the host\'s.',
  check(d, ctx) {
    const hostHard = ctx.host?.ulimitHardLimits;
    const [problem, ...more] = unworkableUlimits(d.defaultUlimits, hostHard);
    if (problem) {
      const detail = more.length ? `also: ${more.map((p) => `${p.observed.name} (${p.field})`).join(", ")}` : undefined;
      return fail(problem.field, problem.observed, problem.expected, detail);
    }
    const report = { defaultUlimits: d.defaultUlimits, hostHardLimits: hostHard ?? null };
    return d.defaultUlimits.length === 0
      ? manual("No default ulimits are configured: decide limits (e.g. nofile, nproc) that fit the workloads.", report)
      : manual("Confirm the default ulimits fit the workloads.", report);
  },
});

export const usernsRemap = defineRule({
  id: "2.9",
  title: "User namespace remapping is enabled",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.10"],
  reads: ["usernsRemap", "rootless"],
  remediation:
    'Set "userns-remap": "default" in daemon.json (with /etc/subuid and /etc/subgid entries), or run the daemon rootless.',
  check(d) {
    if (d.usernsRemap?.trim()) return pass();
    // Rootless mode runs the daemon and its containers inside a user namespace already.
    if (d.rootless) return pass("rootless daemon: containers run in the daemon's user namespace");
    return fail("usernsRemap", d.usernsRemap ?? null, "a remap user (e.g. default)");
  },
});

export const cgroupParent = defineRule({
  id: "2.10",
  settings: ["cgroupParentConfirmed"],
  title: "Default cgroup parent is kept",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.11"],
  reads: ["cgroupParent"],
  remediation:
    'Remove "cgroup-parent" from daemon.json (or --cgroup-parent), or confirm it with settings.cgroupParentConfirmed.',
  check(d, ctx) {
    if (!d.cgroupParent?.trim()) return pass();
    if (ctx.settings.cgroupParentConfirmed) return pass(`cgroup parent ${d.cgroupParent} confirmed in settings`);
    return fail("cgroupParent", d.cgroupParent, "unset (or confirmed with settings.cgroupParentConfirmed)");
  },
});

export const noBaseDeviceSize = defineRule({
  id: "2.11",
  title: "Base device size is not changed",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.12"],
  reads: ["storageOpts"],
  remediation: 'Remove "dm.basesize" from "storage-opts" in daemon.json (or --storage-opt dm.basesize=…).',
  check(d) {
    // The devicemapper driver lower-cases option keys, so `DM.BaseSize` counts too.
    const i = d.storageOpts.findIndex((o) => o.key.trim().toLowerCase() === "dm.basesize");
    return i < 0
      ? pass()
      : fail(`storageOpts[${i}]`, `${d.storageOpts[i]!.key}=${d.storageOpts[i]!.value}`, "no dm.basesize option");
  },
});

export const authorizationPlugin = defineRule({
  id: "2.12",
  title: "An authorization plugin guards client commands",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.13"],
  reads: ["authorizationPlugins"],
  remediation:
    'Install an authorization plugin and list it in "authorization-plugins" in daemon.json (or --authorization-plugin=NAME).',
  check(d) {
    const plugins = d.authorizationPlugins.filter((p) => p.trim() !== "");
    return plugins.length > 0
      ? pass()
      : fail("authorizationPlugins", d.authorizationPlugins, "at least one authorization plugin");
  },
});

export const remoteLogging = defineRule({
  id: "2.13",
  settings: ["localOnlyLogDrivers"],
  title: "Container logs are shipped off the host",
  section: 2,
  automated: true,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.14"],
  reads: ["logDriver"],
  remediation:
    'Set "log-driver" in daemon.json to a driver that ships logs (syslog, journald, fluentd, gelf, …) with its "log-opts" (e.g. syslog-address).',
  check(d, ctx) {
    const driver = d.logDriver.trim() || "json-file";
    const localOnly = ctx.settings.localOnlyLogDrivers;
    return localOnly.includes(driver)
      ? fail("logDriver", d.logDriver, `a driver that ships logs off the host (not ${localOnly.join(", ")})`)
      : pass();
  },
});

export const noNewPrivileges = defineRule({
  id: "2.14",
  title: "Containers cannot gain new privileges by default",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.15"],
  reads: ["noNewPrivileges"],
  remediation: 'Set "no-new-privileges": true in daemon.json (or dockerd --no-new-privileges).',
  check(d) {
    return d.noNewPrivileges ? pass() : fail("noNewPrivileges", d.noNewPrivileges, "true");
  },
});

export const liveRestore = defineRule({
  id: "2.15",
  title: "Live restore is enabled",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.16"],
  reads: ["liveRestore"],
  remediation: 'Set "live-restore": true in daemon.json (or dockerd --live-restore).',
  check(d, ctx) {
    if (ctx.swarm?.active) return notApplicable("the engine is in swarm mode, where live restore does not apply");
    return d.liveRestore ? pass() : fail("liveRestore", d.liveRestore, "true");
  },
});

export const userlandProxyOff = defineRule({
  id: "2.16",
  title: "Userland proxy is disabled",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.17"],
  reads: ["userlandProxy"],
  remediation: 'Set "userland-proxy": false in daemon.json (or dockerd --userland-proxy=false).',
  check(d) {
    return d.userlandProxy ? fail("userlandProxy", d.userlandProxy, "false") : pass();
  },
});

export const seccompProfile = defineRule({
  id: "2.17",
  title: "Daemon-wide seccomp profile is never unconfined",
  section: 2,
  automated: false,
  level: 2,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.18"],
  reads: ["seccompProfile"],
  remediation:
    'Remove "seccomp-profile": "unconfined" from daemon.json (or --seccomp-profile); keep the default or point it at a reviewed custom profile.',
  check(d) {
    const profile = d.seccompProfile?.trim() ?? "";
    if (profile.toLowerCase() === "unconfined")
      return fail("seccompProfile", d.seccompProfile, "the default or a custom profile, not unconfined");
    if (profile === "" || profile === "builtin") return pass("Docker's default seccomp profile applies");
    return manual(
      "A custom daemon-wide seccomp profile is set: review that it is at least as strict as Docker's default.",
      {
        seccompProfile: profile,
      },
    );
  },
});

export const experimentalOff = defineRule({
  id: "2.18",
  title: "Experimental features are off",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.19"],
  reads: ["experimental"],
  remediation: 'Remove "experimental": true from daemon.json (or dockerd --experimental).',
  check(d) {
    return d.experimental ? fail("experimental", d.experimental, "false") : pass();
  },
});

export const SECTION_2: AnyRule[] = [
  rootless,
  iccDisabled,
  logLevelInfo,
  iptablesAllowed,
  noInsecureRegistries,
  notAufs,
  noDevicemapper,
  tcpNeedsTls,
  defaultUlimits,
  usernsRemap,
  cgroupParent,
  noBaseDeviceSize,
  authorizationPlugin,
  remoteLogging,
  noNewPrivileges,
  liveRestore,
  userlandProxyOff,
  seccompProfile,
  experimentalOff,
];
