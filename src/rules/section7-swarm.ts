/**
 * CIS Docker Benchmark v1.6.0, section 7: Docker Swarm. Every swarm item is not applicable
 * on an engine that is not in a swarm (5.1 separately fails a swarm that is not needed).
 * 7.3 is judged per network (overlay networks only); the others on the engine's swarm state.
 * Older benchmarks (1.13–1.2) had "swarm mode not enabled" as 7.1, so their 7.2–7.10 are
 * this section's 7.1–7.9 (recorded as aliases).
 */
import type { SwarmFacts } from "../facts/types";
import { isWildcardAddress } from "./predicates";
import { defineRule, fail, manual, notApplicable, pass, type AnyRule, type Verdict } from "./types";

/** The default swarm management port. */
export const SWARM_PORT = 2377;

/** A node that has joined a swarm; a `locked` node is in one too (its manager keys are sealed). */
const inSwarm = (s: SwarmFacts): boolean => s.active || s.state === "locked";

/**
 * The not-applicable verdict when the item does not apply to this engine, else undefined.
 * `managersOnly` names why a worker cannot be judged.
 */
function swarmGate(s: SwarmFacts, managersOnly?: string): Verdict | undefined {
  if (!inSwarm(s)) return notApplicable(`swarm mode is not active on this engine (state: ${s.state || "unknown"})`);
  if (managersOnly && !s.isManager) return notApplicable(`this node is a worker: ${managersOnly}`);
  return undefined;
}

/** Split a swarm listen address (`IP|interface[:port]`, `[v6]:port`, bare v6) into host and port. */
export function splitListenAddr(addr: string): { host: string; port: number } {
  const a = addr.trim();
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(a);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : SWARM_PORT };
  // More than one colon without brackets: a bare IPv6 address, no port.
  if ((a.match(/:/g) ?? []).length > 1) return { host: a, port: SWARM_PORT };
  const colon = a.lastIndexOf(":");
  if (colon < 0) return { host: a, port: SWARM_PORT };
  const port = a.slice(colon + 1);
  return { host: a.slice(0, colon), port: port === "" ? SWARM_PORT : Number(port) };
}

export const minimalManagers = defineRule({
  id: "7.1",
  settings: ["swarmFaultTolerance"],
  title: "Swarm has the minimal odd number of managers",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.2"],
  reads: ["active", "state", "isManager", "managers"],
  remediation:
    "Run 2f+1 managers for the f manager failures you must tolerate (settings.swarmFaultTolerance): `docker node demote NODE` the excess, `docker node promote NODE` if short.",
  check(s, ctx) {
    const gate = swarmGate(s, "only managers see the manager count");
    if (gate) return gate;
    const f = ctx.settings.swarmFaultTolerance;
    const wanted = 2 * f + 1;
    if (s.managers === wanted) return pass(`${s.managers} managers tolerate ${f} manager failure(s)`);
    const tolerates = Math.max(0, Math.floor((s.managers - 1) / 2));
    const why =
      s.managers % 2 === 0
        ? `an even count tolerates no more failures than ${s.managers - 1} managers would (${tolerates}) and only widens the attack surface`
        : s.managers > wanted
          ? `${s.managers} managers tolerate ${tolerates} failures, more than the ${f} wanted: the extra managers only widen the attack surface`
          : `${s.managers} managers tolerate ${tolerates} failures, fewer than the ${f} wanted`;
    return fail("managers", s.managers, `${wanted} managers (2 × swarmFaultTolerance ${f} + 1)`, why);
  },
});

export const specificListenAddr = defineRule({
  id: "7.2",
  title: "Swarm management listens on a specific address",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.3"],
  reads: ["active", "state", "listenAddr"],
  remediation:
    "Initialise or join the swarm with a specific address: `docker swarm init --listen-addr 10.0.0.5:2377 --advertise-addr 10.0.0.5` (re-join the node to change it).",
  check(s) {
    const gate = swarmGate(s);
    if (gate) return gate;
    // Unset means the swarm default, 0.0.0.0:2377: every interface.
    if (s.listenAddr === undefined) {
      return fail(
        "listenAddr",
        null,
        `a specific address for port ${SWARM_PORT}`,
        "no listen address given: swarm defaults to 0.0.0.0:2377",
      );
    }
    const { host, port } = splitListenAddr(s.listenAddr);
    if (isWildcardAddress(host)) {
      return fail(
        "listenAddr",
        s.listenAddr,
        `a specific IP address or interface for port ${port}, not a wildcard`,
        "the management port is reachable on every interface",
      );
    }
    return pass(`listens on ${s.listenAddr}`);
  },
});

export const encryptedOverlay = defineRule({
  id: "7.3",
  slug: "encrypted-overlay",
  title: "Overlay networks are encrypted",
  section: 7,
  automated: true,
  level: 1,
  subject: "network",
  where: "both",
  aliases: ["cis-1.13:7.4"],
  reads: ["driver", "encrypted"],
  remediation:
    'Create overlay networks with encryption: `docker network create -d overlay --opt encrypted NAME` (Pulumi docker.Network `driver: "overlay", options: { encrypted: "" }`); an existing network must be re-created.',
  check(n) {
    if (n.driver !== "overlay")
      return notApplicable(
        `driver "${n.driver}" is not overlay: the encrypted option applies to overlay networks only`,
      );
    return n.encrypted
      ? pass("overlay traffic is encrypted (IPsec)")
      : fail("encrypted", n.encrypted, "true (the overlay network's `encrypted` option set)");
  },
});

export const swarmSecrets = defineRule({
  id: "7.4",
  title: "Swarm secrets hold service secrets",
  section: 7,
  automated: false,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.5"],
  reads: ["active", "state"],
  remediation:
    "Store credentials with `docker secret create` and grant them to services with `--secret`, instead of environment variables, images or bind-mounted files.",
  check(s) {
    return (
      swarmGate(s) ??
      manual(
        "Check that services receive credentials as swarm secrets (`docker secret ls`, `docker service inspect`), not through environment variables, images or bind mounts.",
      )
    );
  },
});

export const autolock = defineRule({
  id: "7.5",
  title: "Swarm managers run with autolock",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.6"],
  reads: ["active", "state", "isManager", "autolockEnabled"],
  remediation:
    "Enable autolock: `docker swarm update --autolock=true` (or `docker swarm init --autolock`), and keep the unlock key offline.",
  check(s) {
    // Only an autolocked swarm can be in the `locked` state.
    if (s.state === "locked") return pass("the node is locked: autolock is enabled");
    const gate = swarmGate(s, "autolock protects the managers' Raft keys, which workers do not hold");
    if (gate) return gate;
    if (s.autolockEnabled === true) return pass();
    return fail(
      "autolockEnabled",
      s.autolockEnabled ?? null,
      "true",
      s.autolockEnabled === undefined ? "autolock not set: swarm defaults to autolock disabled" : undefined,
    );
  },
});

/** The report-only swarm operations: same gate, different guidance. */
function swarmProcessRule(
  id: string,
  alias: string,
  title: string,
  guidance: string,
  remediation: string,
  managersOnly?: string,
) {
  return defineRule({
    id,
    title,
    section: 7,
    automated: false,
    level: 1,
    subject: "swarm",
    where: "none",
    aliases: [alias],
    reads: ["active", "state", "isManager", "autolockEnabled", "listenAddr"],
    remediation,
    check: (s): Verdict =>
      swarmGate(s, managersOnly) ??
      manual(guidance, {
        isManager: s.isManager,
        ...(s.autolockEnabled !== undefined ? { autolockEnabled: s.autolockEnabled } : {}),
        ...(s.listenAddr !== undefined ? { listenAddr: s.listenAddr } : {}),
      }),
  });
}

const unlockKeyRotation = swarmProcessRule(
  "7.6",
  "cis-1.13:7.7",
  "Swarm unlock key is rotated periodically",
  "Confirm the autolock unlock key is rotated on a schedule (`docker swarm unlock-key --rotate`) and the new key stored safely.",
  "Rotate the unlock key periodically: `docker swarm unlock-key --rotate` on a manager.",
  "the unlock key exists only on managers",
);

const nodeCertRotation = swarmProcessRule(
  "7.7",
  "cis-1.13:7.8",
  "Swarm node certificates are rotated",
  "Confirm node certificate expiry suits your policy (`docker info --format '{{ .Swarm.Cluster.Spec.CAConfig.NodeCertExpiry }}'` on a manager; default 90 days).",
  "Set the node certificate lifetime: `docker swarm update --cert-expiry 720h` on a manager.",
);

const caRotation = swarmProcessRule(
  "7.8",
  "cis-1.13:7.9",
  "Swarm root CA is rotated",
  "Confirm the swarm root CA certificate is rotated as your policy requires (`docker swarm ca --rotate` on a manager).",
  "Rotate the root CA on a schedule: `docker swarm ca --rotate` on a manager.",
);

const planeSeparation = swarmProcessRule(
  "7.9",
  "cis-1.13:7.10",
  "Management and data plane traffic are separated",
  "Confirm management traffic (--advertise-addr/--listen-addr) and container traffic (--data-path-addr) use different interfaces.",
  "Join nodes with separate interfaces: `docker swarm init --advertise-addr MGMT_IP --data-path-addr DATA_IP`.",
);

export const SECTION_7: AnyRule[] = [
  minimalManagers,
  specificListenAddr,
  encryptedOverlay,
  swarmSecrets,
  autolock,
  unlockKeyRotation,
  nodeCertRotation,
  caRotation,
  planeSeparation,
];
