/**
 * Keeps the agreement corpus honest (test/harness/verdict-corpus.ts; the agreement itself is
 * test/property/verdict-agreement.property.test.ts): a deterministic sample of the corpus — chosen
 * so every varied field and every quirk class appears — is created on the real test engine from
 * the provider's create body (engineCreateBody, the extra networks connected), given the PIDs limit
 * its label claims by the real docker CLI (`docker update --pids-limit=<label>`, the companion
 * command), and inspected. The real inspect, read by the live audit's adapter, must give the same
 * facts and the same verdicts as the inspect `renderInspect` predicts; where `renderInspect`
 * predicts the engine refuses the configuration, the real engine must refuse it.
 *
 * The sample runs on this machine, so host-specific values are localised before both the rendering
 * and the creation (the same substitution on both sides): the image is the local test image, the
 * networks and volumes get names unique to this run, a bind of the Docker socket binds the test
 * engine's own socket (still a path ending in docker.sock), /srv/hd-data a temporary directory.
 */
import { execFile } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { cpus, tmpdir } from "os";
import * as path from "path";
import { promisify } from "util";
import { containerFactsFromInspect } from "../../src/adapters/engine-api";
import type { ContainerFacts } from "../../src/facts/types";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../../src/rules/types";
import { NOW } from "../harness/fixtures";
import {
  cleanupEngineObjects,
  createContainer,
  createNetwork,
  docker,
  engineSocketPath,
  removeVolumes,
  TEST_IMAGE,
  uniqueName,
} from "../harness/engine";
import { engineCreateBody, engineNetworkConnects } from "../harness/pulumi-to-engine";
import {
  buildCorpus,
  CORPUS_NETWORKS,
  PIDS_LABEL,
  renderInspect,
  type CorpusEntry,
  type Inputs,
} from "../harness/verdict-corpus";

jest.setTimeout(180_000);

const run = promisify(execFile);
const corpus = buildCorpus();

/**
 * The sample: every hand-written case about what the engine or the docker CLI does (refusals, the
 * label=disable it adds, the PIDs-limit text the CLI parses); then, greedily, the generated
 * configuration that varies the most fields not yet covered, until every varied field appears twice.
 */
function sample(max = 40): CorpusEntry[] {
  const engineCases = corpus.filter((e) => e.key.startsWith("q") && /engine|docker CLI/.test(e.what));
  const generated = corpus.filter((e) => e.key.startsWith("g"));
  const fieldsOf = (e: CorpusEntry): string[] => e.what.replace("generated: ", "").split(", ");
  const classOf = (e: CorpusEntry): string[] =>
    fieldsOf(e).flatMap((f) => (covered.has(`${f}#1`) ? [`${f}#2`] : [`${f}#1`]));
  const rest = generated;
  const covered = new Set<string>();
  const all = new Set(generated.flatMap(fieldsOf).flatMap((f) => [`${f}#1`, `${f}#2`]));
  const chosen: CorpusEntry[] = [...engineCases];
  while ([...all].some((c) => !covered.has(c)) && chosen.length < max) {
    const gain = (e: CorpusEntry) => classOf(e).filter((c) => !covered.has(c)).length;
    const best = rest.filter((e) => !chosen.includes(e)).sort((a, b) => gain(b) - gain(a))[0]!;
    chosen.push(best);
    classOf(best).forEach((c) => covered.add(c));
  }
  if ([...all].some((c) => !covered.has(c)))
    throw new Error(`the sample of ${max} does not cover ${[...all].filter((c) => !covered.has(c))}`);
  return chosen;
}

const SAMPLE = sample();
const hostCpus = cpus().length;
const srv = mkdtempSync(path.join(tmpdir(), "hd-corpus-srv-"));
const names: Record<string, string> = {};
const volumes = new Set<string>();

/** The configuration as this machine can create it (the same substitution for the rendering and the engine). */
function localise(inputs: Inputs, key: string): Inputs {
  const net = (n: string) => names[n] ?? n;
  const hostPath = (p: string) =>
    p.endsWith("docker.sock") ? engineSocketPath() : p.replace(/^(\/etc\/\.\.)?\/srv\/hd-data$/, srv);
  const volume = (v: string) => {
    const name = `hd-it-${process.pid}-${v}`;
    volumes.add(name);
    return name;
  };
  const a = structuredClone(inputs) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  a.image = TEST_IMAGE;
  a.name = uniqueName(key);
  a.command = ["true"];
  if (a.networkMode) a.networkMode = net(a.networkMode);
  if (a.networksAdvanced) a.networksAdvanced = a.networksAdvanced.map((n: { name: string }) => ({ name: net(n.name) }));
  for (const m of a.mounts ?? []) {
    if (m.type === "bind") m.source = hostPath(m.source);
    if (m.type === "volume") m.source = volume(m.source);
  }
  for (const v of a.volumes ?? []) {
    if (v.hostPath) v.hostPath = hostPath(v.hostPath);
    if (v.volumeName) v.volumeName = volume(v.volumeName);
  }
  return a;
}

const CTX: RuleContext = { settings: { ...DEFAULT_SETTINGS, dockerSocketPath: engineSocketPath() }, now: NOW };

/** Facts without what differs by nature between two containers (id, name, the image's ID). */
function comparable(f: ContainerFacts): Partial<ContainerFacts> {
  const { id: _id, name: _name, ...rest } = f;
  // The engine lists a container's mounts in no fixed order (a Go map): compare them as a set.
  return { ...rest, mounts: [...rest.mounts].sort((a, b) => a.target.localeCompare(b.target)) };
}

beforeAll(async () => {
  for (const n of CORPUS_NETWORKS) names[n] = await createNetwork(`corpus-${n}`);
});
afterAll(async () => {
  await cleanupEngineObjects();
  await removeVolumes(volumes);
  rmSync(srv, { recursive: true, force: true });
});

it(`the sample covers every varied field and quirk class (${SAMPLE.length} configurations)`, () => {
  expect(SAMPLE.length).toBeGreaterThanOrEqual(25);
  expect(SAMPLE.length).toBeLessThanOrEqual(40);
});

describe.each(SAMPLE.map((e) => ({ ...e, label: `${e.key}: ${e.what}` })))("$label", (entry) => {
  it("the real engine's inspect gives the facts and verdicts the rendered inspect gives (or both refuse)", async () => {
    const inputs = localise(entry.inputs, entry.key);
    const rendered = renderInspect(inputs, { cpus: hostCpus, dataRoot: (await docker().info()).DockerRootDir });
    let id: string;
    try {
      id = await createContainer({ ...(engineCreateBody(inputs) as object), hint: entry.key } as never);
      for (const n of engineNetworkConnects(inputs)) await docker().getNetwork(n).connect({ Container: id });
    } catch (err) {
      if ("refused" in rendered) return; // predicted, and so it was
      throw new Error(
        `the engine refused ${entry.key}, which renderInspect predicts it accepts: ${(err as Error).message}\n` +
          `${JSON.stringify(inputs)}`,
      );
    }
    if ("refused" in rendered)
      throw new Error(
        `renderInspect predicts the engine refuses ${entry.key} (${rendered.refused}), but it created it`,
      );

    // The companion command the PIDs-limit label stands for, run by the real docker CLI.
    const claim = ((inputs.labels ?? []) as { label: string; value: string }[]).find(
      (l) => l.label === PIDS_LABEL,
    )?.value;
    if (claim !== undefined)
      await run("docker", ["update", `--pids-limit=${claim}`, "--", id], { env: { ...process.env } }).catch(
        () => undefined,
      );

    const real = containerFactsFromInspect(await docker().getContainer(id).inspect(), { imageConfig: {} });
    const predicted = containerFactsFromInspect(rendered.inspect, { imageConfig: {} });
    expect(comparable(real)).toEqual(comparable(predicted));
    const statuses = (f: ContainerFacts) => Object.fromEntries(evaluate([f], CTX).map((x) => [x.ruleId, x.status]));
    expect(statuses(real)).toEqual(statuses(predicted));
  });
});
