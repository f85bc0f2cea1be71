/**
 * SecureDaemon's plan: daemon.json and the host scripts for the arguments, and the self-check of the
 * configuration against the catalog (pure functions).
 * @internal
 */
import { daemonFactsFromConfig, DaemonConfigError } from "../../adapters/daemon-config";
import { exemptionsToLabels, type Exemption } from "../../exemptions";
import type { DaemonFacts } from "../../facts/types";
import { argumentFor, DAEMON_FIELDS } from "../../fields";
import { DEFAULT_SETTINGS, type RuleContext } from "../../rules/types";
import { configSha256, daemonApplyStateFile, renderDaemonApplyScript, TLS_FILES } from "../../scripts/daemon-apply";
import { renderDaemonPermissionsScript } from "../../scripts/daemon-permissions";
import { renderTlsStageScript, tlsMaterialProblems, type TlsMaterial } from "../../scripts/daemon-tls";
import { parentDir } from "../../scripts/host-paths";
import { DEFAULT_STATE_DIR, hostLockFile } from "../../scripts/shell-prelude";
import { HardenedArgsError, parseArgs, validateExemptions } from "../args";
import { refusals, selfCheckFailures, warnUnneededExemptions } from "../self-check";
import { checkConnection, HOST_KEY_ALGORITHMS, SSH_HOST_KEY_EXEMPTION, type HostKey } from "../ssh-connection";
import { argsSchema, type SecureDaemonArgs, type UlimitName } from "./args";

// ───────────── SSH host keys ─────────────

/** The known_hosts line for this host and key (`[host]:port` when the port is not 22). */
export function knownHostsLine(host: string, port: number, key: HostKey): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${key.type} ${key.base64}`;
}

/**
 * ssh options for the docker.Provider (docker's ssh transport runs the `ssh` program with them,
 * one argv element each, no shell). With a pinned key: strict checking against that key only —
 * no known_hosts file is read (or only `knownHostsFile`), the key comes from KnownHostsCommand
 * (OpenSSH ≥ 8.5; `%H` is the name ssh looks up), and only that key type is negotiated.
 */
export function providerSshOpts(
  key: HostKey | undefined,
  o: { identityFile?: string; knownHostsFile?: string } = {},
): string[] {
  const opts: string[] = [];
  if (o.identityFile) opts.push("-i", o.identityFile, "-o", "IdentitiesOnly=yes");
  if (!key) return opts;
  opts.push(
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `HostKeyAlgorithms=${HOST_KEY_ALGORITHMS[key.type]}`,
    "-o",
    "CheckHostIP=no",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "GlobalKnownHostsFile=/dev/null",
  );
  if (o.knownHostsFile) opts.push("-o", `UserKnownHostsFile=${o.knownHostsFile}`);
  else
    opts.push("-o", "UserKnownHostsFile=/dev/null", "-o", `KnownHostsCommand=/bin/echo '%H' ${key.type} ${key.base64}`);
  return opts;
}

// ───────────── the plan ─────────────

const DEFAULT_ULIMITS: Partial<Record<UlimitName, { soft: number; hard: number }>> = {
  nofile: { soft: 1024, hard: 4096 },
};
const DEFAULT_UNIT_FILES = ["/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system"].flatMap((d) => [
  `${d}/docker.service`,
  `${d}/docker.socket`,
]);

export interface ResolvedPaths {
  configFile: string;
  etcDocker: string;
  tlsDir: string;
  dockerSocket: string;
  containerdSocket: string;
  pidFile: string;
  unitFiles: string[];
  environmentFiles: string[];
  engineLog?: string;
  stateDir: string;
}

/** What the class needs to render daemon.json once the log options resolve. */
export interface RenderedConfig {
  config: Record<string, unknown>;
  configText: string;
  configHash: string;
  applyScript: string;
}

export interface SecureDaemonPlan {
  /** daemon.json with the log options known at plan time (Output values shown as "<output>"). */
  rendered: RenderedConfig;
  /** Renders daemon.json and the apply script for resolved log options. */
  render(logOpts: Record<string, string>): RenderedConfig;
  /** The effective configuration the self-check judged. */
  facts: DaemonFacts;
  exemptions: Exemption[];
  paths: ResolvedPaths;
  permissionsScript: string;
  /** The TLS staging script, when the daemon listens on TCP. */
  tlsScript?: string;
  connection: { port: number; user: string; sudo: boolean; hostKeyPinned: boolean };
  provider: { via: "ssh" | "tcp"; identityFile?: string; knownHostsFile?: string; tcpPort?: number };
  /** dockerd flags merged into the self-check (`dockerdFlags`). */
  dockerdFlags: string[];
}

/**
 * The inputs SecureDaemon registers, read by the policy pack (src/adapters/pulumi-resources.ts,
 * secureDaemonFacts): daemon.json as judged, with log options given as Outputs shown as
 * "<output>" (so no secret is ever among them), and the dockerd flags.
 */
export interface SecureDaemonInputs {
  daemonJson: string;
  configFile: string;
  dockerdFlags: string[];
}

export function secureDaemonInputs(plan: SecureDaemonPlan): SecureDaemonInputs {
  return { daemonJson: plan.rendered.configText, configFile: plan.paths.configFile, dockerdFlags: plan.dockerdFlags };
}

export interface SecureDaemonPlanOptions {
  /** Clock for exemption expiry. */
  now?: Date;
}

/**
 * Compute daemon.json and the host scripts for these arguments, and check the configuration
 * against the catalog. Pure; throws HardenedArgsError on any refusal.
 * @internal
 */
export function planSecureDaemon(
  name: string,
  rawArgs: SecureDaemonArgs,
  options: SecureDaemonPlanOptions = {},
): SecureDaemonPlan {
  const now = options.now ?? new Date();
  const a = parseArgs(name, argsSchema, rawArgs);

  // Exemptions first: a malformed one is an error even if it would not be needed.
  const exemptions = a.exemptions ?? [];
  const exempt = validateExemptions(name, exemptions, now, [SSH_HOST_KEY_EXEMPTION]);

  const c = a.connection;
  const { problems, resolved } = checkConnection(c, exempt, "receive the configuration");
  const { user, sudo, port } = resolved;

  const via = a.provider?.via ?? "ssh";
  if (via === "tcp" && !a.tls?.client)
    problems.push('provider.via = "tcp": needs tls.client (a client certificate and key signed by tls.caCert)');
  if (via === "tcp" && a.provider?.knownHostsFile)
    problems.push('provider.knownHostsFile: only used when provider.via is "ssh"');
  if (a.tls && typeof a.tls.key === "string") {
    // Plain PEM text can be checked now (Outputs are checked when they resolve); the messages never quote the material.
    const plain = { caCert: a.tls.caCert, cert: a.tls.cert, key: a.tls.key };
    if (Object.values(plain).every((v) => typeof v === "string"))
      problems.push(...tlsMaterialProblems(plain as TlsMaterial));
  }

  const p = a.paths ?? {};
  const etcDocker = p.etcDocker ?? "/etc/docker";
  const paths: ResolvedPaths = {
    configFile: p.configFile ?? `${etcDocker}/daemon.json`,
    etcDocker,
    tlsDir: p.tlsDir ?? `${etcDocker}/tls`,
    dockerSocket: p.dockerSocket ?? "/var/run/docker.sock",
    containerdSocket: p.containerdSocket ?? "/run/containerd/containerd.sock",
    pidFile: p.pidFile ?? "/var/run/docker.pid",
    unitFiles: p.unitFiles ?? DEFAULT_UNIT_FILES,
    environmentFiles: p.environmentFiles ?? ["/etc/default/docker", "/etc/sysconfig/docker"],
    ...(p.engineLog !== undefined ? { engineLog: p.engineLog } : {}),
    stateDir: p.stateDir ?? DEFAULT_STATE_DIR,
  };
  const lockFile = hostLockFile(paths.stateDir);
  if (a.tls && parentDir(paths.configFile) === paths.tlsDir)
    problems.push("paths.tlsDir: must not be the directory of daemon.json");

  const flags = a.dockerdFlags ?? [];
  let flagFacts: DaemonFacts | undefined;
  try {
    flagFacts = daemonFactsFromConfig({ argv: ["dockerd", ...flags] });
  } catch (err) {
    if (!(err instanceof DaemonConfigError)) throw err;
    problems.push(`dockerdFlags: ${err.problem}`);
  }
  if (a.tls && flagFacts && flagFacts.hosts.length > 0)
    problems.push(
      `dockerdFlags: ${JSON.stringify(flagFacts.hosts)} — with tls, daemon.json lists the listeners, ` +
        "and dockerd refuses -H on its command line as well; remove -H from docker.service " +
        "(a drop-in that clears ExecStart)",
    );
  if (problems.length) throw new HardenedArgsError(name, problems);

  // ── daemon.json ──
  const ulimits = a.defaultUlimits ?? DEFAULT_ULIMITS;
  const exemptionLabels = exemptionsToLabels(exemptions.filter((e) => e.rule !== SSH_HOST_KEY_EXEMPTION));
  const labels = { ...(a.labels ?? {}), ...exemptionLabels };
  const tlsPaths = Object.fromEntries(TLS_FILES.map((f) => [f.key, `${paths.tlsDir}/${f.file}`]));
  const managed: Record<string, unknown> = {
    icc: a.icc ?? false,
    ...(a.usernsRemap === false ? {} : { "userns-remap": a.usernsRemap ?? "default" }),
    "selinux-enabled": a.selinuxEnabled ?? true,
    "no-new-privileges": a.noNewPrivileges ?? true,
    "live-restore": a.liveRestore ?? true,
    "userland-proxy": a.userlandProxy ?? false,
    iptables: a.iptables ?? true,
    "log-level": a.logLevel ?? "info",
    "log-driver": a.logDriver ?? "journald",
    "default-ulimits": sortedObject(
      Object.fromEntries(Object.entries(ulimits).map(([n, u]) => [n, { Name: n, Soft: u!.soft, Hard: u!.hard }])),
    ),
    "insecure-registries": a.insecureRegistries ?? [],
    experimental: a.experimental ?? false,
    ...(a.authorizationPlugins?.length ? { "authorization-plugins": a.authorizationPlugins } : {}),
    ...(a.tls
      ? { hosts: [`unix://${paths.dockerSocket}`, `tcp://${a.tls.listen}`], tls: true, tlsverify: true, ...tlsPaths }
      : {}),
    ...(a.storageDriver ? { "storage-driver": a.storageDriver } : {}),
    ...(a.dataRoot ? { "data-root": a.dataRoot } : {}),
    ...(a.seccompProfile ? { "seccomp-profile": a.seccompProfile } : {}),
    ...(Object.keys(labels).length
      ? { labels: Object.entries(sortedObject(labels)).map(([k, v]) => `${k}=${v}`) }
      : {}),
  };
  const extra = a.extraConfig ?? {};
  const clashes = Object.keys(extra).filter(
    (k) =>
      k in managed || k === "log-opts" || ["hosts", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey"].includes(k),
  );
  if (clashes.length)
    throw new HardenedArgsError(
      name,
      clashes.map((k) => `extraConfig["${k}"]: set by SecureDaemon itself; use its typed argument`),
    );
  const ulimitChecks = Object.entries(ulimits).map(([n, u]) => ({ name: n, hard: u!.hard }));

  const render = (logOpts: Record<string, string>): RenderedConfig => {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(managed)) {
      config[k] = v;
      // log-opts right after log-driver, for a readable file
      if (k === "log-driver" && Object.keys(logOpts).length) config["log-opts"] = sortedObject(logOpts);
    }
    for (const k of Object.keys(extra).sort()) config[k] = extra[k];
    const configText = JSON.stringify(config, null, 2) + "\n";
    const applyScript = renderDaemonApplyScript({
      configText,
      configFile: paths.configFile,
      dockerSocket: paths.dockerSocket,
      pidFile: paths.pidFile,
      ...(paths.engineLog !== undefined ? { engineLog: paths.engineLog } : {}),
      timeoutSeconds: a.restartTimeoutSeconds ?? 60,
      liveRestore: config["live-restore"] === true,
      iccOff: config.icc === false,
      ...(a.tls ? { tlsDir: paths.tlsDir } : {}),
      ulimits: ulimitChecks,
      stateFile: daemonApplyStateFile(paths.stateDir),
      lockFile,
    });
    return { config, configText, configHash: configSha256(configText), applyScript };
  };
  const plainLogOpts = Object.fromEntries(
    Object.entries(a.logOpts ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : "<output>"]),
  );
  const rendered = render(plainLogOpts);

  // ── the self-check: the catalog decides ──
  const facts = daemonFactsFromConfig({
    configText: rendered.configText,
    configFile: paths.configFile,
    argv: ["dockerd", ...flags],
    origin: "declared",
  });
  const ctx: RuleContext = {
    settings: DEFAULT_SETTINGS,
    now,
    ...(a.hostHardLimits ? { host: { ulimitHardLimits: a.hostHardLimits as Record<string, number> } } : {}),
  };
  // A fact the flags change (against the file alone) is the flags' doing.
  const fileOnly = daemonFactsFromConfig({ configText: rendered.configText, configFile: paths.configFile });
  // Any `fail` refuses, Manual rules too: 2.8 and 2.17 fail only on definite defects (a limit above the
  // host's, unconfined).
  const failures = selfCheckFailures({ facts, ctx, rules: "all" });
  const fromFlags = (field: string) => {
    const factKey = field.split(/[.[]/)[0] as keyof DaemonFacts;
    return JSON.stringify(facts[factKey]) !== JSON.stringify(fileOnly[factKey]);
  };
  // A fact the flags set is named by them; any other by the argument that sets it.
  const refused = refusals(failures, {
    argumentFor: (field) => (fromFlags(field) ? "dockerdFlags" : argumentFor(DAEMON_FIELDS, field)),
  });
  if (refused.length) throw new HardenedArgsError(name, refused);
  warnUnneededExemptions(
    "SecureDaemon",
    name,
    exemptions,
    failures,
    (rule) => rule === SSH_HOST_KEY_EXEMPTION && c.hostKey === undefined,
  );

  return {
    rendered,
    render,
    facts,
    exemptions,
    paths,
    permissionsScript: renderDaemonPermissionsScript({
      etcDocker: paths.etcDocker,
      configFile: paths.configFile,
      ...(a.tls ? { tlsDir: paths.tlsDir } : {}),
      dockerSocket: paths.dockerSocket,
      containerdSocket: paths.containerdSocket,
      unitFiles: paths.unitFiles,
      environmentFiles: paths.environmentFiles,
      lockFile,
    }),
    ...(a.tls ? { tlsScript: renderTlsStageScript(paths.tlsDir, { lockFile }) } : {}),
    connection: { port, user, sudo, hostKeyPinned: c.hostKey !== undefined },
    dockerdFlags: flags,
    provider: {
      via,
      ...(a.provider?.identityFile ? { identityFile: a.provider.identityFile } : {}),
      ...(a.provider?.knownHostsFile ? { knownHostsFile: a.provider.knownHostsFile } : {}),
      ...(a.tls ? { tcpPort: Number(/:(\d+)$/.exec(a.tls.listen)![1]) } : {}),
    },
  };
}

/** The same entries with keys in code-point order (stable daemon.json text, whatever the argument order). */
function sortedObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]!]),
  );
}
