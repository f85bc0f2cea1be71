/**
 * The pack's fixes (issue #19), for any docker.Container of the verdict corpus's kind
 * (test/harness/verdict-corpus.ts: the compliant container with one to five inputs changed,
 * quirks included): where a rule's fix applies, the fixed inputs
 *   - pass the rule fixed,
 *   - fail no rule they passed before,
 *   - differ, as facts, only in the fields that rule reads,
 *   - and are fixed no further when fixed again (remediating twice changes nothing).
 * A fix applies only where its rule fails: never to a container that passes or is exempted.
 */
import fc from "fast-check";
import type { ContainerFacts } from "../../src/facts/types";
import { packRules } from "../../src/policy/policies";
import { fixAll, fixResource } from "../../src/policy/remediation";
import { DOCKER_CONTAINER, judgeRule, resolveResource, type ResolvedResource } from "../../src/policy/resources";
import { DEFAULT_SETTINGS, type AnyRule, type RuleContext } from "../../src/rules/types";
import { NOW } from "../harness/fixtures";
import { containerInputs } from "../harness/verdict-corpus";

const ctx: RuleContext = { settings: DEFAULT_SETTINGS, now: NOW };
const containerRules = packRules()
  .filter((e) => e.kinds.some((k) => k.type === DOCKER_CONTAINER))
  .map((e) => e.rule);
const fixable = containerRules.filter((r) => r.fix);
const RUNS = 400;

/** Options that break the fixable rules, as users write them (dockerd splits at `=` or `:`). */
const BREAKING_OPTS = [
  "apparmor=unconfined",
  "apparmor:unconfined",
  "seccomp=unconfined",
  "seccomp:unconfined",
  "no-new-privileges=false",
  "no-new-privileges:0",
];
/** The corpus's containers, some with breaking options added to their own. */
const inputsArbitrary = fc
  .tuple(containerInputs("c"), fc.subarray(BREAKING_OPTS, { maxLength: 2 }))
  .map(([inputs, extra]) =>
    extra.length ? { ...inputs, securityOpts: [...((inputs.securityOpts as string[]) ?? []), ...extra] } : inputs,
  );

const resolve = (inputs: Record<string, unknown>): ResolvedResource =>
  resolveResource(DOCKER_CONTAINER, "c", inputs, NOW)!;
const status = (res: ResolvedResource, rule: AnyRule) => judgeRule(res, rule, ctx).status;

/** The facts without the fields a rule reads (and the raw option list those are parsed from). */
function factsBeside(facts: ContainerFacts, reads: readonly string[]): unknown {
  const copy = structuredClone(facts) as unknown as Record<string, Record<string, unknown>>;
  delete copy.securityOptions!.raw;
  for (const path of reads) {
    const [root, leaf] = path.split(".");
    if (leaf === undefined) delete copy[root!];
    else if (copy[root!]) delete copy[root!]![leaf];
  }
  return copy;
}

describe("the pack's fixes", () => {
  it("exist for the rules whose fix is safe without knowing the workload, and for no other", () => {
    expect(fixable.map((r) => r.id).sort()).toEqual(["5.14", "5.15", "5.2", "5.22", "5.26", "5.4"]);
    // Privileged and a mounted docker socket need a person.
    expect(containerRules.find((r) => r.id === "5.5")?.fix).toBeUndefined();
    expect(containerRules.find((r) => r.id === "5.32")?.fix).toBeUndefined();
  });

  describe.each(fixable.map((r) => [r.id, r] as const))("%s", (_id, rule) => {
    let applied = 0;
    afterAll(() => {
      // The property is not vacuous: the corpus reaches this fix.
      expect(applied).toBeGreaterThan(5);
    });

    it("fixes what it applies to, breaks nothing that passed, touches only its fields, and is idempotent", () => {
      fc.assert(
        fc.property(inputsArbitrary, (inputs) => {
          const before = resolve(inputs);
          const fixed = fixResource(rule, { type: DOCKER_CONTAINER, name: "c", inputs }, ctx);
          if (!fixed) {
            // Not applied: either nothing to fix, or no safe change would make the rule pass.
            return;
          }
          applied++;
          expect(status(before, rule)).toBe("fail");
          const after = resolve(fixed.inputs);
          expect(status(after, rule)).toBe("pass");
          for (const other of containerRules) {
            if (status(before, other) === "pass") expect([other.id, status(after, other)]).toEqual([other.id, "pass"]);
          }
          expect(factsBeside(after.facts as ContainerFacts, rule.reads ?? [])).toEqual(
            factsBeside(before.facts as ContainerFacts, rule.reads ?? []),
          );
          expect(fixResource(rule, { type: DOCKER_CONTAINER, name: "c", inputs: fixed.inputs }, ctx)).toBeUndefined();
        }),
        { numRuns: RUNS, seed: 19_004 },
      );
    });
  });

  it("all fixes together: applied in turn, then nothing is left to fix", () => {
    fc.assert(
      fc.property(inputsArbitrary, (inputs) => {
        const once = fixAll(fixable, { type: DOCKER_CONTAINER, name: "c", inputs }, () => ctx);
        const twice = fixAll(fixable, { type: DOCKER_CONTAINER, name: "c", inputs: once.inputs }, () => ctx);
        expect(twice.fixes).toEqual([]);
        expect(twice.inputs).toEqual(once.inputs);
      }),
      { numRuns: RUNS, seed: 19_005 },
    );
  });
});
