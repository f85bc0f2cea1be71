/**
 * HardenedContainer's arguments: the interface (a doc comment per field, read by the API
 * reference) and the zod schema that checks them, typed against the interface so that they
 * cannot drift apart.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isIP } from "net";
import { z } from "zod";
import type { Exemption } from "../../exemptions";
import { ALL_CAPABILITIES, type Capability } from "../../rules/capabilities";
import { argsSchemaFor, exemptionSchema, inputString } from "../args";
import { HardenedNetwork } from "../hardened-network";
import { SIZE_HINT } from "../sizes";
import { connectionSchema, type SshConnection } from "../ssh-connection";

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
   * User to run as, `uid[:gid]` or a name (CIS 4.1). Default "65534:65534" (nobody). root / 0 needs
   * an exemption for 4.1.
   * @cis 4.1
   */
  user?: string;
  /**
   * Capabilities to add back after dropping ALL (CIS 5.4). SAFE_CAPABILITIES need no exemption;
   * others need one for 5.4.
   * @default [] (every capability dropped)
   * @cis 5.4
   */
  capAdd?: Capability[];
  /**
   * Networks to attach, at least one (a HardenedNetwork or a network name). The default bridge
   * needs an exemption for 5.30.
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

/** The arguments' shape (values are judged by the plan and the self-check). @internal */
export const argsSchema = argsSchemaFor<HardenedContainerArgs>()(
  z.strictObject({
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
  }),
);
