/**
 * HardenedContainer: a `docker.Container` that passes CIS Docker Benchmark section 5 (and 4.1,
 * 4.5, 4.6) by default. Weakening any default needs an exemption for the rule it breaks.
 *
 * How it decides "secure": it renders the docker.Container inputs, turns them into facts with
 * the same adapter the policy pack uses, and runs the rule catalog on them (the self-check).
 * Every failing automated rule without an exemption becomes an error that names the argument,
 * the value and the rule — so the component, the policy pack and the audit can never disagree.
 */
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";
import { z } from "zod";
import { containerFactsFromPulumiInputs, PIDS_LIMIT_LABEL, type ContainerInputs } from "../adapters/pulumi-container";
import { COMMAND_DIGESTS_OUTPUT, COMPONENT_LABEL, HARDENED_CONTAINER_TYPE } from "../adapters/pulumi-tokens";
import { exemptionsToLabels, type Exemption } from "../exemptions";
import { parseImageRef } from "../facts/image-ref";
import type { ContainerFacts } from "../facts/types";
import { resolveRuleReference } from "../rules/catalog";
import { evaluate } from "../rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../rules/types";
import { pemStdinLines } from "../scripts/daemon-tls";
import {
  renderEnginePidsLimitCommand,
  renderHostPidsLimitCommand,
  renderPidsLimitCommand,
} from "../scripts/pids-limit";
import { ALL_CAPABILITIES, SAFE_CAPABILITIES, type Capability } from "../rules/capabilities";
import { checkExemptions, exemptionSchema, formatArgsIssue, HardenedArgsError, howToExempt, inputString } from "./args";
import { HardenedNetwork } from "./hardened-network";
import { parseSize, SIZE_HINT } from "./sizes";
import { CommandDigests } from "./command-digests";
import { engineAccessOf, type EngineAccess } from "./engine-access";
import {
  checkConnection,
  connectionSchema,
  hostCommand,
  remoteConnection,
  type ResolvedConnection,
  type SshConnection,
} from "./ssh-connection";

export { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE };

/** A published port. CIS judges its host side: the host port (5.8) and the host address (5.14). */
export interface HardenedPort {
  /**
   * Port inside the container.
   * @cis none the container side of the mapping; CIS judges the host side (`external`, `hostIp`)
   */
  internal: number;
  /**
   * Port on the host. Below 1024 needs an exemption for CIS 5.8.
   * @cis 5.8 5.9
   */
  external: number;
  /**
   * Host address to bind, e.g. "127.0.0.1" or "10.0.0.5". Never empty, 0.0.0.0 or :: without an exemption for CIS 5.14.
   * @cis 5.14
   */
  hostIp: string;
  /**
   * Transport protocol of the port.
   * @default "tcp"
   * @cis none the transport protocol does not change what CIS judges
   */
  protocol?: "tcp" | "udp";
}

/** The container's healthcheck (CIS 4.6, 5.27); timings as in `docker run --health-*`. */
export interface HardenedHealthcheck {
  /**
   * Test command in Docker's form, e.g. ["CMD", "/bin/check"] or ["CMD-SHELL", "wget -q -O- localhost:8080/health"].
   * @cis 4.6 5.27
   */
  test: string[];
  /**
   * Go duration, e.g. "30s" (default 30s).
   * @cis 5.27
   */
  interval?: string;
  /**
   * Go duration (default 5s).
   * @cis 5.27
   */
  timeout?: string;
  /**
   * Go duration before failures count (default 0s).
   * @cis 5.27
   */
  startPeriod?: string;
  /**
   * Consecutive failures before unhealthy (default 3).
   * @cis 5.27
   */
  retries?: number;
}

/** Arguments of HardenedContainer. Every default passes the CIS checks; a weakening needs an exemption for its rule. */
export interface HardenedContainerArgs {
  /**
   * Image reference, pinned by digest (`repo@sha256:…`) — CIS 4.5 / 5.28. A tag alone needs an exemption for 4.5.
   * @cis 4.5 5.28
   */
  image: pulumi.Input<string>;
  /**
   * Container name on the engine. Default: the resource name.
   * @cis none the engine's name for the container
   */
  name?: string;
  /**
   * Memory limit, REQUIRED (CIS 5.11): a size like "256Mi" or "1Gi", whole MiB, at least 6Mi.
   * @cis 5.11
   */
  memory: string;
  /**
   * CPU limit in CPUs (CIS 5.12). Default 1.
   * @cis 5.12
   */
  cpus?: number;
  /**
   * Maximum number of processes (CIS 5.29). Default 256. Applied through the Engine's update endpoint (see README).
   * @cis 5.29
   */
  pidsLimit?: number;
  /**
   * User to run as, `uid[:gid]` or a name (CIS 4.1). Default "65534:65534" (nobody). root / 0 needs an exemption for 4.1.
   * @cis 4.1
   */
  user?: string;
  /**
   * Capabilities to add back after dropping ALL (CIS 5.4). SAFE_CAPABILITIES need no exemption; others need one for 5.4.
   * @default [] (every capability dropped)
   * @cis 5.4
   */
  capAdd?: Capability[];
  /**
   * Networks to attach, at least one (a HardenedNetwork or a network name). The default bridge needs an exemption for 5.30.
   * @cis 5.30
   */
  networks?: (HardenedNetwork | pulumi.Input<string>)[];
  /**
   * Published ports, each bound to an explicit host address (CIS 5.8, 5.14).
   * @default [] (nothing published)
   * @cis 5.8 5.9 5.14
   */
  ports?: HardenedPort[];
  /**
   * Writable scratch paths as tmpfs with a size, e.g. { "/tmp": "64Mi" } (the root filesystem stays read-only).
   * @cis 5.13
   */
  tmpfs?: Record<string, string>;
  /**
   * Named volumes for writable data.
   * @cis 5.13
   */
  volumes?: { volumeName: pulumi.Input<string>; containerPath: string; readOnly?: boolean }[];
  /**
   * Host bind mounts, read-only unless `readOnly: false` (sensitive host paths: CIS 5.6; the Docker socket: CIS 5.32).
   * @cis 5.6 5.20 5.32
   */
  binds?: { hostPath: string; containerPath: string; readOnly?: boolean }[];
  /**
   * Read-only root filesystem (CIS 5.13). Default true; false needs an exemption for 5.13.
   * @cis 5.13
   */
  readOnlyRootfs?: boolean;
  /**
   * Restart policy (CIS 5.15): on-failure with 1–5 retries (default 5), or "no".
   * @default { policy: "on-failure", maxRetries: 5 }
   * @cis 5.15
   */
  restart?: { policy: "on-failure"; maxRetries?: number } | { policy: "no" };
  /**
   * Healthcheck (CIS 4.6 / 5.27). Required unless exempted.
   * @cis 4.6 5.27
   */
  healthcheck?: HardenedHealthcheck;
  /**
   * Environment. Values given as secrets stay secret in the container's inputs and outputs.
   * @cis none runtime configuration of the workload
   */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Command (argv) the container runs, replacing the image's CMD.
   * @cis none what the container runs
   */
  command?: string[];
  /**
   * Entrypoint (argv), replacing the image's ENTRYPOINT.
   * @cis none what the container runs
   */
  entrypoint?: string[];
  /**
   * Working directory inside the container (an absolute path). Default: the image's.
   * @cis none where the command starts
   */
  workingDir?: string;
  /**
   * Extra labels (keys under `hardened-docker.` are reserved).
   * @cis none metadata of the workload
   */
  labels?: Record<string, string>;
  /**
   * Documented exceptions: `{ rule: "5.13", reason: "≥ 10 characters", expires?: "YYYY-MM-DD" }`.
   * @cis hd-exemptions
   */
  exemptions?: Exemption[];
  // ── weakenings: each needs an exemption for the rule it breaks ──
  /**
   * Share host namespaces: network (5.10), pid (5.16), ipc (5.17), userns (5.31).
   * @default every namespace private
   * @cis 5.10 5.16 5.17 5.31
   */
  hostNamespaces?: { network?: boolean; pid?: boolean; ipc?: boolean; userns?: boolean };
  /**
   * Privileged mode (5.5; also breaks 5.4, 5.22 and more).
   * @default false
   * @cis 5.5 5.3 5.4 5.22
   */
  privileged?: boolean;
  /**
   * Seccomp profile: a JSON profile path on the daemon host, or "unconfined" (5.22). Default: Docker's default profile.
   * @cis 5.22
   */
  seccompProfile?: string;
  /**
   * AppArmor profile name; "unconfined" breaks 5.2. Default: docker-default.
   * @cis 5.2
   */
  apparmorProfile?: string;
  /**
   * no-new-privileges (5.26). Default true.
   * @cis 5.26
   */
  noNewPrivileges?: boolean;
  /**
   * Cgroup parent (5.25).
   * @default unset (the engine's default cgroup)
   * @cis 5.25
   */
  cgroupParent?: string;
  /**
   * Host devices (5.18, manual in CIS): each device needs an exemption for 5.18.
   * @cis 5.18
   */
  devices?: { hostPath: string; containerPath?: string; permissions?: string }[];
  /**
   * Per-container ulimits (5.19).
   * @default unset (the daemon's default-ulimits)
   * @cis 5.19
   */
  ulimits?: { name: string; soft: number; hard: number }[];
  /**
   * DOCKER_HOST for the PIDs-limit command when it runs on the deploying machine. Default: the
   * engine of the container's docker provider when it is a SecureDaemon's (its ssh:// host with the
   * pinned host key, or its tcp:// host with its TLS material), else the deploying environment's.
   * Required with any other docker provider (its engine cannot be read from it), unless `hostConnection`
   * is given. Not with `hostConnection`.
   * @cis 5.29
   */
  dockerHost?: pulumi.Input<string>;
  /**
   * Apply the PIDs limit on the Docker host itself, over SSH (the connection SecureDaemon and
   * HardenedHost take: secret private key, pinned host key), instead of running the docker CLI on
   * the deploying machine; the command then waits for the host's lock (HardenedHost, SecureDaemon).
   * @default unset (the command runs on the deploying machine against the provider's engine or `dockerHost`)
   * @cis 5.29
   */
  hostConnection?: SshConnection;
}

// ───────────── validation of the arguments' shape ─────────────

const SAFE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const ABS_PATH = /^\/[^\0\n]*$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;

const argsSchema = z.strictObject({
  image: inputString("an image reference"),
  name: z.string().regex(SAFE_NAME, "must be 1–128 of [a-zA-Z0-9_.-], starting with a letter or digit").optional(),
  memory: z.string({ error: `is required (CIS 5.11): ${SIZE_HINT}` }),
  cpus: z.number().positive().max(1024).optional(),
  pidsLimit: z.number().int().min(1).max(4_194_304).optional(),
  // A name, or a number as runc reads it (Go's Atoi: `+0` and `-0` are uid 0, for CIS 4.1 to judge).
  user: z
    .string()
    .regex(
      /^([+-]?[0-9]+|[a-zA-Z0-9_][a-zA-Z0-9_.-]*)(:([+-]?[0-9]+|[a-zA-Z0-9_][a-zA-Z0-9_.-]*))?$/,
      "must be uid[:gid] or a user name",
    )
    .refine(
      (u) => u.split(":").every((part) => !/^-[0-9]*[1-9]/.test(part)),
      "a numeric uid or gid must not be negative (runc refuses it)",
    )
    .optional(),
  capAdd: z.array(z.enum(ALL_CAPABILITIES as [Capability, ...Capability[]])).optional(),
  networks: z.array(z.union([z.instanceof(HardenedNetwork), inputString("a network name")])).optional(),
  ports: z
    .array(
      z.strictObject({
        internal: z.number().int().min(1).max(65535),
        external: z.number().int().min(1).max(65535),
        hostIp: z
          .string()
          .refine((ip) => ip === "" || isIP(ip.replace(/^\[(.*)\]$/, "$1")) !== 0, "must be an IPv4 or IPv6 address"),
        protocol: z.enum(["tcp", "udp"]).optional(),
      }),
    )
    .optional(),
  tmpfs: z.record(z.string().regex(ABS_PATH, "must be an absolute path"), z.string()).optional(),
  volumes: z
    .array(
      z.strictObject({
        volumeName: inputString("a volume name"),
        containerPath: z.string().regex(ABS_PATH, "must be an absolute path"),
        readOnly: z.boolean().optional(),
      }),
    )
    .optional(),
  binds: z
    .array(
      z.strictObject({
        hostPath: z.string().regex(ABS_PATH, "must be an absolute path"),
        containerPath: z.string().regex(ABS_PATH, "must be an absolute path"),
        readOnly: z.boolean().optional(),
      }),
    )
    .optional(),
  readOnlyRootfs: z.boolean().optional(),
  restart: z
    .discriminatedUnion("policy", [
      z.strictObject({ policy: z.literal("on-failure"), maxRetries: z.number().int().min(0).optional() }),
      z.strictObject({ policy: z.literal("no") }),
    ])
    .optional(),
  healthcheck: z
    .strictObject({
      test: z.array(z.string()).min(1, 'needs at least one element, e.g. ["CMD", "/bin/check"]'),
      interval: z.string().regex(DURATION, "must be a Go duration like 30s").optional(),
      timeout: z.string().regex(DURATION, "must be a Go duration like 5s").optional(),
      startPeriod: z.string().regex(DURATION, "must be a Go duration like 10s").optional(),
      retries: z.number().int().min(0).optional(),
    })
    .optional(),
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid variable name"),
      inputString("a string value"),
    )
    .optional(),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  workingDir: z.string().regex(ABS_PATH, "must be an absolute path").optional(),
  labels: z
    .record(
      z.string().refine((k) => !k.startsWith("hardened-docker."), "keys under hardened-docker. are reserved"),
      z.string(),
    )
    .optional(),
  exemptions: z.array(exemptionSchema).optional(),
  hostNamespaces: z
    .strictObject({
      network: z.boolean().optional(),
      pid: z.boolean().optional(),
      ipc: z.boolean().optional(),
      userns: z.boolean().optional(),
    })
    .optional(),
  privileged: z.boolean().optional(),
  seccompProfile: z
    .string()
    .regex(/^(unconfined|\/[^\0\n,]*)$/, 'must be "unconfined" or an absolute path to a profile')
    .optional(),
  apparmorProfile: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+$/, "must be an AppArmor profile name")
    .optional(),
  noNewPrivileges: z.boolean().optional(),
  cgroupParent: z
    .string()
    .regex(/^[a-zA-Z0-9_./-]+$/, "must be a cgroup path")
    .optional(),
  devices: z
    .array(
      z.strictObject({
        hostPath: z.string().regex(ABS_PATH, "must be an absolute path"),
        containerPath: z.string().regex(ABS_PATH, "must be an absolute path").optional(),
        permissions: z
          .string()
          .regex(/^[rwm]{1,3}$/, 'must be a combination of "r", "w", "m"')
          .optional(),
      }),
    )
    .optional(),
  ulimits: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z]+$/),
        soft: z.number().int().min(0),
        hard: z.number().int().min(0),
      }),
    )
    .optional(),
  dockerHost: inputString("a DOCKER_HOST URL").optional(),
  hostConnection: connectionSchema.optional(),
});

/** The container's inputs as computed, with the parts that may be Outputs kept as Inputs. */
export interface HardenedContainerPlan {
  /** The docker.Container args (Inputs where the caller gave Outputs). */
  containerArgs: docker.ContainerArgs;
  /** Plain rendering used for facts (Outputs replaced by stand-ins that cannot weaken anything). */
  plainInputs: ContainerInputs;
  facts: ContainerFacts;
  pidsLimit: number;
  exemptions: Exemption[];
  /** Where the PIDs-limit command runs: on the Docker host over SSH, or locally (undefined). */
  hostConnection?: ResolvedConnection;
}

export interface PlanOptions {
  /** Clock for exemption expiry. */
  now?: Date;
  /** DOCKER_CONTENT_TRUST=1 in the deploying environment (satisfies 4.5 without a digest). */
  contentTrust?: boolean;
}

/** Where each fact field comes from among the arguments (for error messages). */
function argumentFor(field: string, mountOrigins: string[]): string {
  const root = field.split(/[.[]/)[0];
  const index = /^\w+\[(\d+)\]/.exec(field)?.[1];
  switch (root) {
    case "mounts":
      return index !== undefined ? (mountOrigins[Number(index)] ?? "binds") : "binds";
    case "ports":
      return field.includes("hostPort") ? field.replace("hostPort", "external") : field;
    case "memoryBytes":
      return "memory";
    case "nanoCpus":
    case "cpuShares":
    case "cpuQuota":
      return "cpus";
    case "readOnlyRootfs":
      return "readOnlyRootfs";
    case "restartPolicy":
      return "restart";
    case "networkMode":
      return "hostNamespaces.network";
    case "pidMode":
      return "hostNamespaces.pid";
    case "ipcMode":
      return "hostNamespaces.ipc";
    case "usernsMode":
      return "hostNamespaces.userns";
    case "capAdd":
    case "capDrop":
      return "capAdd";
    case "securityOptions":
      return field.includes("seccomp")
        ? "seccompProfile"
        : field.includes("apparmor")
          ? "apparmorProfile"
          : field.includes("noNewPrivileges")
            ? "noNewPrivileges"
            : "securityOptions";
    case "user":
    case "imageConfig":
      return "user";
    case "healthcheck":
      return "healthcheck";
    default:
      return root;
  }
}

/** The arguments' shape, checked without stopping at the first bad argument. */
interface LenientArgs {
  /** The arguments that passed (a bad one is left out; a bad exemption too). */
  args: Partial<HardenedContainerArgs>;
  /** The shape errors, as parseArgs words them. */
  problems: string[];
  /** Top-level arguments whose value is in doubt: the self-check does not judge them. */
  doubtful: Set<string>;
  /** exemptions[i] of `args` is this one in the caller's list. */
  exemptionSources: string[];
  /** Rules named by a malformed exemption: not refused (the exemption's error says what to fix). */
  doubtfulRules: Set<string>;
  /** The exemptions could not be read at all: no refusal can be judged. */
  exemptionsUnknown: boolean;
}

function parseLeniently(name: string, rawArgs: HardenedContainerArgs): LenientArgs {
  const parsed = argsSchema.safeParse(rawArgs);
  const sources = (n: number) => Array.from({ length: n }, (_, i) => `exemptions[${i}]`);
  if (parsed.success) {
    const args = parsed.data as HardenedContainerArgs;
    return {
      args,
      problems: [],
      doubtful: new Set(),
      doubtfulRules: new Set(),
      exemptionSources: sources(args.exemptions?.length ?? 0),
      exemptionsUnknown: false,
    };
  }
  const problems = parsed.error.issues.map((i) => formatArgsIssue(i, rawArgs));
  if (rawArgs === null || typeof rawArgs !== "object" || Array.isArray(rawArgs))
    throw new HardenedArgsError(name, problems);
  const raw: Record<string, unknown> = { ...rawArgs };
  const doubtful = new Set<string>();
  const badExemptions = new Set<number>();
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
      for (const k of issue.keys) delete raw[k];
      continue;
    }
    const [key, index] = issue.path;
    if (key === "exemptions" && typeof index === "number" && Array.isArray(raw.exemptions)) badExemptions.add(index);
    else if (typeof key === "string") {
      doubtful.add(key);
      delete raw[key];
    }
  }
  let exemptionsUnknown = doubtful.has("exemptions");
  let exemptionSources: string[] = [];
  if (Array.isArray(raw.exemptions)) {
    const all = raw.exemptions as unknown[];
    exemptionSources = sources(all.length).filter((_, i) => !badExemptions.has(i));
    raw.exemptions = all.filter((_, i) => !badExemptions.has(i));
    // A malformed exemption of an unknown rule could excuse any refusal: none is judged.
    if ([...badExemptions].some((i) => typeof (all[i] as { rule?: unknown } | null)?.rule !== "string"))
      exemptionsUnknown = true;
  }
  const again = argsSchema.partial().safeParse(raw);
  if (!again.success) throw new HardenedArgsError(name, problems);
  const args = again.data as Partial<HardenedContainerArgs>;
  // A malformed exemption of a known rule is left out, and its rule not refused (its error says what to fix).
  const doubtfulRules = new Set(
    [...badExemptions]
      .map((i) => String(((rawArgs.exemptions as unknown[])[i] as { rule: string }).rule))
      .map((r) => resolveRuleReference(r) ?? r),
  );
  return { args, problems, doubtful, doubtfulRules, exemptionSources, exemptionsUnknown };
}

const HOST_NS_RULES = { network: "5.10", pid: "5.16", ipc: "5.17", userns: "5.31" } as const;

/**
 * Compute the docker.Container for these arguments and check it against the catalog.
 * Pure apart from reading Outputs' presence; throws HardenedArgsError on any refusal.
 * @internal
 */
export function planHardenedContainer(
  name: string,
  rawArgs: HardenedContainerArgs,
  options: PlanOptions = {},
): HardenedContainerPlan {
  const now = options.now ?? new Date();
  // Every argument error is reported at once: the shape errors, the malformed exemptions, the
  // values refused here, and the self-check's refusals of everything else. An argument with an
  // error is left out of what the self-check judges (its refusal would repeat or contradict it).
  const {
    args,
    problems,
    doubtful,
    doubtfulRules: malformedRules,
    exemptionSources,
    exemptionsUnknown,
  } = parseLeniently(name, rawArgs);

  // A malformed exemption is an error even if it would not be needed.
  const exemptions = args.exemptions ?? [];
  const checked = checkExemptions(exemptions, now, [], exemptionSources);
  problems.push(...checked.errors);
  const exempt = checked.exempt;
  const doubtfulRules = new Set([...checked.doubtful, ...malformedRules]);
  for (const rule of doubtfulRules) exempt.delete(rule);
  /** A refusal of this rule is due: not exempted, and no malformed exemption for it (its error says what to fix). */
  const refuse = (rule: string) => !exempt.has(rule) && !doubtfulRules.has(rule);

  const MIB = 1024 * 1024;
  const memoryBytes = args.memory === undefined ? undefined : parseSize(args.memory);
  const memoryProblem =
    args.memory === undefined
      ? undefined // a shape error already names it
      : memoryBytes === undefined
        ? `must be ${SIZE_HINT}`
        : memoryBytes % MIB !== 0 || memoryBytes < 6 * MIB
          ? "must be a whole number of MiB, at least 6Mi (Docker's minimum)"
          : undefined;
  if (memoryProblem) problems.push(`memory = ${JSON.stringify(args.memory)}: ${memoryProblem} (CIS 5.11)`);
  if (args.memory === undefined || memoryProblem) doubtful.add("memory");

  const tmpfs: Record<string, string> = {};
  for (const [path, size] of Object.entries(args.tmpfs ?? {})) {
    const bytes = parseSize(size);
    if (bytes === undefined || bytes === 0)
      problems.push(`tmpfs["${path}"] = ${JSON.stringify(size)}: must be ${SIZE_HINT}`);
    else tmpfs[path] = `rw,noexec,nosuid,nodev,size=${bytes}`;
  }

  const hostNs = args.hostNamespaces ?? {};
  const networks = args.networks ?? [];
  const networksBefore = problems.length;
  if (!hostNs.network && networks.length === 0 && !doubtful.has("networks"))
    problems.push(
      "networks: at least one network is required (a HardenedNetwork or a network name); containers never go on the default bridge (CIS 5.30)",
    );
  if (hostNs.network && networks.length > 0)
    problems.push("networks: must be empty when hostNamespaces.network is true (the host network replaces them)");
  networks.forEach((n, i) => {
    if ((n === "bridge" || n === "default") && refuse("5.30"))
      problems.push(
        `networks[${i}] = "${n}": the default bridge shares one flat network with every container (CIS 5.30). ${howToExempt("5.30")}`,
      );
  });
  if (problems.length > networksBefore) doubtful.add("networks");
  // dockerd publishes nothing for a container whose only networks are internal (no gateway):
  // the ports would be declared but never reachable.
  if (
    (args.ports ?? []).length > 0 &&
    networks.length > 0 &&
    networks.every((n) => n instanceof HardenedNetwork && n.internal)
  )
    problems.push(
      "ports: published ports are unreachable when every network is internal; attach a HardenedNetwork with egress: true (or drop the ports)",
    );
  (args.devices ?? []).forEach((d, i) => {
    if (refuse("5.18"))
      problems.push(
        `devices[${i}].hostPath = "${d.hostPath}": host devices are not mapped by default (CIS 5.18). ${howToExempt("5.18")}`,
      );
  });
  let hostConnection: ResolvedConnection | undefined;
  if (args.hostConnection) {
    if (args.dockerHost !== undefined)
      problems.push(
        "dockerHost: not with hostConnection (the command then runs on the Docker host, against its own socket)",
      );
    const checked = checkConnection(args.hostConnection, exempt, "run commands there as root", false);
    problems.push(...checked.problems.map((p) => `hostConnection.${p.replace(/^connection\./, "")}`));
    hostConnection = checked.resolved;
  }

  // ── render the docker.Container inputs ──
  const pidsLimit = args.pidsLimit ?? 256;
  const restart = args.restart ?? { policy: "on-failure" as const, maxRetries: 5 };
  const securityOpts = [
    ...(args.noNewPrivileges === false ? [] : ["no-new-privileges:true"]),
    ...(args.seccompProfile ? [`seccomp=${args.seccompProfile}`] : []),
    ...(args.apparmorProfile ? [`apparmor=${args.apparmorProfile}`] : []),
  ];
  const labels: Record<string, string> = {
    ...(args.labels ?? {}),
    [COMPONENT_LABEL]: "HardenedContainer",
    [PIDS_LIMIT_LABEL]: String(pidsLimit),
    // Only the valid ones: a malformed one is reported as such (it would also fail hd-exemptions here).
    ...exemptionsToLabels(exemptions.filter((e) => exempt.has(e.rule))),
  };
  const mountOrigins: string[] = [];
  const mounts = (args.binds ?? []).map((b, i) => {
    mountOrigins.push(`binds[${i}]`);
    return {
      type: "bind",
      source: b.hostPath,
      target: b.containerPath,
      readOnly: b.readOnly ?? true,
      bindOptions: { propagation: "rprivate" as string },
    };
  });
  (args.volumes ?? []).forEach((_, i) => mountOrigins.push(`volumes[${i}]`));
  Object.keys(tmpfs).forEach((p) => mountOrigins.push(`tmpfs["${p}"]`));

  const networkNames = networks.map((n) => (n instanceof HardenedNetwork ? n.networkName : n));
  const plainNetworkName = (n: pulumi.Input<string>, i: number) => (typeof n === "string" ? n : `network-${i}`);
  const networkMode = hostNs.network ? "host" : plainNetworkName(networkNames[0], 0);

  const common = {
    name: args.name ?? name,
    user: args.user ?? "65534:65534",
    privileged: args.privileged ?? false,
    capabilities: { drops: ["ALL"], adds: [...(args.capAdd ?? [])] },
    securityOpts,
    mounts,
    tmpfs,
    ports: (args.ports ?? []).map((p) => ({
      internal: p.internal,
      external: p.external,
      ip: p.hostIp,
      protocol: p.protocol ?? "tcp",
    })),
    networkMode,
    pidMode: hostNs.pid ? "host" : undefined,
    ipcMode: hostNs.ipc ? "host" : "private",
    usernsMode: hostNs.userns ? "host" : undefined,
    cgroupParent: args.cgroupParent,
    memory: (memoryBytes ?? 0) / MIB,
    cpus: String(args.cpus ?? 1),
    readOnly: args.readOnlyRootfs ?? true,
    restart: restart.policy,
    maxRetryCount: restart.policy === "on-failure" ? (restart.maxRetries ?? 5) : undefined,
    devices: args.devices?.map((d) => ({
      hostPath: d.hostPath,
      containerPath: d.containerPath ?? d.hostPath,
      permissions: d.permissions ?? "rwm",
    })),
    ulimits: args.ulimits,
    healthcheck: args.healthcheck
      ? {
          tests: args.healthcheck.test,
          interval: args.healthcheck.interval ?? "30s",
          timeout: args.healthcheck.timeout ?? "5s",
          startPeriod: args.healthcheck.startPeriod ?? "0s",
          retries: args.healthcheck.retries ?? 3,
        }
      : undefined,
    labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    command: args.command,
    entrypoints: args.entrypoint,
    workingDir: args.workingDir,
  };

  const plainInputs: ContainerInputs = {
    ...stripUndefined(common),
    image: typeof args.image === "string" ? args.image : PLACEHOLDER_IMAGE,
    networksAdvanced: networkNames.map((n, i) => ({ name: plainNetworkName(n, i) })),
    volumes: (args.volumes ?? []).map((v, i) => ({
      volumeName: typeof v.volumeName === "string" ? v.volumeName : `volume-${i}`,
      containerPath: v.containerPath,
      readOnly: v.readOnly ?? false,
    })),
    envs: Object.keys(args.env ?? {}).map((k) => `${k}=`),
  };
  const facts = containerFactsFromPulumiInputs(plainInputs, name);

  // ── the self-check: the catalog decides ──
  const findings = selfCheck(facts, {
    now,
    contentTrust: options.contentTrust,
    checkImage: typeof args.image === "string",
  });
  // Judged only where the exemptions are known, and never for an argument whose error is reported already.
  const judged = exemptionsUnknown
    ? []
    : findings.filter((f) => refuse(f.ruleId) && !doubtful.has(argumentFor(f.field, mountOrigins).split(/[.[]/)[0]));
  const refusals = judged.map((f) => describeRefusal(f, mountOrigins));
  // Host namespaces and privileged mode are named by their argument even when several rules object.
  for (const [ns, rule] of Object.entries(HOST_NS_RULES)) {
    if (
      !exemptionsUnknown &&
      hostNs[ns as keyof typeof HOST_NS_RULES] &&
      refuse(rule) &&
      !findings.some((f) => f.ruleId === rule)
    )
      refusals.push(`hostNamespaces.${ns} = true breaks CIS ${rule}. ${howToExempt(rule)}`);
  }
  if (problems.length || refusals.length) throw new HardenedArgsError(name, [...problems, ...refusals]);
  for (const e of exemptions) {
    if (!findings.some((f) => f.ruleId === e.rule) && !["5.18", "5.30"].includes(e.rule))
      pulumi.log.warn(
        `HardenedContainer "${name}": exemption for ${e.rule} is not needed by these arguments; remove it`,
      );
  }

  const containerArgs: docker.ContainerArgs = {
    ...stripUndefined(common),
    image: args.image!, // present: nothing reaches here with an argument error
    networkMode: hostNs.network ? "host" : networkNames[0],
    networksAdvanced: networkNames.map((n) => ({ name: n })),
    volumes: (args.volumes ?? []).map((v) => ({
      volumeName: v.volumeName,
      containerPath: v.containerPath,
      readOnly: v.readOnly ?? false,
    })),
    envs: envInputs(args.env ?? {}),
  };
  return { containerArgs, plainInputs, facts, pidsLimit, exemptions, ...(hostConnection ? { hostConnection } : {}) };
}

const PLACEHOLDER_IMAGE = "placeholder.invalid/pending@sha256:" + "0".repeat(64);

interface SelfCheckFinding {
  ruleId: string;
  title: string;
  field: string;
  observed: unknown;
  expected: string;
}

/** Automated container rules that fail on these facts. */
export function selfCheck(
  facts: ContainerFacts,
  opts: { now: Date; contentTrust?: boolean; checkImage?: boolean },
): SelfCheckFinding[] {
  const ctx: RuleContext = {
    settings: DEFAULT_SETTINGS,
    now: opts.now,
    ...(opts.contentTrust ? { contentTrust: true } : {}),
  };
  const out: SelfCheckFinding[] = [];
  for (const f of evaluate([facts], ctx)) {
    if (!f.automated || f.verdict.status !== "fail") continue;
    if (!opts.checkImage && (f.ruleId === "4.5" || f.ruleId === "5.28")) continue; // checked when the Output resolves
    out.push({
      ruleId: f.ruleId,
      title: f.title,
      field: f.verdict.field,
      observed: f.verdict.observed,
      expected: f.verdict.expected,
    });
  }
  return out;
}

/** The 4.5/5.28 check on an image reference resolved at deploy time; returns the refusal, if any. */
export function checkResolvedImage(
  name: string,
  plan: HardenedContainerPlan,
  ref: string,
  opts: { now: Date; contentTrust?: boolean },
): string | undefined {
  const facts = { ...plan.facts, image: parseImageRef(ref) };
  const late = selfCheck(facts, { ...opts, checkImage: true }).filter(
    (f) => (f.ruleId === "4.5" || f.ruleId === "5.28") && !plan.exemptions.some((e) => e.rule === f.ruleId),
  );
  return late.length ? `HardenedContainer "${name}": ${describeRefusal(late[0], [])}` : undefined;
}

function describeRefusal(f: SelfCheckFinding, mountOrigins: string[]): string {
  const arg = argumentFor(f.field, mountOrigins);
  return `${arg}: ${JSON.stringify(f.observed)} breaks CIS ${f.ruleId} (${f.title}); expected ${f.expected}. ${howToExempt(f.ruleId)}`;
}

function envInputs(env: Record<string, pulumi.Input<string>>): pulumi.Input<pulumi.Input<string>[]> {
  return Object.entries(env).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The docker package's token the container is registered under (its provider is the docker provider in effect). */
const DOCKER_CONTAINER_TOKEN = "docker:index/container:Container";

type PidsLimitTarget = { kind: "local" } | { kind: "engine"; access: EngineAccess };

/**
 * Where the PIDs-limit command sends `docker update` when it runs on the deploying machine: the
 * engine of the docker provider the container is created through (SecureDaemon's provider tells
 * how it reaches it), or, with no provider (or with `dockerHost`), the deploying environment's
 * DOCKER_HOST / `dockerHost`. A provider that does not tell is refused: the limit could land on
 * another engine while the container runs without one.
 */
function pidsLimitTarget(
  name: string,
  args: HardenedContainerArgs,
  component: pulumi.ComponentResource,
  opts: pulumi.ComponentResourceOptions,
): PidsLimitTarget {
  if (args.dockerHost !== undefined) return { kind: "local" };
  const provider = component.getProvider(DOCKER_CONTAINER_TOKEN);
  if (!provider) return { kind: "local" };
  const access = engineAccessOf(provider);
  if (access) return { kind: "engine", access };
  const providerName = (provider as unknown as { __name?: string }).__name;
  const given =
    opts.provider === provider
      ? "opts.provider"
      : opts.providers && Object.values(opts.providers).includes(provider)
        ? "opts.providers"
        : "opts.parent (its docker provider)";
  throw new pulumi.ResourceError(
    new HardenedArgsError(name, [
      `${given}: the docker provider${providerName ? ` "${providerName}"` : ""} does not tell HardenedContainer which engine it reaches (only a SecureDaemon's provider does), ` +
        "so the PIDs limit (CIS 5.29) would be applied to another engine than the container's. Give hostConnection (SSH to the Docker host: the limit is applied there) " +
        'or dockerHost (that engine\'s DOCKER_HOST, e.g. "ssh://root@10.0.0.5" or "tcp://10.0.0.5:2376", for the docker CLI on the deploying machine).',
    ]).message,
    component,
  );
}

/**
 * A hardened container. Child resources: the `docker.Container`, and a `command.local.Command`
 * applying the PIDs limit through the Engine API (the provider has no field for it).
 */
export class HardenedContainer extends pulumi.ComponentResource {
  /** The docker.Container. */
  public readonly container: docker.Container;
  /** The command that applies the PIDs limit (CIS 5.29) through the Engine API: local, or on the host with `hostConnection`. */
  public readonly pidsLimitCommand: command.local.Command | command.remote.Command;
  /** The facts the self-check judged (what the catalog saw before anything was created). */
  public readonly facts: ContainerFacts;
  /** The container's id on the engine. */
  public readonly containerId: pulumi.Output<string>;
  /** The container's name on the engine. */
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: HardenedContainerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(HARDENED_CONTAINER_TYPE, name, {}, opts);
    let plan: HardenedContainerPlan;
    try {
      plan = planHardenedContainer(name, args, { contentTrust: process.env.DOCKER_CONTENT_TRUST === "1" });
    } catch (err) {
      if (err instanceof HardenedArgsError) throw new pulumi.ResourceError(err.message, this);
      throw err;
    }
    this.facts = plan.facts;

    // An image known only at deploy time (an Output) is checked when it resolves.
    const image = pulumi.output(args.image).apply((ref) => {
      const refusal = checkResolvedImage(name, plan, ref, {
        now: new Date(),
        contentTrust: process.env.DOCKER_CONTENT_TRUST === "1",
      });
      if (refusal) throw new pulumi.ResourceError(refusal, this);
      return ref;
    });

    this.container = new docker.Container(
      name,
      { ...plan.containerArgs, image },
      { parent: this, additionalSecretOutputs: ["envs"] },
    );
    const triggers = [this.container.id, plan.pidsLimit];
    const onHost = args.hostConnection && plan.hostConnection ? plan.hostConnection : undefined;
    const digests = new CommandDigests();
    const commandName = `${name}-pids-limit`;
    const dependsOn = { parent: this, dependsOn: [this.container] };
    if (args.hostConnection && onHost) {
      // On the Docker host: its own engine, whatever DOCKER_* the SSH session carries.
      const fail = (message: string): never => {
        throw new pulumi.ResourceError(
          `HardenedContainer "${name}": hostConnection.${message.replace(/^connection\./, "")}`,
          this,
        );
      };
      const { connection } = remoteConnection(args.hostConnection, onHost, fail);
      const create = this.container.id.apply((id) =>
        hostCommand(renderHostPidsLimitCommand(id, plan.pidsLimit), onHost.sudo),
      );
      this.pidsLimitCommand = new command.remote.Command(
        commandName,
        digests.add(commandName, { connection, create, triggers, addPreviousOutputInEnv: false }),
        dependsOn,
      );
    } else {
      const target = pidsLimitTarget(name, args, this, opts);
      const create =
        target.kind === "local"
          ? this.container.id.apply((id) => renderPidsLimitCommand(id, plan.pidsLimit))
          : pulumi
              .all([
                this.container.id,
                target.access.dockerHost,
                target.access.via === "ssh" ? target.access.sshOpts : [],
              ])
              .apply(([id, dockerHost, sshOpts]) =>
                renderEnginePidsLimitCommand(
                  id,
                  plan.pidsLimit,
                  target.access.via === "ssh" ? { dockerHost, sshOpts } : { dockerHost, tls: true },
                ),
              );
      if (target.kind === "engine" && target.access.via === "tcp") {
        // The provider's TLS material travels on stdin, a secret: never in the command text.
        this.pidsLimitCommand = new command.local.Command(
          commandName,
          digests.add(commandName, {
            create,
            stdin: pulumi.secret(target.access.tls.apply(pemStdinLines)),
            triggers,
            addPreviousOutputInEnv: false,
          }),
          { ...dependsOn, additionalSecretOutputs: ["stdin"] },
        );
      } else {
        const environment =
          target.kind === "local" && args.dockerHost !== undefined
            ? { environment: { DOCKER_HOST: args.dockerHost } }
            : {};
        this.pidsLimitCommand = new command.local.Command(
          commandName,
          digests.add(commandName, { create, triggers, ...environment }),
          dependsOn,
        );
      }
    }
    this.containerId = this.container.id;
    this.containerName = this.container.name;
    // The command as built here, before any transformation could touch it: the pack sees one changed afterwards.
    this.registerOutputs({
      containerId: this.containerId,
      containerName: this.containerName,
      [COMMAND_DIGESTS_OUTPUT]: digests.output,
    });
  }
}
