/**
 * examples/web-stack written with raw @pulumi/docker the way it is usually written: it works, and
 * it breaks much of the CIS Docker Benchmark. `hardened-docker check examples/insecure` reports
 * each problem (and exits non-zero); the policy pack does the same under `pulumi preview`.
 */
import * as docker from "@pulumi/docker";

// The engine over plain TCP: anyone who reaches port 2375 owns the host (CIS 2.7).
const dockerHost = new docker.Provider("docker-host", { host: "tcp://10.0.0.5:2375" });

// An overlay network without encryption (CIS 7.3), attachable by anything on the swarm.
const backend = new docker.Network("backend", { driver: "overlay", attachable: true }, { provider: dockerHost });

// The app: tag-only image, root by default, published on every interface on port 80, extra
// capabilities, no memory/CPU/PIDs limits, writable root filesystem, restarts forever, and the
// Docker socket "for the dashboard".
export const web = new docker.Container(
  "web",
  {
    image: "registry.example.com/team/app:latest",
    ports: [{ internal: 8080, external: 80 }],
    capabilities: { adds: ["NET_ADMIN", "SYS_ADMIN"] },
    restart: "always",
    networksAdvanced: [{ name: backend.name }],
    volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
    envs: ["REDIS_URL=redis://redis:6379", "ADMIN_PASSWORD=changeme"],
  },
  { provider: dockerHost },
).name;

// Redis as root, privileged "to set vm.overcommit_memory", published on 0.0.0.0:6379 (how
// thousands of redis servers were taken over); a label claims a PIDs limit nothing applies.
export const redis = new docker.Container(
  "redis",
  {
    image: "redis:7",
    user: "root",
    privileged: true,
    memory: 1024,
    networksAdvanced: [{ name: backend.name }],
    ports: [{ internal: 6379, external: 6379, ip: "0.0.0.0" }],
    volumes: [{ volumeName: "redis-data", containerPath: "/data" }],
    labels: [{ label: "hardened-docker.pids-limit", value: "100" }],
  },
  { provider: dockerHost },
).name;

// Host networking, excused by an exemption that has expired: an expired exemption excuses nothing.
export const agent = new docker.Container(
  "metrics-agent",
  {
    image: "registry.example.com/ops/agent:2.3",
    user: "1000:1000",
    memory: 128,
    networkMode: "host",
    labels: [
      {
        label: "hardened-docker.exemption.5.10",
        value: JSON.stringify({ reason: "scrapes host interfaces", expires: "2024-01-31" }),
      },
    ],
  },
  { provider: dockerHost },
).name;

// The app's workers as a swarm service: published through the routing mesh on every interface, no limits.
export const worker = new docker.Service(
  "worker",
  {
    taskSpec: { containerSpec: { image: "registry.example.com/team/app:2" } },
    endpointSpec: { ports: [{ targetPort: 9090, publishedPort: 9090 }] },
  },
  { provider: dockerHost },
).name;
