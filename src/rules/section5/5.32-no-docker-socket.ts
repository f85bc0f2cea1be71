import { isPathWithin, normalisePath } from "../../facts/normalise";
import type { MountFacts } from "../../facts/types";
import { describeMount } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { defineRule, type RuleContext } from "../types";

let lastSockets: { configured: string; onHost: string | undefined; paths: ReadonlySet<string> } | undefined;

/**
 * Known paths of the Docker socket on this host, each also spelled via /run ↔ /var/run (one is a
 * symlink to the other).
 */
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
    "Remove the bind mount of docker.sock (or of a directory holding it, such as " +
    "/var/run); a container with the socket controls the host. Read-only does not help.",
  check(c, ctx) {
    return failOnOffenders(c.mounts, DOCKER_SOCKET_MOUNT, dockerSocketPaths(ctx));
  },
});
