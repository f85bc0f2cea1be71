/**
 * The corpus of the agreement test ("one verdict per configuration", issue #17 item 4): docker.Container
 * configurations generated with fast-check from the hand-written compliant container
 * (./container-inputs), each varying a few of the fields the section-4/5 container rules read, plus
 * hand-written cases for every parsing quirk found so far. Each configuration is rendered
 *
 *   (a) as Pulumi inputs (what the pack, `check` and HardenedContainer's self-check judge), and
 *   (b) as the Engine API inspect the engine returns for the container the provider creates from
 *       those inputs (./pulumi-to-engine `engineCreateBody`, then `renderInspect` below: what dockerd
 *       20.10 stores at create), read by the live audit's adapter.
 *
 * `renderInspect` is a model of dockerd, so it is kept honest by test/integration/verdict-corpus.test.ts,
 * which creates a deterministic sample of the corpus on the real test engine and compares the real
 * inspect with the rendered one (facts and verdicts). Where the engine refuses a configuration at
 * create, `renderInspect` says so (and the integration test checks the real engine refuses it too):
 * such a configuration has no live verdict to agree with.
 *
 * `componentArgsFor` maps a configuration to HardenedContainer's arguments where they can express it
 * (see COMPONENT_CANNOT_EXPRESS for what they cannot).
 */
import { createHash } from "crypto";
import fc from "fast-check";
import { ALL_CAPABILITIES } from "../../src/rules/capabilities";
import { normaliseCapabilities, parseGoBool, parseGoInt, parseSecurityOptions } from "../../src/facts/normalise";
import { compliantContainer } from "./container-inputs";
import { engineCreateBody, engineNetworkConnects } from "./pulumi-to-engine";

export type Inputs = Record<string, unknown>;

export interface CorpusEntry {
  /** Stable key: a valid Pulumi resource and container name. */
  key: string;
  /** What the configuration exercises (hand-written cases) or "generated". */
  what: string;
  inputs: Inputs;
}

/** The user-defined networks the corpus attaches containers to (the integration test creates them). */
export const CORPUS_NETWORKS = ["backend", "frontend"] as const;

/** The PIDs-limit label HardenedContainer writes (read by the pack; applied on the engine by its companion command). */
export const PIDS_LABEL = "hardened-docker.pids-limit";

// ───────────────────────────── generation ─────────────────────────────

const USERS = [
  "root",
  "0",
  "00",
  "+0",
  "-0",
  "0:0",
  "-0:10001",
  "+0:0",
  "0:10001",
  "010001",
  "10001",
  "+10001",
  "10001:0",
  "root:root",
  "nobody",
  "app",
  "65534",
  "1000:1000",
  "0010",
  "-1",
  "",
];
const CAPS = [
  "NET_BIND_SERVICE",
  "net_bind_service",
  "CAP_NET_BIND_SERVICE",
  "cap_chown",
  "Cap_Kill",
  "NET_RAW",
  "cap_net_raw",
  "SYS_ADMIN",
  "CAP_SYS_PTRACE",
  "ALL",
  "all",
  "AUDIT_WRITE",
];
const DROPS: string[][] = [
  ["ALL"],
  ["all"],
  ["ALL", "NET_RAW"],
  ["NET_RAW"],
  ["cap_net_raw", "CAP_SYS_ADMIN"],
  [],
  ["CHOWN"],
];
const NNP = [
  "no-new-privileges",
  "no-new-privileges:true",
  "no-new-privileges=true",
  "no-new-privileges=1",
  "no-new-privileges=t",
  "no-new-privileges=T",
  "no-new-privileges=TRUE",
  "no-new-privileges=True",
  "no-new-privileges:1",
  "no-new-privileges=false",
  "no-new-privileges=0",
  "no-new-privileges=f",
  "no-new-privileges=F",
  "no-new-privileges=FALSE",
  "no-new-privileges=False",
  "no-new-privileges:false",
  "no-new-privileges:0",
];
const OTHER_OPTS = [
  "seccomp=unconfined",
  "seccomp:unconfined",
  "apparmor=unconfined",
  "apparmor:unconfined",
  "apparmor=docker-default",
  "apparmor=hd-profile",
  "label=disable",
  "label:disable",
  "label=type:svirt_apache_t",
  "label=user:system_u",
  "label=level:s0:c100,c200",
  "label=role:system_r",
];
const HOST_IPS = [
  undefined,
  "127.0.0.1",
  "0.0.0.0",
  "::",
  "::1",
  "[::]",
  "[::1]",
  "10.0.0.5",
  "::0",
  "0:0:0:0:0:0:0:0",
  "",
];
/** Host paths of binds: sensitive directories, the Docker socket and directories holding it, and harmless ones. */
export const BIND_SOURCES = [
  "/etc",
  "/etc/ssl",
  "/usr",
  "/usr/share",
  "/proc",
  "/sys",
  "/dev",
  "/lib",
  "/",
  "/srv/hd-data",
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run",
  "/run",
  "/etc/../srv/hd-data",
  "/var/lib/../../usr",
];
const PROPAGATIONS = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];
const PIDS_CLAIMS = ["64", "0", "-1", "abc", "4096", "1"];

const port = fc.record(
  {
    internal: fc.constantFrom(80, 443, 8080, 53),
    external: fc.constantFrom(undefined, 80, 443, 1023, 1024, 18080, 28443, 0),
    ip: fc.constantFrom(...HOST_IPS),
    protocol: fc.constantFrom(undefined, "tcp", "udp", "sctp"),
  },
  { requiredKeys: ["internal"] },
);

const mount = fc.oneof(
  {
    arbitrary: fc.record(
      {
        type: fc.constant("bind"),
        source: fc.constantFrom(...BIND_SOURCES),
        readOnly: fc.constantFrom(undefined, true, false),
        bindOptions: fc.option(fc.record({ propagation: fc.constantFrom(...PROPAGATIONS) }), { nil: undefined }),
      },
      { requiredKeys: ["type", "source"] },
    ),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constant("volume"),
        source: fc.constantFrom("hd-data", "hd-cache"),
        readOnly: fc.constantFrom(undefined, true),
      },
      { requiredKeys: ["type", "source"] },
    ),
    weight: 1,
  },
  { arbitrary: fc.constant({ type: "tmpfs" }), weight: 1 },
);

const volume = fc.oneof(
  fc.record(
    { hostPath: fc.constantFrom(...BIND_SOURCES), readOnly: fc.constantFrom(undefined, true, false) },
    { requiredKeys: ["hostPath"] },
  ),
  fc.record(
    { volumeName: fc.constantFrom("hd-data", "hd-logs"), readOnly: fc.constantFrom(undefined, true) },
    { requiredKeys: ["volumeName"] },
  ),
);

/** Network mode and the networks beside it, as the provider takes them (host/none/bridge attach nothing else). */
const network = fc.constantFrom(
  { networkMode: "backend", networksAdvanced: [{ name: "backend" }] },
  { networkMode: "backend", networksAdvanced: [{ name: "backend" }, { name: "frontend" }] },
  { networkMode: "bridge", networksAdvanced: [] },
  { networkMode: "default", networksAdvanced: [] },
  { networkMode: undefined, networksAdvanced: [] },
  { networkMode: "host", networksAdvanced: [] },
  { networkMode: "none", networksAdvanced: [] },
);

/** Changes to the compliant container: each field undefined (left alone) most of the time. */
const changes = fc.record(
  {
    user: fc.constantFrom(...USERS, undefined),
    capabilities: fc.record({ adds: fc.subarray(CAPS, { maxLength: 3 }), drops: fc.constantFrom(...DROPS) }),
    privileged: fc.constantFrom(true, false),
    securityOpts: fc
      .tuple(fc.subarray(NNP, { maxLength: 2 }), fc.subarray(OTHER_OPTS, { maxLength: 2 }))
      .map(([a, b]) => [...a, ...b]),
    readOnly: fc.constantFrom(false, undefined),
    memory: fc.constantFrom(0, undefined, 6, 64, 1024),
    cpu: fc.constantFrom<Inputs>(
      { cpus: undefined },
      { cpus: "0.5" },
      { cpus: "1.0" },
      { cpus: "0.25" },
      { cpus: undefined, cpuShares: 512 },
      { cpus: undefined, cpuShares: 1024 },
      { cpus: undefined, cpuShares: 2 },
      { cpus: "0.5", cpuShares: 1024 },
    ),
    restart: fc.constantFrom<Inputs>(
      { restart: "no", maxRetryCount: undefined },
      { restart: undefined, maxRetryCount: undefined },
      { restart: "always", maxRetryCount: undefined },
      { restart: "unless-stopped", maxRetryCount: undefined },
      { restart: "on-failure", maxRetryCount: 0 },
      { restart: "on-failure", maxRetryCount: undefined },
      { restart: "on-failure", maxRetryCount: 1 },
      { restart: "on-failure", maxRetryCount: 6 },
      { restart: "on-failure", maxRetryCount: 10 },
    ),
    pidMode: fc.constantFrom("host", ""),
    ipcMode: fc.constantFrom("host", "shareable", "none", undefined),
    usernsMode: fc.constantFrom("host", ""),
    network,
    ports: fc.array(port, { maxLength: 3 }),
    publishAllPorts: fc.constantFrom(true, false),
    mounts: fc.array(mount, { maxLength: 2 }),
    volumes: fc.array(volume, { maxLength: 2 }),
    tmpfs: fc.constant({ "/tmp": "size=16m" }),
    devices: fc.constantFrom(
      [{ hostPath: "/dev/fuse" }],
      [{ hostPath: "/dev/null", containerPath: "/dev/hd-null", permissions: "r" }],
      [{ hostPath: "/dev/kmsg", permissions: "rw" }],
    ),
    ulimits: fc.constantFrom([{ name: "nofile", soft: 1024, hard: 2048 }], [{ name: "nproc", soft: 64, hard: 64 }]),
    healthcheck: fc.constantFrom(
      undefined,
      { tests: ["NONE"] },
      { tests: ["CMD-SHELL", "true"], interval: "1m30s", retries: 1 },
      { tests: [] },
    ),
    cgroupParent: fc.constantFrom("/hd-custom", "hd.slice", ""),
    pidsClaim: fc.constantFrom(...PIDS_CLAIMS, undefined),
    exemption: fc.constantFrom("5.13", "4.1", "5.26", "5.12"),
  },
  { requiredKeys: [] },
);

/** A record of changes where each key is present rarely (so most fields stay compliant). */
const sparseChanges = changes.chain((all) =>
  fc
    .subarray(Object.keys(all), { minLength: 1, maxLength: 5 })
    .map((keys) => Object.fromEntries(keys.map((k) => [k, (all as Record<string, unknown>)[k]]))),
);

/** Any container of the corpus's kind: the compliant container with one to five of its inputs changed. */
export const containerInputs = (key: string): fc.Arbitrary<Inputs> => sparseChanges.map((ch) => applyChanges(key, ch));

/** Apply a change record to the compliant container: a docker.Container's inputs. */
function applyChanges(key: string, ch: Record<string, unknown>): Inputs {
  const base = compliantContainer({ name: key }) as Inputs;
  const out: Inputs = { ...base };
  for (const [k, v] of Object.entries(ch)) {
    switch (k) {
      case "cpu":
      case "restart":
      case "network":
        Object.assign(out, v);
        break;
      case "mounts":
        out.mounts = (v as Inputs[]).map((m, i) => ({ ...m, target: `/mnt/m${i}` }));
        break;
      case "volumes":
        out.volumes = (v as Inputs[]).map((m, i) => ({ ...m, containerPath: `/mnt/v${i}` }));
        break;
      case "pidsClaim":
        out.labels = v === undefined ? [] : [{ label: PIDS_LABEL, value: v }];
        break;
      case "exemption":
        out.labels = [
          ...((out.labels as Inputs[]) ?? []),
          {
            label: `hardened-docker.exemption.${v}`,
            value: JSON.stringify({ reason: "reviewed in the agreement corpus", expires: "2027-06-30" }),
          },
        ];
        break;
      default:
        out[k] = v;
    }
  }
  // The provider drops unset inputs (the engine then applies its defaults).
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Hand-written cases: every parsing quirk where surfaces disagreed or could, each on its own. */
export const QUIRK_CASES: { what: string; change: Inputs }[] = [
  ...["+0", "-0", "00", "-0:10001", "+0:0", "010001", "+10001", "0:0", "root", "root:root", "0:10001", "10001:0"].map(
    (user) => ({ what: `user ${user} (Go Atoi)`, change: { user } }),
  ),
  ...NNP.map((opt) => ({ what: `security option ${opt} (Go ParseBool)`, change: { securityOpts: [opt] } })),
  {
    what: "no-new-privileges on then off (last wins)",
    change: { securityOpts: ["no-new-privileges=true", "no-new-privileges=false"] },
  },
  {
    what: "no-new-privileges off then on (last wins)",
    change: { securityOpts: ["no-new-privileges=0", "no-new-privileges"] },
  },
  { what: "no security options at all (nothing on, nothing off)", change: { securityOpts: [] } },
  { what: "publishAllPorts (-P) with no ports", change: { publishAllPorts: true, ports: [] } },
  { what: "publishAllPorts (-P) with a bound port", change: { publishAllPorts: true } },
  {
    what: "cap-add NET_BIND_SERVICE (on the allow-list)",
    change: { capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] } },
  },
  {
    what: "cap-add cap_net_bind_service (case, prefix)",
    change: { capabilities: { drops: ["all"], adds: ["cap_net_bind_service"] } },
  },
  { what: "cap-add NET_RAW (not on the allow-list)", change: { capabilities: { drops: ["ALL"], adds: ["NET_RAW"] } } },
  { what: "cap-add ALL after dropping ALL", change: { capabilities: { drops: ["ALL"], adds: ["ALL"] } } },
  { what: "no cap-drop", change: { capabilities: { drops: [], adds: [] } } },
  { what: "port on [::] (IPv6 wildcard)", change: { ports: [{ internal: 8080, external: 18080, ip: "::" }] } },
  { what: "port on :: spelled out", change: { ports: [{ internal: 8080, external: 18080, ip: "0:0:0:0:0:0:0:0" }] } },
  { what: "port without ip (provider default 0.0.0.0)", change: { ports: [{ internal: 8080, external: 18080 }] } },
  { what: "privileged port on ::1", change: { ports: [{ internal: 80, external: 80, ip: "::1" }] } },
  { what: "ephemeral host port", change: { ports: [{ internal: 80, ip: "127.0.0.1" }] } },
  { what: "restart always", change: { restart: "always", maxRetryCount: 0 } },
  { what: "restart on-failure without a count (unbounded)", change: { restart: "on-failure", maxRetryCount: 0 } },
  { what: "restart unset", change: { restart: undefined, maxRetryCount: undefined } },
  {
    what: "seccomp:unconfined (legacy separator)",
    change: { securityOpts: ["no-new-privileges", "seccomp:unconfined"] },
  },
  { what: "label:disable (legacy separator)", change: { securityOpts: ["no-new-privileges", "label:disable"] } },
  {
    what: "privileged without security options (the engine adds label=disable)",
    change: { privileged: true, securityOpts: undefined },
  },
  {
    what: "privileged with label:disable (legacy separator: the engine still adds label=disable)",
    change: { privileged: true, securityOpts: ["no-new-privileges", "label:disable"] },
  },
  {
    what: "host IPC with an SELinux type (the engine adds no label=disable)",
    change: { ipcMode: "host", securityOpts: ["no-new-privileges", "label=type:svirt_apache_t"] },
  },
  {
    what: "host PID without security options (the engine adds label=disable)",
    change: { pidMode: "host", securityOpts: undefined },
  },
  {
    what: "bind of a path resolving into /usr",
    change: { mounts: [{ type: "bind", source: "/var/lib/../../usr", target: "/mnt/m0" }] },
  },
  {
    what: "read-only bind of /etc",
    change: { volumes: [{ hostPath: "/etc", containerPath: "/mnt/v0", readOnly: true }] },
  },
  {
    what: "directory holding the Docker socket",
    change: { volumes: [{ hostPath: "/var/run", containerPath: "/mnt/v0", readOnly: true }] },
  },
  {
    what: "rshared propagation",
    change: {
      mounts: [
        {
          type: "bind",
          source: "/srv/hd-data",
          target: "/mnt/m0",
          readOnly: true,
          bindOptions: { propagation: "rshared" },
        },
      ],
    },
  },
  { what: "cpu shares 1024 (the default) only", change: { cpus: undefined, cpuShares: 1024 } },
  { what: "no memory limit", change: { memory: undefined } },
  { what: "healthcheck NONE", change: { healthcheck: { tests: ["NONE"] } } },
  { what: "healthcheck with an empty test (inherit)", change: { healthcheck: { tests: [] } } },
  ...PIDS_CLAIMS.map((v) => ({
    what: `PIDs-limit label ${JSON.stringify(v)}`,
    change: { labels: [{ label: PIDS_LABEL, value: v }] },
  })),
  ...["010", "08", "0x40", "1_000", "+64"].map((v) => ({
    what: `PIDs-limit label ${JSON.stringify(v)} (docker CLI: strconv.ParseInt base 0)`,
    change: { labels: [{ label: PIDS_LABEL, value: v }] },
  })),
  { what: "ipc mode shareable", change: { ipcMode: "shareable" } },
  { what: "ipc mode unset (daemon default)", change: { ipcMode: undefined } },
  { what: "user namespace host", change: { usernsMode: "host" } },
  { what: "network none", change: { networkMode: "none", networksAdvanced: [], ports: [] } },
  // Configurations the engine refuses at create: no live verdict (renderInspect must predict each refusal).
  { what: "engine refuses: restart always with a retry count", change: { restart: "always", maxRetryCount: 3 } },
  { what: "engine refuses: memory below 6 MB", change: { memory: 4 } },
  { what: "engine refuses: capability CAP_ALL", change: { capabilities: { drops: ["CAP_ALL"], adds: [] } } },
  {
    what: "engine refuses: no-new-privileges=yes (not a ParseBool value)",
    change: { securityOpts: ["no-new-privileges=yes"] },
  },
  {
    what: "engine refuses: a bind of / (holding the data root) with slave propagation",
    change: {
      mounts: [{ type: "bind", source: "/", target: "/mnt/m0", readOnly: true, bindOptions: { propagation: "slave" } }],
    },
  },
  {
    what: "PID mode HOST (case: the engine accepts it and keeps a private PID namespace)",
    change: { pidMode: "HOST" },
  },
  {
    what: "a bind of / (the engine makes the propagation rslave: it holds the data root)",
    change: { mounts: [{ type: "bind", source: "/", target: "/mnt/m0", readOnly: true }] },
  },
];

/** The corpus: the hand-written cases, then `generated` configurations (deterministic: a fixed seed). */
export function buildCorpus(generated = 560, seed = 17_004): CorpusEntry[] {
  const out: CorpusEntry[] = QUIRK_CASES.map((c, i) => {
    const key = `q${String(i).padStart(3, "0")}`;
    const inputs = { ...compliantContainer({ name: key }), ...c.change } as Inputs;
    return { key, what: c.what, inputs: Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) };
  });
  const samples = fc.sample(sparseChanges, { numRuns: generated, seed });
  samples.forEach((ch, i) => {
    const key = `g${String(i).padStart(4, "0")}`;
    out.push({ key, what: `generated: ${Object.keys(ch).join(", ")}`, inputs: applyChanges(key, ch) });
  });
  return out;
}

// ───────────────────────────── the engine's side ─────────────────────────────

const MB = 1024 * 1024;

/**
 * What `docker update --pids-limit=<claim>` (the companion command the label stands for) leaves on the engine:
 * the parsed limit, or undefined when the CLI refuses the text.
 */
export function pidsLimitAppliedBy(claim: string): number | undefined {
  return parseGoInt(claim);
}

const CAPABILITY_NAMES = new Set(ALL_CAPABILITIES.map((c) => `CAP_${c}`));
/** moby's caps.NormalizeLegacyCapabilities: upper-case, `ALL` kept, else `CAP_` added; an unknown name is refused. */
function engineCapabilities(caps: string[] | undefined): string[] | { refused: string } {
  const out: string[] = [];
  for (const raw of caps ?? []) {
    const c = raw.toUpperCase();
    if (c === "ALL") out.push(c);
    else {
      const name = c.startsWith("CAP_") ? c : `CAP_${c}`;
      if (!CAPABILITY_NAMES.has(name)) return { refused: `unknown capability: "${name}"` };
      out.push(name);
    }
  }
  return out;
}

/** moby's parseSecurityOpt at create: a refusal, or nothing. */
function securityOptRefusal(opts: string[]): string | undefined {
  for (const opt of opts) {
    if (opt === "no-new-privileges") continue;
    const sep = opt.includes("=") ? "=" : opt.includes(":") ? ":" : undefined;
    if (!sep) return `invalid --security-opt 1: "${opt}"`;
    const cut = opt.indexOf(sep);
    const [key, value] = [opt.slice(0, cut), opt.slice(cut + 1)];
    if (!["label", "apparmor", "seccomp", "no-new-privileges"].includes(key))
      return `invalid --security-opt 2: "${opt}"`;
    if (key === "no-new-privileges" && parseGoBool(value) === undefined) return `invalid --security-opt 2: "${opt}"`;
  }
  return undefined;
}

export interface RenderOptions {
  /** Host CPUs (NanoCpus above them is refused). */
  cpus?: number;
  /** The daemon's data root (binds of a directory holding it propagate rslave). */
  dataRoot?: string;
}

export type Rendered = { inspect: Record<string, unknown> } | { refused: string };

/**
 * The inspect dockerd 20.10 returns for a container created (never started) from these docker.Container
 * inputs by the provider — create body from engineCreateBody, extra networks connected — and then
 * given the PIDs limit its label claims by `docker update --pids-limit=<claim>` (the companion command
 * HardenedContainer creates and the pack's stack policy requires). Or the refusal the engine answers.
 */
export function renderInspect(inputs: Inputs, opts: RenderOptions = {}): Rendered {
  const body = engineCreateBody(inputs) as Record<string, unknown> & { HostConfig: Record<string, unknown> };
  const hc = { ...body.HostConfig } as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const name = String(body.name ?? "c");

  // ── what the engine refuses at create ──
  if (hc.Memory !== undefined && hc.Memory > 0 && hc.Memory < 6 * MB)
    return { refused: "Minimum memory limit allowed is 6MB" };
  if (hc.NanoCpus !== undefined && hc.NanoCpus > (opts.cpus ?? 1) * 1e9)
    return { refused: "Range of CPUs is out of bounds" };
  const rp = hc.RestartPolicy as { Name: string; MaximumRetryCount: number };
  if (["always", "unless-stopped", "no"].includes(rp.Name) && rp.MaximumRetryCount !== 0)
    return { refused: `maximum retry count cannot be used with restart policy '${rp.Name}'` };
  if (rp.Name === "on-failure" && rp.MaximumRetryCount < 0)
    return { refused: "maximum retry count cannot be negative" };
  if (!["", "no", "always", "unless-stopped", "on-failure"].includes(rp.Name))
    return { refused: `invalid restart policy '${rp.Name}'` };
  const capAdd = engineCapabilities(hc.CapAdd);
  const capDrop = engineCapabilities(hc.CapDrop);
  if ("refused" in capAdd) return capAdd;
  if ("refused" in capDrop) return capDrop;
  const optRefusal = securityOptRefusal(hc.SecurityOpt ?? []);
  if (optRefusal) return { refused: optRefusal };
  // PidMode is not validated at create ("HOST" is kept, and means a private namespace);
  // IPC and user-namespace modes are.
  for (const mode of ["IpcMode", "UsernsMode"] as const) {
    const v = hc[mode] as string | undefined;
    const ok: Record<string, string[]> = {
      IpcMode: ["", "host", "private", "shareable", "none"],
      UsernsMode: ["", "host"],
    };
    if (v !== undefined && !ok[mode]!.includes(v)) return { refused: `invalid ${mode}: ${v}` };
  }
  // A bind whose source holds the daemon's data root must propagate rslave or rshared: unset, the engine
  // makes it rslave; any other propagation is refused.
  const dataRoot = opts.dataRoot ?? "/var/lib/docker";
  const holdsDataRoot = (src: string) =>
    src === "/" || dataRoot === src || dataRoot.startsWith(src.replace(/\/$/, "") + "/");
  for (const m of (hc.Mounts ?? []) as { Type: string; Source: string; BindOptions?: { Propagation?: string } }[]) {
    const prop = m.BindOptions?.Propagation;
    if (m.Type === "bind" && holdsDataRoot(m.Source) && prop && !["rslave", "rshared"].includes(prop))
      return {
        refused:
          `invalid mount config: must use either propagation mode "rslave" or ` +
          `"rshared" when mount source is within the daemon root`,
      };
  }
  const nm = (hc.NetworkMode as string | undefined) ?? "";
  const connects = engineNetworkConnects(inputs);
  const firstEndpoint = Object.keys(
    ((body.NetworkingConfig as { EndpointsConfig?: object } | undefined)?.EndpointsConfig ?? {}) as object,
  );
  if (["host", "none"].includes(nm) && (connects.length > 0 || firstEndpoint.some((n) => n !== nm)))
    return { refused: `container sharing network namespace with ${nm} cannot be connected to other networks` };
  if (hc.PortBindings && ["host", "none"].includes(nm) && Object.keys(hc.PortBindings).length > 0 && nm === "none") {
    // Published ports with network none are accepted at create (and do nothing).
  }

  // ── what the engine stores ──
  hc.CapAdd = (capAdd as string[]).length ? capAdd : null;
  hc.CapDrop = (capDrop as string[]).length ? capDrop : null;
  if (hc.NetworkMode === undefined || hc.NetworkMode === "") hc.NetworkMode = "default";
  if (hc.IpcMode === undefined || hc.IpcMode === "") hc.IpcMode = "private"; // the daemon's default-ipc-mode
  // The engine adds label=disable to privileged containers and to those sharing the host's PID or IPC
  // namespace, unless an option's key before `=` is `label` (moby's generateSecurityOpt: `label:…`
  // does not count), whatever the host's SELinux.
  if (
    (hc.Privileged || hc.PidMode === "host" || hc.IpcMode === "host") &&
    !((hc.SecurityOpt ?? []) as string[]).some((o) => o.split("=")[0] === "label")
  )
    hc.SecurityOpt = [...((hc.SecurityOpt ?? []) as string[]), "label=disable"];
  // Maps come back with their keys sorted (Go's JSON encoding).
  const sorted = <T>(m: Record<string, T> | undefined) =>
    m ? Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : m;
  hc.PortBindings = sorted(hc.PortBindings);
  const labels = (body.Labels ?? {}) as Record<string, string>;
  const claim = labels[PIDS_LABEL];
  const applied = claim === undefined ? undefined : pidsLimitAppliedBy(claim);
  hc.PidsLimit = applied !== undefined && applied > 0 ? applied : null;

  const mounts: Record<string, unknown>[] = [];
  for (const m of (hc.Mounts ?? []) as {
    Type: string;
    Source: string;
    Target: string;
    ReadOnly: boolean;
    BindOptions?: { Propagation?: string };
  }[]) {
    if (m.Type === "bind")
      mounts.push({
        Type: "bind",
        Source: m.Source,
        Destination: m.Target,
        RW: !m.ReadOnly,
        Propagation: m.BindOptions?.Propagation || (holdsDataRoot(m.Source) ? "rslave" : "rprivate"),
      });
    else if (m.Type === "volume")
      mounts.push({
        Type: "volume",
        Name: m.Source,
        Source: `/var/lib/docker/volumes/${m.Source}/_data`,
        Destination: m.Target,
        RW: !m.ReadOnly,
        Propagation: "",
      });
    else mounts.push({ Type: "tmpfs", Source: "", Destination: m.Target, RW: !m.ReadOnly, Propagation: "" });
  }
  for (const bind of (hc.Binds ?? []) as string[]) {
    const parts = bind.split(":");
    const ro = parts.length > 2 && parts[2] === "ro";
    const [src, dst] = parts;
    if (src!.startsWith("/"))
      mounts.push({
        Type: "bind",
        Source: src,
        Destination: dst,
        RW: !ro,
        Propagation: holdsDataRoot(src!) ? "rslave" : "rprivate",
      });
    else
      mounts.push({
        Type: "volume",
        Name: src,
        Source: `/var/lib/docker/volumes/${src}/_data`,
        Destination: dst,
        RW: !ro,
        Propagation: "",
      });
  }

  const networks: Record<string, object> = {};
  const mode = hc.NetworkMode as string;
  networks[mode === "default" ? "bridge" : mode] = {};
  for (const n of [...firstEndpoint, ...connects]) networks[n] = {};
  const networksSorted = sorted(networks);

  const id = createHash("sha256").update(name).digest("hex");
  return {
    inspect: {
      Id: id,
      Name: `/${name}`,
      Image: "sha256:" + "0".repeat(64),
      AppArmorProfile: "",
      State: { Status: "created" },
      Config: {
        Image: body.Image,
        User: body.User ?? "",
        Env: body.Env ?? null,
        Labels: labels,
        ...(body.ExposedPorts ? { ExposedPorts: sorted(body.ExposedPorts as Record<string, object>) } : {}),
        ...(body.Healthcheck ? { Healthcheck: body.Healthcheck } : {}),
      },
      HostConfig: hc,
      Mounts: mounts,
      NetworkSettings: { Ports: {}, Networks: networksSorted },
    },
  };
}

// ───────────────────────────── HardenedContainer's side ─────────────────────────────

/** What HardenedContainer's arguments cannot say, and so which configurations it is not compared on. */
export const COMPONENT_CANNOT_EXPRESS = [
  "no user (it always sets one: default 65534:65534) — 4.1 with the image's USER",
  "capabilities kept (it always drops ALL) and the add-back of ALL — 5.4",
  "an explicit no-new-privileges=false opt-out (noNewPrivileges: false omits the option) " +
    "and SELinux label options — 5.26, 5.3",
  "no memory limit or one below 6 MiB (memory is required) — 5.11",
  "no CPU limit or a CPU-shares limit (it always sets cpus) — 5.12",
  "restart always / unless-stopped — 5.15",
  "IPC modes shareable and none; PID/user-namespace modes other than host",
  "network none",
  "ports without a host port or on sctp; publishAllPorts (-P) — 5.8, 5.14",
  "bind propagation other than rprivate — 5.20",
  "an empty healthcheck test (inherit the image's)",
  "no PIDs limit, or a PIDs-limit label it would not write (it always applies one) — 5.29",
  "the UTS mode (neither the provider nor the component has it) — 5.21",
];

/** A docker.Container `mounts` entry as the corpus writes it. */
interface ProviderMount {
  type: string;
  source?: string;
  target: string;
  readOnly?: boolean;
  bindOptions?: { propagation?: string };
}

/** A docker.Container `volumes` entry as the corpus writes it. */
interface ProviderVolume {
  hostPath?: string;
  volumeName?: string;
  containerPath: string;
  readOnly?: boolean;
}

/** HardenedContainer arguments expressing these docker.Container inputs, or why they cannot. */
export function componentArgsFor(inputs: Inputs): { args: Record<string, unknown> } | { cannot: string } {
  const a = inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const args: Record<string, unknown> = { image: a.image, name: a.name };
  const exemptions: { rule: string; reason: string; expires?: string }[] = [];
  const REASON = "component-only refusal, not a catalog verdict";

  if (!a.user) return { cannot: "no user" };
  args.user = a.user;
  const drops = normaliseCapabilities(a.capabilities?.drops);
  if (drops.length !== 1 || drops[0] !== "ALL") return { cannot: "capabilities not dropped to ALL alone" };
  const adds = normaliseCapabilities(a.capabilities?.adds);
  if (adds.some((c) => !(ALL_CAPABILITIES as readonly string[]).includes(c)))
    return { cannot: "cap-add ALL or unknown" };
  if (adds.length) args.capAdd = adds;
  if (a.privileged) args.privileged = true;

  const so = parseSecurityOptions(a.securityOpts);
  if (so.noNewPrivilegesOptOut) return { cannot: "no-new-privileges opt-out" };
  if (so.selinuxLabels.length || so.selinuxLabelDisabled) return { cannot: "SELinux label options" };
  if (!so.noNewPrivileges) args.noNewPrivileges = false;
  if (so.seccompProfile !== undefined) args.seccompProfile = so.seccompProfile;
  if (so.apparmorProfile !== undefined) args.apparmorProfile = so.apparmorProfile;

  args.readOnlyRootfs = a.readOnly ?? false;
  if (!a.memory || a.memory < 6) return { cannot: "memory unset or below 6 MiB" };
  args.memory = `${a.memory}Mi`;
  if (a.cpuShares !== undefined || a.cpus === undefined) return { cannot: "no cpus, or cpu shares" };
  args.cpus = Number(a.cpus);

  const restart = a.restart ?? "no";
  if (restart === "on-failure") args.restart = { policy: "on-failure", maxRetries: a.maxRetryCount ?? 0 };
  else if (restart === "no") args.restart = { policy: "no" };
  else return { cannot: `restart ${restart}` };

  const ns: Record<string, boolean> = {};
  if (a.pidMode === "host") ns.pid = true;
  else if (a.pidMode) return { cannot: `pid mode ${a.pidMode}` };
  if (a.ipcMode === "host") ns.ipc = true;
  else if (a.ipcMode !== undefined && a.ipcMode !== "private") return { cannot: `ipc mode ${a.ipcMode}` };
  if (a.usernsMode === "host") ns.userns = true;
  else if (a.usernsMode) return { cannot: `userns mode ${a.usernsMode}` };
  const mode = a.networkMode ?? "default";
  const advanced = ((a.networksAdvanced ?? []) as { name: string }[]).map((n) => n.name);
  if (mode === "host") ns.network = true;
  else if (mode === "none") return { cannot: "network none" };
  else if (mode === "bridge" || mode === "default") {
    args.networks = ["bridge"];
    exemptions.push({ rule: "5.30", reason: REASON });
  } else if (advanced[0] === mode) args.networks = advanced;
  else return { cannot: "network mode not the first network" };
  if (Object.keys(ns).length) args.hostNamespaces = ns;

  const ports = (a.ports ?? []) as { internal: number; external?: number; ip?: string; protocol?: string }[];
  if (ports.some((p) => !p.external || (p.protocol !== undefined && p.protocol !== "tcp" && p.protocol !== "udp")))
    return { cannot: "port without host port, or sctp" };
  if (a.publishAllPorts) return { cannot: "publishAllPorts" };
  if (ports.length)
    args.ports = ports.map((p) => ({
      internal: p.internal,
      external: p.external,
      hostIp: p.ip ?? "0.0.0.0",
      ...(p.protocol ? { protocol: p.protocol } : {}),
    }));

  const binds: Record<string, unknown>[] = [];
  const volumes: Record<string, unknown>[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of (a.mounts ?? []) as ProviderMount[]) {
    if (m.type === "bind") {
      const prop = m.bindOptions?.propagation;
      if (prop !== undefined && prop !== "rprivate") return { cannot: `propagation ${prop}` };
      binds.push({ hostPath: m.source, containerPath: m.target, readOnly: m.readOnly ?? false });
    } else if (m.type === "volume")
      volumes.push({ volumeName: m.source, containerPath: m.target, readOnly: m.readOnly ?? false });
    else tmpfs[m.target] = "16Mi";
  }
  for (const v of (a.volumes ?? []) as ProviderVolume[]) {
    if (v.hostPath) binds.push({ hostPath: v.hostPath, containerPath: v.containerPath, readOnly: v.readOnly ?? false });
    else volumes.push({ volumeName: v.volumeName, containerPath: v.containerPath, readOnly: v.readOnly ?? false });
  }
  for (const path of Object.keys(a.tmpfs ?? {})) tmpfs[path] = "16Mi";
  if (binds.length) args.binds = binds;
  if (volumes.length) args.volumes = volumes;
  if (Object.keys(tmpfs).length) args.tmpfs = tmpfs;
  if (a.devices?.length) {
    args.devices = a.devices;
    exemptions.push({ rule: "5.18", reason: REASON });
  }
  if (a.ulimits?.length) args.ulimits = a.ulimits;
  if (a.healthcheck) {
    if (!a.healthcheck.tests?.length) return { cannot: "empty healthcheck test" };
    args.healthcheck = {
      test: a.healthcheck.tests,
      interval: a.healthcheck.interval,
      timeout: a.healthcheck.timeout,
      startPeriod: a.healthcheck.startPeriod,
      retries: a.healthcheck.retries,
    };
  }
  if (a.cgroupParent) args.cgroupParent = a.cgroupParent;

  const labels: Record<string, string> = {};
  for (const { label, value } of (a.labels ?? []) as { label: string; value: string }[]) {
    if (label === PIDS_LABEL) {
      if (!/^[1-9]\d*$/.test(value)) return { cannot: `PIDs-limit label ${JSON.stringify(value)}` };
      args.pidsLimit = Number(value);
    } else if (label.startsWith("hardened-docker.exemption.")) {
      const e = JSON.parse(value) as { reason: string; expires?: string };
      exemptions.push({ rule: label.slice("hardened-docker.exemption.".length), ...e });
    } else labels[label] = value;
  }
  if (args.pidsLimit === undefined) return { cannot: "no PIDs limit" };
  if (Object.keys(labels).length) args.labels = labels;
  if (exemptions.length) args.exemptions = exemptions;
  return { args: Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) };
}
