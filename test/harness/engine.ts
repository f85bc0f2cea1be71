/**
 * Helpers for integration tests against the test engine the global setup starts
 * (scripts/test-engine.sh; DOCKER_HOST and HD_TEST_* are in process.env).
 *
 * Containers and networks made through these helpers are tracked per test file; call
 * `cleanupEngineObjects()` in afterAll so nothing outlives the file (the engine itself is stopped
 * by the global teardown). Names get a per-process prefix, because test files run in parallel
 * workers against the same engine.
 */
import { existsSync, readFileSync } from "node:fs";
import Docker from "dockerode";
import { containerFactsFromInspect, imageFactsFromInspect, processesFromTop } from "../../src/adapters/engine-api";
import type { ContainerFacts } from "../../src/facts/types";
import type { VerdictStatus } from "../../src/rules/types";

/** The local busybox image the script imports (root and user 10001 "app", every applet, /usr/sbin/sshd stand-in). */
export const TEST_IMAGE = process.env.HD_TEST_IMAGE ?? "hd-busybox:latest";
/** The unprivileged user in TEST_IMAGE. */
export const APP_UID = 10001;

/** Path of the test engine's unix socket (from DOCKER_HOST). */
export function engineSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (!host?.startsWith("unix://")) {
    throw new Error(
      `DOCKER_HOST is ${host === undefined ? "unset" : `"${host}"`}: run integration tests through jest's ` +
        `integration project (its global setup starts the engine)`,
    );
  }
  return host.slice("unix://".length);
}

/** Directory of the running test engine (data root, exec root, socket, dockerd.log). */
export function engineDir(): string {
  const dir = process.env.HD_TEST_ENGINE_DIR;
  if (!dir) throw new Error("HD_TEST_ENGINE_DIR is unset: the engine global setup did not run");
  return dir;
}

/** The last lines of dockerd's log, for failure messages. */
export function engineLogTail(lines = 40): string {
  try {
    return readFileSync(`${engineDir()}/dockerd.log`, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no dockerd log)";
  }
}

let client: Docker | undefined;
/** A dockerode client for the test engine. */
export function docker(): Docker {
  client ??= new Docker({ socketPath: engineSocketPath() });
  return client;
}

const createdContainers = new Set<string>();
const createdNetworks = new Set<string>();
let counter = 0;

/** A name unique to this worker process: `hd-it-<pid>-<n>-<hint>`. */
export function uniqueName(hint: string): string {
  counter += 1;
  return `hd-it-${process.pid}-${counter}-${hint}`.replace(/[^a-zA-Z0-9_.-]/g, "-");
}

export type ContainerSpec = Docker.ContainerCreateOptions & {
  /** Start the container after creating it (default false: created, never started). */
  start?: boolean;
  /** Name hint (made unique); `name` is ignored in favour of it. */
  hint?: string;
};

export const MiB = 1024 * 1024;

/**
 * A container spec with every hardening CIS section 5 asks for, on `network`; tests weaken one
 * thing at a time from it. `image` defaults to TEST_IMAGE (createContainer's default).
 */
export function hardenedSpec(network: string, image?: string): ContainerSpec {
  return {
    ...(image ? { Image: image } : {}),
    Cmd: ["sleep", "3600"],
    User: "10001:10001",
    ExposedPorts: { "8080/tcp": {} },
    Healthcheck: { Test: ["CMD", "/bin/true"], Interval: 1e9, Timeout: 2e9, Retries: 3 },
    HostConfig: {
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Memory: 64 * MiB,
      NanoCpus: 500_000_000,
      PidsLimit: 50,
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
      // A high port on loopback; "" lets the engine pick one, so parallel files never collide.
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      NetworkMode: network,
      Tmpfs: { "/tmp": "size=1m" },
    },
  };
}

/** Create (and optionally start) a container on the test engine; returns its id. Tracked for cleanup. */
export async function createContainer(spec: ContainerSpec): Promise<string> {
  const { start = false, hint = "c", ...options } = spec;
  const container = await docker().createContainer({ Image: TEST_IMAGE, ...options, name: uniqueName(hint) });
  createdContainers.add(container.id);
  if (start) {
    try {
      await container.start();
    } catch (err) {
      throw new Error(
        `starting container ${hint} failed: ${(err as Error).message}\n--- dockerd log ---\n${engineLogTail(15)}`,
      );
    }
  }
  return container.id;
}

/** Create a network on the test engine; returns its name. Tracked for cleanup. */
export async function createNetwork(
  hint: string,
  options: Omit<Docker.NetworkCreateOptions, "Name"> = {},
): Promise<string> {
  const name = uniqueName(hint);
  const network = await docker().createNetwork({ ...options, Name: name });
  createdNetworks.add(network.id);
  return name;
}

/** Wait until the container has stopped (for "exited" fixtures); returns its exit code. */
export async function waitForExit(id: string): Promise<number> {
  const { StatusCode } = (await docker().getContainer(id).wait()) as { StatusCode: number };
  return StatusCode;
}

/** Poll `probe` until it returns a value other than undefined, or fail after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Wait until the engine reports the container's health status as `status`. */
export async function waitForHealth(id: string, status: "healthy" | "unhealthy", timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `container ${id.slice(0, 12)} to be ${status}`,
    async () => {
      const info = await docker().getContainer(id).inspect();
      return info.State.Health?.Status === status ? true : undefined;
    },
    timeoutMs,
  );
}

/**
 * Read a container back the way the live audit does: inspect → ContainerFacts, with the
 * process list from the engine's `top` for running containers and the image's config.
 */
export async function containerFacts(id: string): Promise<ContainerFacts> {
  const container = docker().getContainer(id);
  const inspect = await container.inspect();
  const image = imageFactsFromInspect(await docker().getImage(inspect.Image).inspect());
  const processes = inspect.State.Running
    ? processesFromTop(await container.top(), inspect.Name.replace(/^\//, ""))
    : undefined;
  return containerFactsFromInspect(inspect, {
    ...(processes ? { processes } : {}),
    imageConfig: {
      ...(image.user !== undefined ? { user: image.user } : {}),
      ...(image.healthcheck ? { healthcheck: image.healthcheck } : {}),
    },
  });
}

/** Force-remove the given containers (running or not) with their anonymous volumes; missing ones are ignored. */
export async function removeContainers(ids: Iterable<string>): Promise<void> {
  await Promise.all(
    [...ids].map(async (id) => {
      try {
        await docker().getContainer(id).remove({ force: true, v: true });
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
      createdContainers.delete(id);
    }),
  );
}

/** Remove these volumes, ignoring those already gone. */
export async function removeVolumes(names: Iterable<string>): Promise<void> {
  for (const v of names)
    await docker()
      .getVolume(v)
      .remove()
      .catch(() => undefined);
}

/** Remove every container and network this worker created (afterAll). */
export async function cleanupEngineObjects(): Promise<void> {
  await removeContainers([...createdContainers]);
  for (const id of [...createdNetworks]) {
    try {
      await docker().getNetwork(id).remove();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    createdNetworks.delete(id);
  }
}

/** Ids of containers this worker created and has not removed (for a leak check). */
export function trackedContainers(): string[] {
  return [...createdContainers];
}

export type ContainerState = "running" | "created" | "exited";

/** One real container of the section-5 and audit integration tests: the hardened spec with one change. */
export interface ContainerCase {
  hint: string;
  state: ContainerState;
  /** What differs from the hardened baseline (applied to a copy of it). */
  change: (spec: ContainerSpec) => void;
  /** Rules whose status differs from the baseline's. */
  expect: Record<string, VerdictStatus | "exempted">;
  /** Fail verdicts' `field`, where the field itself is the point (e.g. which port entry). */
  fields?: Record<string, string>;
  /** Health status to wait for before reading a running container (default healthy). */
  health?: "healthy" | "unhealthy" | "none";
  /** Done to the container once it is in its state (e.g. `docker exec` sessions opened in it). */
  after?: (id: string) => Promise<void>;
}

/** AppArmor enabled on this host (the engine then applies docker-default). */
export const HOST_APPARMOR = (() => {
  const flag = "/sys/module/apparmor/parameters/enabled";
  return existsSync(flag) && readFileSync(flag, "utf8").trim().toUpperCase().startsWith("Y");
})();

/**
 * What every section-5 container rule says of `hardenedSpec` in `state` on this kind of host:
 * the baseline the section-5 and audit integration tests weaken one field at a time from.
 */
export function section5Baseline(state: ContainerState): Record<string, VerdictStatus> {
  return {
    // ⚠ n/a on a host without AppArmor, rather than failing every container. On an AppArmor host
    // the engine applies docker-default — to a created container only when it starts (moby's
    // containerStart → saveAppArmorConfig), which is still a pass for a never-started one.
    "5.2": HOST_APPARMOR ? "pass" : "not-applicable",
    "5.3": "not-applicable", // no SELinux on the host
    "5.4": "pass",
    "5.5": "pass",
    "5.6": "pass",
    "5.7": state === "running" ? "pass" : "not-applicable", // processes exist only while running
    "5.8": "pass",
    "5.9": "manual",
    "5.10": "pass",
    "5.11": "pass",
    "5.12": "pass",
    "5.13": "pass",
    "5.14": "pass",
    "5.15": "pass",
    "5.16": "pass",
    "5.17": "pass",
    "5.18": "manual",
    "5.19": "manual",
    "5.20": "pass",
    "5.21": "pass",
    "5.22": "pass",
    "5.23": "not-applicable", // no exec session open, and no host audit log of earlier ones
    "5.24": "not-applicable",
    "5.25": "pass",
    "5.26": "pass",
    "5.27": "pass",
    "5.28": "manual",
    "5.29": "pass",
    "5.30": "manual",
    "5.31": "pass",
    "5.32": "pass",
  };
}
