/**
 * One verdict per configuration (issue #17 item 4), systematically: for every docker.Container
 * configuration of the corpus (test/harness/verdict-corpus.ts: hand-written quirk cases plus 560
 * generated ones), every container rule the policy pack has gets the same status
 *
 *   - from the policy pack on the Pulumi inputs (each rule's policy called as the engine calls it),
 *   - from the live audit on the inspect the engine returns for the container made from those inputs
 *     (rendered by `renderInspect`, whose model of dockerd the integration test verdict-corpus.test.ts
 *     checks against the real engine), read by `containerFactsFromInspect` and judged by `evaluate`,
 *   - from HardenedContainer's self-check, where its arguments can express the configuration
 *     (`componentArgsFor`; COMPONENT_CANNOT_EXPRESS lists what they cannot): a rule it refuses,
 *     naming the rule, is a fail; an automated rule it does not name is not one,
 *   - from `check`: one Pulumi program declaring every configuration of the corpus (with the companion
 *     command that applies its PIDs-limit label, as HardenedContainer creates), run offline as
 *     `hardened-docker check` runs it.
 *
 * Like for like: the declared side cannot know the image's configuration, the container's running
 * state or the host's LSMs, so the live side is given what the declared side assumes. The image has
 * no USER and no HEALTHCHECK (`imageConfig: {}`: what the test image has), the container is created
 * and never started (so AppArmor is judged on its declaration, no process list, no health status,
 * ports from the declaration), and neither side knows the host or the daemon (no `host`, no
 * `daemon` in the context: the pack has neither). Configurations the engine refuses at create
 * have no live verdict; they are counted, and the integration test checks the engine refuses them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { containerFactsFromInspect } from "../../src/adapters/engine-api";
import { HardenedArgsError } from "../../src/components/args";
import { planHardenedContainer } from "../../src/components/hardened-container";
import { checkProgram } from "../../src/policy/check";
import { policyName } from "../../src/policy/metadata";
import type { Observation } from "../../src/policy/outcomes";
import { packRules } from "../../src/policy/policies";
import { DOCKER_CONTAINER } from "../../src/policy/resources";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS, type AnyRule, type RuleContext } from "../../src/rules/types";
import { NOW } from "../harness/fixtures";
import { CONTAINER, invoke, pack } from "../harness/policy";
import { buildCorpus, componentArgsFor, renderInspect, type CorpusEntry } from "../harness/verdict-corpus";

jest.setTimeout(120_000);

/** The container rules the pack judges on a docker.Container. */
const RULES: AnyRule[] = packRules()
  .filter((e) => e.kinds.some((k) => k.type === DOCKER_CONTAINER))
  .map((e) => e.rule);
const AUTOMATED = RULES.filter((r) => r.automated).map((r) => r.id);

const corpus = buildCorpus();
type Statuses = Record<string, string>;

/** The pack's status per rule: each rule's policy invoked like the engine does, with an observer seeing passes too. */
async function packStatuses(entry: CorpusEntry): Promise<Statuses> {
  const seen: Observation[] = [];
  const policies = pack({ observer: (o) => seen.push(o) });
  const out: Statuses = {};
  for (const rule of RULES) {
    const r = await invoke(policies, policyName(rule), { type: CONTAINER, name: entry.key, props: entry.inputs });
    const o = seen.filter((x) => x.ruleId === rule.id).pop();
    out[rule.id] =
      r.notApplicable !== undefined ? "not-applicable" : (o?.status ?? (r.violations.length ? "fail" : "pass"));
  }
  return out;
}

const LIVE_CTX: RuleContext = { settings: DEFAULT_SETTINGS, now: NOW };

function liveStatuses(inspect: unknown): Statuses {
  const facts = containerFactsFromInspect(inspect, { imageConfig: {} });
  const ids = new Set(RULES.map((r) => r.id));
  return Object.fromEntries(
    evaluate([facts], LIVE_CTX)
      .filter((f) => ids.has(f.ruleId))
      .map((f) => [f.ruleId, f.status]),
  );
}

/**
 * Rules HardenedContainer refuses these arguments for (the catalog rules its error names), or undefined
 * when it cannot express them.
 */
function componentFails(entry: CorpusEntry): Set<string> | { cannot: string } {
  const mapped = componentArgsFor(entry.inputs);
  if ("cannot" in mapped) return mapped;
  try {
    planHardenedContainer(entry.key, mapped.args as never, { now: NOW });
    return new Set();
  } catch (err) {
    if (!(err instanceof HardenedArgsError)) throw err;
    const named = new Set<string>();
    for (const line of err.problems) for (const m of line.matchAll(/CIS (\d+\.\d+)\b/g)) named.add(m[1]!);
    // An argument refused before the self-check (its shape) is no verdict on a rule.
    if (named.size === 0)
      throw new Error(
        `${entry.key} (${entry.what}): HardenedContainer refused the mapped ` +
          `arguments without naming a rule: ${err.message}`,
      );
    return named;
  }
}

const disagreement = (entry: CorpusEntry, a: string, sa: Statuses, b: string, sb: Statuses) =>
  Object.keys(sa)
    .filter((id) => sa[id] !== sb[id])
    .map(
      (id) =>
        `${entry.key} (${entry.what}) rule ${id}: ${a} ${sa[id]}, ${b} ${sb[id]}\n` +
        `  inputs: ${JSON.stringify(entry.inputs)}`,
    );

describe("one verdict per configuration (corpus)", () => {
  // HardenedContainer warns of exemptions these arguments do not need (the corpus carries some on purpose).
  beforeAll(() => jest.spyOn(console, "warn").mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  const pack: Record<string, Statuses> = {};
  beforeAll(async () => {
    for (const entry of corpus) pack[entry.key] = await packStatuses(entry);
  });

  it(`has at least 500 configurations (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    expect(new Set(corpus.map((e) => e.key)).size).toBe(corpus.length);
  });

  it("the pack and the live audit of the container the engine makes agree, rule by rule", () => {
    const problems: string[] = [];
    let refused = 0;
    for (const entry of corpus) {
      const rendered = renderInspect(entry.inputs, { cpus: 1 });
      if ("refused" in rendered) {
        refused++;
        continue;
      }
      problems.push(...disagreement(entry, "pack", pack[entry.key]!, "live", liveStatuses(rendered.inspect)));
    }
    expect(problems).toEqual([]);
    // Most of the corpus is deployable: the comparison is not vacuous.
    expect(refused).toBeLessThan(corpus.length / 4);
  });

  it(
    "HardenedContainer's self-check refuses exactly the automated rules the pack fails, " +
      "where its arguments express the configuration",
    () => {
      const problems: string[] = [];
      let compared = 0;
      for (const entry of corpus) {
        const fails = componentFails(entry);
        if (!(fails instanceof Set)) continue;
        compared++;
        const packFails = AUTOMATED.filter((id) => pack[entry.key]![id] === "fail");
        const componentFailsAutomated = AUTOMATED.filter((id) => fails.has(id));
        if (packFails.join() !== componentFailsAutomated.join())
          problems.push(
            `${entry.key} (${entry.what}): pack fails [${packFails}], ` +
              `HardenedContainer refuses [${componentFailsAutomated}]\n  inputs: ${JSON.stringify(entry.inputs)}`,
          );
      }
      expect(problems).toEqual([]);
      expect(compared).toBeGreaterThan(100);
    },
  );

  /**
   * `check` runs the SDK under mocks (about 0.1 s a resource here):
   * the quirk cases and every eighth generated configuration.
   */
  const checked = corpus.filter((e, i) => e.key.startsWith("q") || i % 8 === 0);

  describe(`check: one program declaring ${checked.length} configurations of the corpus`, () => {
    const ROOT = path.join(__dirname, "../..");
    const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-verdict-corpus-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("gives each configuration the pack's status for every rule", async () => {
      writeFileSync(path.join(dir, "Pulumi.yaml"), "name: verdict-corpus\nruntime: nodejs\n");
      writeFileSync(
        path.join(dir, "corpus.json"),
        JSON.stringify(checked.map((e) => ({ key: e.key, inputs: e.inputs }))),
      );
      writeFileSync(
        path.join(dir, "index.ts"),
        [
          'import * as command from "@pulumi/command";',
          'import * as docker from "@pulumi/docker";',
          'import * as pulumi from "@pulumi/pulumi";',
          "// eslint-disable-next-line @typescript-eslint/no-require-imports",
          'const corpus = require("./corpus.json") as { key: string; inputs: Record<string, any> }[];',
          "for (const { key, inputs } of corpus) {",
          "  const c = new docker.Container(key, inputs as docker.ContainerArgs);",
          "  const claim = (inputs.labels ?? []).find((l: { label: string }) " +
            '=> l.label === "hardened-docker.pids-limit")?.value;',
          "  // The companion command HardenedContainer creates for the PIDs limit its label declares.",
          "  if (claim !== undefined) new command.local.Command(`${key}-pids-limit`, { create: " +
            "pulumi.interpolate`docker update --pids-limit=${claim} -- ${c.id}` }, { dependsOn: [c] });",
          "}",
        ].join("\n"),
      );
      const result = await checkProgram(dir, { now: NOW, root: dir });
      expect(result.run.errors).toEqual([]);
      const byKey = new Map<string, Statuses>();
      for (const f of result.findings) {
        if (f.subject.type !== DOCKER_CONTAINER || !f.rule.catalogId) continue;
        const statuses = byKey.get(f.subject.name) ?? byKey.set(f.subject.name, {}).get(f.subject.name)!;
        // The stack policy that the declared PIDs limit is applied is part of 5.29's verdict.
        if (f.rule.id.endsWith("-applied")) {
          if (f.status === "fail") statuses["5.29"] = "fail";
          continue;
        }
        if (statuses[f.rule.catalogId] !== "fail") statuses[f.rule.catalogId] = f.status;
      }
      const problems: string[] = [];
      for (const entry of checked) {
        const got = byKey.get(entry.key) ?? {};
        // `check` reports a rule the policy found not applicable as such; a missing finding is one the engine skipped.
        const expected = Object.fromEntries(RULES.map((r) => [r.id, pack[entry.key]![r.id]!]));
        const actual = Object.fromEntries(RULES.map((r) => [r.id, got[r.id] ?? "missing"]));
        problems.push(...disagreement(entry, "pack", expected, "check", actual));
      }
      expect(problems).toEqual([]);
    });
  });
});
