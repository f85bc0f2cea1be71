/**
 * Adapters for the other Pulumi resources the policy pack judges, beside `docker.Container`
 * (./pulumi-container): `docker.Network`, `docker.Service` (a swarm service: its task's
 * container) and the Docker provider (`pulumi:providers:docker`: the daemon it talks to).
 *
 * Which fact fields each input feeds (`*_INPUT_FIELDS`, so that the policy pack knows exactly which
 * rules an unknown input at preview leaves undecided) is derived from the field maps (src/fields).
 */
import { z } from "zod";
import { normaliseCapabilities, parseGoBool } from "../facts/normalise";
import { parseImageRef } from "../facts/image-ref";
import type { ContainerFacts, DaemonFacts, NetworkFacts, PortBinding, SecurityOptions } from "../facts/types";
import { copier, ENABLE_ICC_OPTION, NETWORK_FIELDS } from "../fields";
import { daemonFactsFromConfig } from "./daemon-config";
import { AdapterError } from "./errors";
import {
  healthcheckFactsFromInput,
  healthcheckInput,
  labelListInput,
  labelsFromInput,
  mountFactsFromInput,
  mountInput,
  parseInputs,
  pidsLimitFromLabels,
} from "./pulumi-container";

const str = z.string();
const num = z.number();
const opt = <T extends z.ZodType>(t: T) => t.nullish();

export {
  CONTAINER_INPUT_FIELDS,
  NETWORK_INPUT_FIELDS,
  PROVIDER_INPUT_FIELDS,
  PROVIDER_KNOWN_FIELDS,
  SECURE_DAEMON_INPUT_FIELDS,
  SERVICE_INPUT_FIELDS,
} from "../fields";

// ───────────────────────────── docker.Network ─────────────────────────────

const networkInputs = z.looseObject({
  name: opt(str),
  driver: opt(str),
  internal: opt(z.boolean()),
  attachable: opt(z.boolean()),
  ipv6: opt(z.boolean()),
  options: opt(z.record(str, str)),
  labels: labelListInput,
});

/** The network facts its inputs hold as they are (the field map says which input). */
const fromNetworkInputs = copier<NetworkFacts>()(NETWORK_FIELDS, "inputs");

/** `docker.Network` inputs (or refreshed outputs) → NetworkFacts. The provider's default driver is bridge. */
export function networkFactsFromPulumiInputs(props: unknown, logicalName: string): NetworkFacts {
  const source = `docker.Network "${logicalName}"`;
  const p = parseInputs(networkInputs, props, source);
  const options = p.options ?? {};
  const driver = p.driver || "bridge";
  let enableIcc: boolean | undefined;
  if (options[ENABLE_ICC_OPTION] !== undefined) {
    enableIcc = parseGoBool(options[ENABLE_ICC_OPTION]);
    if (enableIcc === undefined)
      throw new AdapterError(
        source,
        `options["${ENABLE_ICC_OPTION}"]: expected "true" or "false", ` +
          `got ${JSON.stringify(options[ENABLE_ICC_OPTION])}`,
      );
  }
  return {
    kind: "network",
    origin: "declared",
    id: logicalName,
    name: p.name ?? logicalName,
    driver,
    scope: driver === "overlay" ? "swarm" : "local",
    internal: fromNetworkInputs(p, "internal"),
    attachable: fromNetworkInputs(p, "attachable"),
    ipv6: fromNetworkInputs(p, "ipv6"),
    // A declared network is never docker0: the engine creates that one itself.
    isDefaultBridge: false,
    ...(enableIcc !== undefined ? { enableIcc } : {}),
    // The overlay driver encrypts when the option is present, whatever its value.
    encrypted: Object.prototype.hasOwnProperty.call(options, "encrypted"),
    options,
    labels: labelsFromInput(p.labels),
    containers: [],
  };
}

// ───────────────────────────── docker.Service ─────────────────────────────

const serviceInputs = z.looseObject({
  name: opt(str),
  taskSpec: z.looseObject({
    containerSpec: z.looseObject({
      image: str,
      user: opt(str),
      readOnly: opt(z.boolean()),
      capAdds: opt(z.array(str)),
      capDrops: opt(z.array(str)),
      privileges: opt(
        z.looseObject({
          seLinuxContext: opt(
            z.looseObject({
              disable: opt(z.boolean()),
              user: opt(str),
              role: opt(str),
              type: opt(str),
              level: opt(str),
            }),
          ),
        }),
      ),
      mounts: opt(z.array(mountInput)),
      healthcheck: opt(healthcheckInput),
      labels: labelListInput,
      env: opt(z.record(str, str)),
    }),
    resources: opt(z.looseObject({ limits: opt(z.looseObject({ memoryBytes: opt(num), nanoCpus: opt(num) })) })),
    restartPolicy: opt(z.looseObject({ condition: opt(str), maxAttempts: opt(num) })),
    networksAdvanceds: opt(z.array(z.looseObject({ name: opt(str), id: opt(str) }))),
  }),
  endpointSpec: opt(
    z.looseObject({
      ports: opt(
        z.array(z.looseObject({ targetPort: num, publishedPort: opt(num), protocol: opt(str), publishMode: opt(str) })),
      ),
    }),
  ),
});

const SWARM_RESTART: Record<string, ContainerFacts["restartPolicy"]["name"]> = {
  none: "no",
  "on-failure": "on-failure",
  any: "always",
};

/**
 * `docker.Service` inputs → the ContainerFacts of each of its tasks' containers. What a swarm
 * task cannot have is stated as such: it is never privileged and never joins a host namespace;
 * published ports listen on every interface of every node (swarm cannot bind an address);
 * @pulumi/docker 5.2.0 cannot set a service's PIDs limit, no-new-privileges, seccomp or
 * AppArmor options (the engine defaults apply). The swarm default restart condition is `any`
 * and `maxAttempts: 0` means unlimited. Exemption labels are read from the container spec's
 * labels: those reach the containers, so the live audit sees the same ones.
 */
export function serviceFactsFromPulumiInputs(props: unknown, logicalName: string): ContainerFacts {
  const source = `docker.Service "${logicalName}"`;
  const p = parseInputs(serviceInputs, props, source);
  const spec = p.taskSpec.containerSpec;
  const selinux = spec.privileges?.seLinuxContext;
  const selinuxLabels = selinux
    ? (["user", "role", "type", "level"] as const).filter((k) => selinux[k]).map((k) => `${k}:${selinux[k]}`)
    : [];
  const securityOptions: SecurityOptions = {
    noNewPrivileges: false,
    selinuxLabels,
    selinuxLabelDisabled: selinux?.disable ?? false,
    raw: [],
  };
  const mounts = (spec.mounts ?? []).map((m) =>
    mountFactsFromInput(m, ["bind", "volume", "tmpfs", "npipe", "cluster"]),
  );
  const ports: PortBinding[] = (p.endpointSpec?.ports ?? []).map((port) => ({
    containerPort: port.targetPort,
    protocol: (port.protocol ?? "tcp") as PortBinding["protocol"],
    hostIp: "0.0.0.0", // the routing mesh (and host mode) publish on every interface
    hostPort: port.publishedPort ?? 0,
  }));
  const networks = (p.taskSpec.networksAdvanceds ?? []).map((n) => n.name ?? n.id ?? "").filter((n) => n !== "");
  const condition = p.taskSpec.restartPolicy?.condition ?? "any";
  const restartName = SWARM_RESTART[condition];
  if (!restartName)
    throw new AdapterError(
      source,
      `taskSpec.restartPolicy.condition: "${condition}" is not one of none, on-failure, any`,
    );
  const labels = labelsFromInput(spec.labels);
  const pidsLimit = pidsLimitFromLabels(labels);
  const healthcheck = healthcheckFactsFromInput(spec.healthcheck);
  return {
    kind: "container",
    origin: "declared",
    id: logicalName,
    name: p.name ?? logicalName,
    state: "declared",
    image: parseImageRef(spec.image),
    ...(spec.user ? { user: spec.user } : {}),
    privileged: false,
    capAdd: normaliseCapabilities(spec.capAdds),
    capDrop: normaliseCapabilities(spec.capDrops),
    securityOptions,
    mounts,
    ports,
    // Tasks join overlay networks (and ingress for published ports), never docker0 or the host's stack.
    networkMode: networks[0] ?? "ingress",
    networks: networks.length ? networks : ["ingress"],
    pidMode: "",
    ipcMode: "",
    utsMode: "",
    usernsMode: "",
    cgroupParent: "",
    memoryBytes: p.taskSpec.resources?.limits?.memoryBytes ?? 0,
    cpuShares: 0,
    nanoCpus: p.taskSpec.resources?.limits?.nanoCpus ?? 0,
    cpuQuota: 0,
    cpuPeriod: 0,
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    readOnlyRootfs: spec.readOnly ?? false,
    restartPolicy: {
      name: restartName,
      maximumRetryCount: restartName === "on-failure" ? (p.taskSpec.restartPolicy?.maxAttempts ?? 0) : 0,
    },
    devices: [],
    ulimits: [],
    ...(healthcheck ? { healthcheck } : {}),
    labels,
    envNames: Object.keys(spec.env ?? {}),
  };
}

// ───────────────────────────── pulumi:providers:docker ─────────────────────────────

const providerInputs = z.looseObject({
  host: opt(str),
  caMaterial: opt(str),
  certMaterial: opt(str),
  keyMaterial: opt(str),
  certPath: opt(str),
});

/**
 * The Docker provider's configuration → what it implies about the daemon it connects to: the
 * listener (`host`) and whether that listener is TLS-verified. A client that reaches a TCP
 * daemon without a client certificate proves the daemon accepts unauthenticated clients (CIS
 * 2.7); one with CA, certificate and key (`*Material` or `certPath`) talks to a `--tlsverify`
 * daemon. Only PROVIDER_KNOWN_FIELDS are meaningful: the other fields hold dockerd's defaults.
 * Key material never enters the facts (markers name where it came from).
 *
 * Returns undefined when the provider sets no `host` (it then uses DOCKER_HOST of the deploying
 * environment, which the configuration does not show).
 */
export function providerDaemonFacts(props: unknown, logicalName: string): DaemonFacts | undefined {
  const p = parseInputs(providerInputs, props, `docker provider "${logicalName}"`);
  if (!p.host) return undefined;
  // Over SSH the client talks to the daemon's unix socket on that host: no TCP listener is implied.
  const hosts = /^ssh:\/\//i.test(p.host.trim()) ? [] : [p.host];
  const has = (v: string | null | undefined) => typeof v === "string" && v.trim() !== "";
  const ca = has(p.caMaterial) ? "provider caMaterial" : has(p.certPath) ? `${p.certPath}/ca.pem` : undefined;
  const cert = has(p.certMaterial) ? "provider certMaterial" : has(p.certPath) ? `${p.certPath}/cert.pem` : undefined;
  const key = has(p.keyMaterial) ? "provider keyMaterial" : has(p.certPath) ? `${p.certPath}/key.pem` : undefined;
  const tlsVerify = cert !== undefined && key !== undefined;
  // Everything else the provider does not tell: dockerd's defaults (PROVIDER_KNOWN_FIELDS limit what rules read).
  return {
    ...daemonFactsFromConfig({ origin: "declared" }),
    source: {},
    hosts,
    tls: tlsVerify || ca !== undefined,
    tlsVerify,
    ...(ca ? { tlsCaCert: ca } : {}),
    ...(cert ? { tlsCert: cert } : {}),
    ...(key ? { tlsKey: key } : {}),
  };
}

// ───────────────────────────── hardened-docker:index:SecureDaemon ─────────────────────────────

const secureDaemonInputs = z.looseObject({
  daemonJson: str,
  configFile: opt(str),
  dockerdFlags: opt(z.array(str)),
});

/**
 * SecureDaemon's registered inputs (daemon.json as its self-check judged it, and the dockerd
 * flags; see SecureDaemonInputs) → the daemon's facts, exactly as the component computed them.
 */
export function secureDaemonFacts(props: unknown, logicalName: string): DaemonFacts {
  const p = parseInputs(secureDaemonInputs, props, `SecureDaemon "${logicalName}"`);
  return daemonFactsFromConfig({
    configText: p.daemonJson,
    ...(p.configFile ? { configFile: p.configFile } : {}),
    argv: ["dockerd", ...(p.dockerdFlags ?? [])],
    origin: "declared",
  });
}
