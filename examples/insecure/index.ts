/**
 * A typical hand-written Docker stack: it works, and it breaks much of the CIS Docker Benchmark.
 * `hardened-docker check examples/insecure` reports each problem (and exits non-zero).
 */
import * as docker from "@pulumi/docker";

// A remote engine over plain TCP: anyone who reaches port 2375 owns the host (CIS 2.7).
const buildHost = new docker.Provider("build-host", { host: "tcp://10.0.0.12:2375" });

// An overlay network without encryption (CIS 7.3).
const backend = new docker.Network("backend", { driver: "overlay", attachable: true }, { provider: buildHost });

// Tag-only image, root by default, published on every interface on port 80, extra capabilities,
// no memory/CPU/PIDs limits, writable root filesystem, restart forever, and the Docker socket.
export const web = new docker.Container(
  "web",
  {
    image: "nginx:latest",
    ports: [{ internal: 80, external: 80 }],
    capabilities: { adds: ["NET_ADMIN", "SYS_ADMIN"] },
    restart: "always",
    volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
    envs: ["ADMIN_PASSWORD=changeme"],
  },
  { provider: buildHost },
).name;

// Privileged database running as root; a label claims a PIDs limit nothing applies.
export const db = new docker.Container(
  "db",
  {
    image: "postgres:16",
    user: "root",
    privileged: true,
    memory: 1024,
    networksAdvanced: [{ name: backend.name }],
    ports: [{ internal: 5432, external: 5432, ip: "0.0.0.0" }],
    labels: [{ label: "hardened-docker.pids-limit", value: "100" }],
  },
  { provider: buildHost },
).name;

// Host networking, excused by an exemption that has expired: an expired exemption excuses nothing.
export const agent = new docker.Container(
  "metrics-agent",
  {
    image: "registry.example.com/ops/agent:2.3",
    user: "1000:1000",
    memory: 128,
    networkMode: "host",
    labels: [{ label: "hardened-docker.exemption.5.10", value: JSON.stringify({ reason: "scrapes host interfaces", expires: "2024-01-31" }) }],
  },
  { provider: buildHost },
).name;

// A swarm service: published through the routing mesh on every interface, no limits.
export const api = new docker.Service(
  "api",
  {
    taskSpec: { containerSpec: { image: "ghcr.io/acme/api:2" } },
    endpointSpec: { ports: [{ targetPort: 8080, publishedPort: 8080 }] },
  },
  { provider: buildHost },
).name;
