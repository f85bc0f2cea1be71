/**
 * Engine collector for the live audit: everything the Engine API tells about one engine, turned
 * into facts by the Engine API adapter (src/adapters/engine-api.ts).
 *
 * Requests: `version`, `info`, the container list (all=true: running, stopped and created), the
 * network list and the image list in parallel; then per container an inspect, plus `top` for a
 * running one (the engine runs `ps` on the host, so nothing is needed in the image — CIS 5.7),
 * one image inspect per distinct image id (the image's USER and HEALTHCHECK for 4.1/4.6), and
 * one exec inspect per exec instance the container has (its `ExecIDs`: `--privileged` and
 * `--user` of the `docker exec` sessions open now, CIS 5.23/5.24; the engine's health probes are
 * exec instances too, and are left out).
 * At most `concurrency` containers are read at once. Networks come from their list endpoint,
 * which carries every field the rules read (a network list entry has no attached container ids:
 * `containers` stays empty). Images come from theirs, plus per image id — read once however many
 * containers use it, the inspect shared with the containers' — the inspect (ENV, exposed ports:
 * the list has no config) and the history (4.7, 4.9, 4.10).
 *
 * A container removed between the list and its inspect is skipped with a note; a container
 * that stopped before its `top` gets no process list (5.7 is then not applicable to it); an exec
 * that ended before its inspect is left out (it is no longer open).
 */
import type Docker from "dockerode";
import {
  containerFactsFromInspect,
  engineFactsFromInfo,
  execEventFromInspect,
  type ExecContext,
  imageFactsFromInspect,
  imageHistoryFromEngine,
  networkFactsFromInspect,
  processesFromTop,
} from "../adapters/engine-api";
import type {
  ContainerFacts,
  EngineFacts,
  ExecAuditEvent,
  ImageFacts,
  ImageHistoryEntry,
  InventoryFacts,
  NetworkFacts,
  SwarmFacts,
} from "../facts/types";
import { mapLimit } from "./limit";

export interface EngineSnapshot {
  engine: EngineFacts;
  swarm: SwarmFacts;
  containers: ContainerFacts[];
  networks: NetworkFacts[];
  images: ImageFacts[];
  inventory: InventoryFacts;
  notes: string[];
}

export interface EngineCollectOptions {
  /**
   * Containers read at once (default 16; each is an inspect, plus top, an image inspect and exec inspects as needed).
   */
  concurrency?: number;
  /** Called after each container is read: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_CONCURRENCY = 16;

type ImageConfig = NonNullable<ContainerFacts["imageConfig"]>;

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;

/**
 * Collect the engine's facts over `docker` (a dockerode client).
 * API errors propagate, except per-object races (see above).
 */
export async function collectEngine(docker: Docker, opts: EngineCollectOptions = {}): Promise<EngineSnapshot> {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const notes: string[] = [];
  const [version, info, list, networkList, imageList] = await Promise.all([
    docker.version(),
    docker.info(),
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listImages({ all: false }),
  ]);
  const { ApiVersion: apiVersion, MinAPIVersion: minApiVersion } = version as {
    ApiVersion?: string;
    MinAPIVersion?: string;
  };
  const engine = engineFactsFromInfo(info, { apiVersion, minApiVersion });

  // One inspect and one history per distinct image, shared by every container using it and by the
  // image's own facts (started lazily, cached as promises; undefined = the image is gone).
  const imageInspects = new Map<string, Promise<ImageFacts | undefined>>();
  const imageInspectOf = (id: string): Promise<ImageFacts | undefined> => {
    let p = imageInspects.get(id);
    if (!p) {
      p = docker
        .getImage(id)
        .inspect()
        .then((json) => imageFactsFromInspect(json))
        .catch((err) => {
          if (statusOf(err) !== 404) throw err;
          notes.push(`image ${id.slice(0, 19)} is gone: its USER, HEALTHCHECK and ENV are unknown`);
          return undefined;
        });
      imageInspects.set(id, p);
    }
    return p;
  };
  const imageConfigOf = async (id: string): Promise<ImageConfig | undefined> => {
    const img = await imageInspectOf(id);
    return img
      ? {
          ...(img.user !== undefined ? { user: img.user } : {}),
          ...(img.healthcheck ? { healthcheck: img.healthcheck } : {}),
        }
      : undefined;
  };
  const histories = new Map<string, Promise<ImageHistoryEntry[] | undefined>>();
  const imageHistoryOf = (id: string, name: string): Promise<ImageHistoryEntry[] | undefined> => {
    let p = histories.get(id);
    if (!p) {
      p = docker
        .getImage(id)
        .history()
        .then((json: unknown) => imageHistoryFromEngine(json, name))
        .catch((err) => {
          if (statusOf(err) !== 404) throw err;
          notes.push(`image ${name} is gone: its history is unknown`);
          return undefined;
        });
      histories.set(id, p);
    }
    return p;
  };

  let done = 0;
  const read = await mapLimit(list, concurrency, async (entry): Promise<ContainerFacts | undefined> => {
    const container = docker.getContainer(entry.Id);
    try {
      const inspect = await container.inspect();
      const name = inspect.Name.replace(/^\//, "");
      const [processes, imageConfig, execSessions] = await Promise.all([
        inspect.State.Running && !inspect.State.Paused ? topOf(container, name, notes) : Promise.resolve(undefined),
        inspect.Image ? imageConfigOf(inspect.Image) : Promise.resolve(undefined),
        execSessionsOf(docker, inspect.ExecIDs ?? [], name, {
          healthcheckTest: inspect.Config.Healthcheck?.Test,
          shell: (inspect.Config as { Shell?: string[] }).Shell,
        }),
      ]);
      return containerFactsFromInspect(inspect, {
        ...(processes ? { processes } : {}),
        ...(imageConfig ? { imageConfig } : {}),
        execSessions,
      });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      notes.push(
        `container ${entry.Names?.[0]?.replace(/^\//, "") ?? entry.Id.slice(0, 12)} was removed during the audit`,
      );
      return undefined;
    } finally {
      opts.onProgress?.(++done, list.length);
    }
  });
  const containers = read.filter((c): c is ContainerFacts => c !== undefined);

  const networks = networkList.map((n) => networkFactsFromInspect(n));

  const usedBy = new Map<string, number>();
  for (const c of list) usedBy.set(c.ImageID, (usedBy.get(c.ImageID) ?? 0) + 1);
  const images = await mapLimit(imageList, concurrency, async (i): Promise<ImageFacts> => {
    const listed = imageFactsFromInspect(i);
    const name = listed.repoTags[0] ?? i.Id.slice(0, 19);
    const [inspected, history] = await Promise.all([imageInspectOf(i.Id), imageHistoryOf(i.Id, name)]);
    return {
      ...listed,
      containersUsing: usedBy.get(i.Id) ?? 0,
      ...(inspected?.env ? { env: inspected.env } : {}),
      ...(inspected?.exposedPorts ? { exposedPorts: inspected.exposedPorts } : {}),
      ...(history ? { history } : {}),
    };
  });

  const inventory: InventoryFacts = {
    kind: "inventory",
    images: images.length,
    imagesInUse: images.filter((i) => (i.containersUsing ?? 0) > 0).length,
    containers: containers.length,
    runningContainers: containers.filter((c) => c.state === "running").length,
  };
  return { engine, swarm: engine.swarm, containers, networks, images, inventory, notes };
}

/** The container's process command lines; undefined when it stopped in the meantime. */
async function topOf(container: Docker.Container, name: string, notes: string[]): Promise<string[] | undefined> {
  try {
    return processesFromTop(await container.top(), name);
  } catch (err) {
    const status = statusOf(err);
    if (status === 404 || status === 409 || status === 500) {
      notes.push(
        `container ${name}: no process list ` +
          `(${status === 500 ? "the engine could not list its processes" : "it stopped during the audit"})`,
      );
      return undefined;
    }
    throw err;
  }
}

/**
 * The exec instances the engine holds for a container, inspected one after another (a container
 * rarely has more than one); one that ended meanwhile, and the engine's own health probe, are left out.
 */
async function execSessionsOf(
  docker: Docker,
  ids: readonly string[],
  name: string,
  ctx: ExecContext,
): Promise<ExecAuditEvent[]> {
  const sessions: ExecAuditEvent[] = [];
  for (const id of ids) {
    try {
      const session = execEventFromInspect(await docker.getExec(id).inspect(), name, ctx);
      if (session) sessions.push(session);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
  return sessions;
}
