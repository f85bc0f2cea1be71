/**
 * One Docker host hardened to the CIS Docker Benchmark, end to end:
 *
 *   HardenedHost   /var/lib/docker on its own disk (1.1.1), docker group = root only (1.1.2),
 *                  audit rules (1.1.3–1.1.18), unattended security updates (1.2.2)
 *   SecureDaemon   daemon.json: no inter-container traffic on the default bridge (2.2), user
 *                  namespaces (2.9), no-new-privileges (2.14), live-restore (2.15), logs to
 *                  journald (2.13), …; applied with a rollback if dockerd does not come back
 *   HardenedNetwork  "backend": internal, no route out; "front": the app's way out
 *   HardenedContainer  redis (non-root, read-only root, memory-limited, append-only data on a
 *                  volume, reachable only at its private address on "backend") and the app that
 *                  talks to it, its port published on the host's private address only
 *
 * One documented exemption: the daemon runs without an authorization plugin (CIS 2.12).
 *
 * Offline, no Pulumi backend:   hardened-docker check examples/web-stack
 * Deploy:                       pulumi up   (from the repository root; see README "Deploy")
 *
 * In your own program, import from "hardened-docker" instead of "../../src".
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { HardenedContainer, HardenedHost, HardenedNetwork, SecureDaemon } from "../../src";

const config = new pulumi.Config();
const host = config.require("host");
const privateAddress = config.require("privateAddress");
const connection = {
  host,
  privateKey: config.requireSecret("sshPrivateKey"),
  // Pinned: every command and the docker provider refuse any other key.
  hostKey: config.require("sshHostKey"),
};

const dockerHost = new HardenedHost("docker-host", {
  connection,
  // Formats the empty disk, moves the existing data root onto it, keeps the old one until the
  // engine answers from the new one. A disk holding anything is refused, never wiped.
  dataRoot: { device: config.require("dataDevice") },
  trustedDockerUsers: [],
  unattendedUpgrades: true,
});

const daemon = new SecureDaemon(
  "daemon",
  {
    connection,
    exemptions: [
      {
        rule: "2.12",
        reason:
          "No authorization plugin is packaged for this distribution yet; " +
          "only root reaches the socket (1.1.2) and deploys go through Pulumi.",
        expires: "2027-06-30",
      },
    ],
  },
  // The daemon restarts after the data root moved, not during the move.
  { dependsOn: [dockerHost] },
);

// Every Docker resource below goes to this daemon, over SSH with the pinned host key.
const onDaemon = { provider: daemon.provider };

const backend = new HardenedNetwork("backend", { subnet: "10.42.1.0/24" }, onDaemon);
const front = new HardenedNetwork("front", { egress: true, subnet: "10.42.0.0/24" }, onDaemon);

// Kept when the stack is destroyed: the data outlives the container and the stack.
const redisData = new docker.Volume("redis-data", { name: "redis-data" }, { ...onDaemon, retainOnDelete: true });

const redis = new HardenedContainer(
  "redis",
  {
    image: config.require("redisImage"),
    user: "999:999", // uid 999: the official image's redis user, owner of /data
    memory: "256Mi",
    cpus: 0.5,
    pidsLimit: 64,
    networks: [backend], // internal only: no published port, no route out
    volumes: [{ volumeName: redisData.name, containerPath: "/data" }],
    tmpfs: { "/tmp": "16Mi" },
    command: [
      "redis-server",
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--dir",
      "/data",
      "--maxmemory",
      "192mb",
    ],
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: "10s" },
    // The PIDs limit is applied with `docker update` on the host, over the same pinned SSH connection.
    hostConnection: connection,
  },
  onDaemon,
);

const app = new HardenedContainer(
  "app",
  {
    image: config.require("appImage"),
    memory: "512Mi",
    cpus: 1,
    networks: [front, backend],
    ports: [{ internal: 8080, external: 8080, hostIp: privateAddress }],
    tmpfs: { "/tmp": "64Mi" },
    env: { REDIS_URL: pulumi.interpolate`redis://${redis.containerName}:6379` },
    healthcheck: { test: ["CMD", "/app/healthcheck"], interval: "15s" },
    hostConnection: connection,
  },
  onDaemon,
);

export const appUrl = pulumi.interpolate`http://${privateAddress}:8080`;
export const daemonConfigHash = daemon.configHash;
export const hostActions = dockerHost.actions;
export const containers = [redis.containerName, app.containerName];
