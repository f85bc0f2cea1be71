/**
 * The container and network maps' paths are the ones the adapters read (src/fields/container.ts): for every
 * fact field, each Engine API inspect path it names, when changed in a real inspect, changes that
 * field (or makes the inspect unreadable); each docker.Container input it names, when changed,
 * changes that field. So a map that names a path the adapter ignores — or an adapter that reads a
 * path the map does not name for that field — fails here.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { containerFactsFromInspect, networkFactsFromInspect } from "../../../src/adapters/engine-api";
import { containerFactsFromPulumiInputs } from "../../../src/adapters/pulumi-container";
import { networkFactsFromPulumiInputs } from "../../../src/adapters/pulumi-resources";
import { planHardenedNetwork } from "../../../src/components/hardened-network/plan";
import { CONTAINER_FIELDS, NETWORK_FIELDS } from "../../../src/fields";
import { compliantContainer } from "../../harness/container-inputs";

type Json = Record<string, unknown>;
const FIXTURES = path.join(__dirname, "../adapters/fixtures");
const inspect = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Json;

/** The value to write at a path instead of what is there: something else of a kind the engine writes. */
function another(value: unknown): unknown {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") return value + 7;
  if (typeof value === "string") return value === "host" ? "" : "host";
  if (Array.isArray(value)) return value.length ? [] : ["ALL"];
  return null;
}

function withPath(json: Json, dotted: string, change: (v: unknown) => unknown): Json {
  const copy = structuredClone(json);
  const keys = dotted.split(".");
  let node = copy as Json;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Json;
  node[keys.at(-1)!] = change(node[keys.at(-1)!]);
  return copy;
}

const factOf = (facts: object, field: string): unknown => (facts as Json)[field.split(".")[0]!];

/** Plain dotted paths only (`Options["x"]` and the image's own config are read elsewhere). */
const simple = (p: string) => /^[A-Za-z]+(\.[A-Za-z]+)*$/.test(p);
/** Each simple path with the paths before it (a later path is read where the earlier ones are empty). */
const engineCases = Object.entries(CONTAINER_FIELDS).flatMap(([field, s]) => {
  const paths = (s as { engine?: readonly string[] }).engine ?? [];
  return paths.flatMap((p, i) => (simple(p) ? [[field, p, paths.slice(0, i).filter(simple)] as const] : []));
});
const inputCases = Object.entries(CONTAINER_FIELDS).flatMap(([field, s]) =>
  ((s as { inputs?: readonly string[] }).inputs ?? []).map((p) => [field, p] as const),
);

describe("the container map's Engine API paths are what the audit's adapter reads", () => {
  const fixtures = ["engine-container-hardened.json", "engine-container-hostns.json", "engine-container-ports.json"];
  it.each(engineCases)("%s ← %s", (field, enginePath, earlier) => {
    // Changed in at least one real inspect — with the paths read before it emptied — the path changes
    // the field (or the inspect no longer reads).
    const moved = fixtures.some((name) => {
      const base = earlier.reduce((json, p) => withPath(json, p, () => undefined), inspect(name));
      const before = factOf(containerFactsFromInspect(base), field);
      try {
        const after = factOf(containerFactsFromInspect(withPath(base, enginePath, another)), field);
        return JSON.stringify(after) !== JSON.stringify(before);
      } catch {
        return true;
      }
    });
    expect([field, enginePath, moved]).toEqual([field, enginePath, true]);
  });

  it("covers most fields: the paths left out are indexed or the image's", () => {
    expect(engineCases.length).toBeGreaterThanOrEqual(25);
  });
});

describe("the container map's docker.Container inputs are what the pack's adapter reads", () => {
  /** Another value for an input, of the kind the provider takes (else `another` of what is there). */
  const OTHER: Record<string, unknown> = {
    privileged: true,
    capabilities: { adds: ["NET_ADMIN"], drops: [] },
    tmpfs: { "/run": "size=1m" },
    networkMode: "frontend",
    restart: "always",
    publishAllPorts: true,
    networksAdvanced: [{ name: "backend" }, { name: "frontend" }],
    pidMode: "host",
    ipcMode: "host",
    usernsMode: "host",
    cgroupParent: "/custom",
    cpuShares: 512,
    cpuQuota: 50000,
    cpuPeriod: 100000,
    maxRetryCount: 3,
    devices: [{ hostPath: "/dev/fuse" }],
    ulimits: [{ name: "nofile", soft: 10, hard: 20 }],
    mounts: [{ type: "bind", source: "/srv", target: "/srv" }],
    volumes: [{ hostPath: "/srv", containerPath: "/srv" }],
    envs: ["MODE=x"],
    utsMode: "host",
  };
  it.each(inputCases)("%s ← %s", (field, input) => {
    const base = compliantContainer({ restart: "on-failure" }) as Json;
    const before = factOf(containerFactsFromPulumiInputs(base, "c"), field);
    const changed = input in OTHER ? { ...base, [input]: OTHER[input] } : withPath(base, input, another);
    let after: unknown;
    try {
      after = factOf(containerFactsFromPulumiInputs(changed, "c"), field);
    } catch {
      return; // unreadable once changed: the adapter reads it
    }
    expect([field, input, JSON.stringify(after) !== JSON.stringify(before)]).toEqual([field, input, true]);
  });
});

describe("the network map's paths are what the adapters read", () => {
  const simpleCases = Object.entries(NETWORK_FIELDS).flatMap(([field, s]) => {
    const paths = (s as { engine?: readonly string[] }).engine ?? [];
    // With the options read before it removed (isDefaultBridge: the engine's marker, then name and driver).
    return paths.flatMap((p, i) =>
      simple(p) ? [[field, p, paths.slice(0, i).filter((q) => !simple(q))] as const] : [],
    );
  });
  /** The inspect without what these paths hold (`Options["key"]`: that option). */
  const without = (json: Json, paths: readonly string[]): Json =>
    paths.reduce((j, p) => {
      const option = /^Options\["(.+)"\]$/.exec(p)?.[1];
      if (option === undefined) return simple(p) ? withPath(j, p, () => undefined) : j;
      const copy = structuredClone(j);
      delete (copy.Options as Json | undefined)?.[option];
      return copy;
    }, json);
  const fixtures = [
    "engine-network-appnet.json",
    "engine-network-bridge.json",
    "engine-network-overlay-encrypted.json",
    "engine-network-overlay-plain.json",
  ];
  it.each(simpleCases)("%s ← %s", (field, enginePath, earlier) => {
    const moved = fixtures.some((name) => {
      const base = without(inspect(name), earlier);
      const before = factOf(networkFactsFromInspect(base), field);
      try {
        const after = factOf(networkFactsFromInspect(withPath(base, enginePath, another)), field);
        return JSON.stringify(after) !== JSON.stringify(before);
      } catch {
        return true;
      }
    });
    expect([field, enginePath, moved]).toEqual([field, enginePath, true]);
  });

  /** Another value for each docker.Network input (the bridge network HardenedNetwork makes as the base). */
  const OTHER: Record<string, unknown> = {
    name: "other",
    driver: "overlay",
    internal: false,
    attachable: true,
    ipv6: true,
    options: { encrypted: "", "com.docker.network.bridge.enable_icc": "false" },
    labels: [{ label: "x", value: "y" }],
  };
  const inputCases = Object.entries(NETWORK_FIELDS).flatMap(([field, s]) =>
    ((s as { inputs?: readonly string[] }).inputs ?? []).map((p) => [field, p] as const),
  );
  it.each(inputCases)("%s ← input %s", (field, input) => {
    const base = planHardenedNetwork("backend", {}) as Json;
    const before = factOf(networkFactsFromPulumiInputs(base, "n"), field);
    const after = factOf(networkFactsFromPulumiInputs({ ...base, [input]: OTHER[input] }, "n"), field);
    expect([field, input, JSON.stringify(after) !== JSON.stringify(before)]).toEqual([field, input, true]);
  });
});
