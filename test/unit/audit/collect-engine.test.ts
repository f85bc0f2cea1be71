/**
 * The engine collector against a stand-in for dockerode serving the captured Engine API fixtures
 * (test/unit/adapters/fixtures: a real dockerd 20.10): what is requested, how often, how many at
 * once, and what happens when objects vanish mid-audit.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { collectEngine } from "../../../src/audit/collect-engine";
import { mapLimit } from "../../../src/audit/limit";

const fixture = (name: string): Record<string, unknown> => {
  const v = JSON.parse(readFileSync(join(__dirname, "..", "adapters", "fixtures", `${name}.json`), "utf8"));
  return Array.isArray(v) ? v[0] : v;
};

const HARDENED = fixture("engine-container-hardened");
const CREATED = fixture("engine-container-privileged-created");
const IMAGE = fixture("engine-image-busybox");
const HISTORY = JSON.parse(
  readFileSync(join(__dirname, "..", "adapters", "fixtures", "engine-image-history-probe.json"), "utf8"),
) as unknown[];
const UNUSED = "sha256:" + "9".repeat(64);
const IMAGE_ID = IMAGE.Id as string;
const notFound = () => Object.assign(new Error("(HTTP code 404) no such container"), { statusCode: 404 });

interface Fake {
  docker: Docker;
  calls: string[];
  maxInFlight: () => number;
}

/** `n` copies of the running fixture and one created container, all on one image; `gone` ids answer 404. */
function fakeDocker(n: number, opts: { gone?: string[]; topFails?: string[] } = {}): Fake {
  const calls: string[] = [];
  let inFlight = 0;
  let max = 0;
  const slow = async <T>(what: string, value: () => T): Promise<T> => {
    calls.push(what);
    inFlight++;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    return value();
  };
  const containers = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < n; i++)
    containers.set(`run${i}`, { ...HARDENED, Id: `run${i}`.padEnd(64, "0"), Name: `/web-${i}` });
  containers.set("created", { ...CREATED, Id: "created".padEnd(64, "0") });
  const ids = [...containers.keys()];
  const docker = {
    version: () => slow("version", () => ({ ApiVersion: "1.41" })),
    info: () => slow("info", () => fixture("engine-info")),
    listContainers: () =>
      slow("list", () =>
        ids.map((id) => ({ Id: containers.get(id)!.Id, Names: [containers.get(id)!.Name], ImageID: IMAGE.Id })),
      ),
    listNetworks: () => slow("networks", () => [fixture("engine-network-bridge"), fixture("engine-network-appnet")]),
    listImages: () =>
      slow("images", () => [
        { Id: IMAGE.Id, RepoTags: ["hd-busybox:latest"], RepoDigests: [] },
        { Id: UNUSED, RepoTags: ["unused:1"], RepoDigests: [] },
      ]),
    getContainer: (longId: string) => {
      const id = ids.find((k) => containers.get(k)!.Id === longId)!;
      return {
        inspect: () =>
          slow(`inspect ${id}`, () => {
            if (opts.gone?.includes(id)) throw notFound();
            return containers.get(id)!;
          }),
        top: () =>
          slow(`top ${id}`, () => {
            if (opts.topFails?.includes(id))
              throw Object.assign(new Error("(HTTP code 409) container is not running"), { statusCode: 409 });
            return fixture("engine-top-hardened");
          }),
      };
    },
    getImage: (id: string) => ({
      inspect: () =>
        slow(`image ${id.slice(7, 12)}`, () => {
          if (opts.gone?.includes(id)) throw notFound();
          return id === IMAGE.Id ? IMAGE : { ...IMAGE, Id: id, RepoTags: ["unused:1"] };
        }),
      history: () =>
        slow(`history ${id.slice(7, 12)}`, () => {
          if (opts.gone?.includes(id)) throw notFound();
          return HISTORY;
        }),
    }),
  } as unknown as Docker;
  return { docker, calls, maxInFlight: () => max };
}

describe("collectEngine", () => {
  test("reads every container (running, stopped, created), top for running ones, one inspect per image", async () => {
    const fake = fakeDocker(5);
    const progress: [number, number][] = [];
    const snap = await collectEngine(fake.docker, { onProgress: (d, t) => progress.push([d, t]) });
    expect(snap.containers.map((c) => [c.name, c.state])).toEqual([
      ...Array.from({ length: 5 }, (_, i) => [`web-${i}`, "running"]),
      ["privileged-created", "created"],
    ]);
    expect(snap.containers[0]!.processes).toEqual(["sleep 3600"]);
    expect(snap.containers[5]!.processes).toBeUndefined();
    expect(fake.calls.filter((c) => c.startsWith("top")).length).toBe(5);
    // The containers' image, inspected once, its config attached to every container (the unused one too, for its ENV).
    expect(fake.calls.filter((c) => c.startsWith("image "))).toEqual([`image ${IMAGE_ID.slice(7, 12)}`, "image 99999"]);
    expect(snap.containers.every((c) => c.imageConfig !== undefined)).toBe(true);
    expect(progress.at(-1)).toEqual([6, 6]);
    expect(snap.engine.apiVersion).toBe("1.41");
    expect(snap.networks.map((n) => n.name)).toEqual(["bridge", expect.any(String)]);
    expect(snap.inventory).toEqual({
      kind: "inventory",
      images: 2,
      imagesInUse: 1,
      containers: 6,
      runningContainers: 5,
    });
    expect(snap.images.find((i) => i.repoTags[0] === "hd-busybox:latest")?.containersUsing).toBe(6);
  });

  test("each image's inspect and history are read once, however many containers use it", async () => {
    const fake = fakeDocker(100);
    const snap = await collectEngine(fake.docker);
    const perImage = (what: string) => fake.calls.filter((c) => c.startsWith(what)).sort();
    // Two images (one used by 101 containers, one by none): one inspect and one history each.
    expect(perImage("image ")).toEqual([`image ${IMAGE_ID.slice(7, 12)}`, "image 99999"].sort());
    expect(perImage("history ")).toEqual([`history ${IMAGE_ID.slice(7, 12)}`, "history 99999"].sort());
    const used = snap.images.find((i) => i.id === IMAGE.Id)!;
    expect(used.containersUsing).toBe(101);
    expect(used.history).toHaveLength(10);
    expect(used.history![4]!.createdBy).toBe("|1 DB_PASSWORD=*** /bin/sh -c apt-get update");
    expect(JSON.stringify(snap)).not.toContain("s3cret");
  });

  test("an image removed during the audit: no history (its items stay manual), a note", async () => {
    const fake = fakeDocker(1, { gone: [UNUSED] });
    const snap = await collectEngine(fake.docker);
    const gone = snap.images.find((i) => i.id === UNUSED)!;
    expect(gone.history).toBeUndefined();
    expect(gone.env).toBeUndefined();
    expect(snap.notes).toEqual(
      expect.arrayContaining([
        `image ${UNUSED.slice(0, 19)} is gone: its USER, HEALTHCHECK and ENV are unknown`,
        "image unused:1 is gone: its history is unknown",
      ]),
    );
  });

  test("at most `concurrency` requests per container batch are in flight", async () => {
    const fake = fakeDocker(40);
    await collectEngine(fake.docker, { concurrency: 4 });
    // 4 containers at a time, each with inspect then top/image: never more than 4 × 2 plus the opening calls.
    expect(fake.maxInFlight()).toBeLessThanOrEqual(8);
    const wide = fakeDocker(40);
    await collectEngine(wide.docker, { concurrency: 16 });
    expect(wide.maxInFlight()).toBeGreaterThan(8);
  });

  test(
    "a container removed between the list and its inspect is skipped with a note; " +
      "one that stopped before its top has no process list",
    async () => {
      const fake = fakeDocker(3, { gone: ["run1"], topFails: ["run2"] });
      const snap = await collectEngine(fake.docker);
      expect(snap.containers.map((c) => c.name)).toEqual(["web-0", "web-2", "privileged-created"]);
      expect(snap.containers[1]!.processes).toBeUndefined();
      expect(snap.notes).toEqual(
        expect.arrayContaining([
          "container web-1 was removed during the audit",
          "container web-2: no process list (it stopped during the audit)",
        ]),
      );
    },
  );

  test("any other API error propagates (the caller classifies it)", async () => {
    const fake = fakeDocker(1);
    (fake.docker as unknown as { info: () => Promise<never> }).info = () =>
      Promise.reject(Object.assign(new Error("boom"), { statusCode: 500 }));
    await expect(collectEngine(fake.docker)).rejects.toThrow("boom");
  });
});

describe("mapLimit", () => {
  test("keeps input order and the bound", async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (x) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, x));
      active--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 3, async (x) => x)).toEqual([]);
  });
});
