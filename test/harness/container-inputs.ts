/**
 * Hand-written docker.Container inputs (resolved, as the policy engine sees them): what a careful
 * person writes without the components. Shared by the policy tests and the benchmarks, so both
 * judge the same "compliant" container.
 */

/** docker.Container props a careful person writes by hand: compliant with every automated rule the pack checks. */
export function compliantContainer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image: "registry.example.com/team/api:1.0@sha256:" + "d".repeat(64),
    name: "api",
    user: "65534:65534",
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    readOnly: true,
    memory: 256,
    cpus: "1",
    restart: "on-failure",
    maxRetryCount: 5,
    ipcMode: "private",
    networkMode: "backend",
    networksAdvanced: [{ name: "backend" }],
    ports: [{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }],
    healthcheck: { tests: ["CMD", "/bin/true"], interval: "30s", timeout: "5s", startPeriod: "0s", retries: 3 },
    labels: [{ label: "hardened-docker.pids-limit", value: "256" }],
    ...overrides,
  };
}
