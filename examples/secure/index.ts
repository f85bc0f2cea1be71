/**
 * A small web stack built from the hardened components: every container is CIS-compliant by
 * construction, the one deliberate weakening is a documented, expiring exemption.
 * `hardened-docker check examples/secure` exits 0 (it still lists the manual-review items).
 */
import { HardenedContainer } from "../../src/components/hardened-container";
import { HardenedNetwork } from "../../src/components/hardened-network";

const DIGEST = "sha256:4f9d1b0d8a4c2e7b6a5f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110ff";

// The front network may reach out of the host; the data network is internal.
const front = new HardenedNetwork("front", { egress: true, subnet: "10.42.0.0/24" });
const data = new HardenedNetwork("data", { subnet: "10.42.1.0/24" });

export const api = new HardenedContainer("api", {
  image: `registry.example.com/team/api:1.4.2@${DIGEST}`,
  memory: "256Mi",
  cpus: 0.5,
  pidsLimit: 128,
  networks: [front, data],
  ports: [{ internal: 8080, external: 8080, hostIp: "127.0.0.1" }],
  tmpfs: { "/tmp": "16Mi" },
  healthcheck: { test: ["CMD", "/app/healthcheck"], interval: "15s" },
  env: { DATABASE_HOST: "cache" },
}).containerName;

export const cache = new HardenedContainer("cache", {
  image: `registry.example.com/mirror/redis:7.2@${DIGEST}`,
  memory: "128Mi",
  networks: [data],
  healthcheck: { test: ["CMD", "redis-cli", "ping"] },
  volumes: [{ volumeName: "cache-data", containerPath: "/data" }],
  // Redis rewrites its append-only file in place under /data and also writes beside its binary.
  readOnlyRootfs: false,
  exemptions: [
    { rule: "5.13", reason: "redis writes temporary RDB files outside /data until 7.4", expires: "2031-06-30" },
  ],
}).containerName;
