/**
 * The one self-check the components run on the facts they plan (src/components/self-check.ts).
 */
import { containerFactsFromPulumiInputs } from "../../../src/adapters/pulumi-container";
import { networkFactsFromPulumiInputs } from "../../../src/adapters/pulumi-resources";
import { planHardenedContainer } from "../../../src/components/hardened-container";
import { planHardenedNetwork } from "../../../src/components/hardened-network";
import { refusalMessage, refusals, selfCheckFailures } from "../../../src/components/self-check";
import { exemptionsToLabels } from "../../../src/exemptions";
import { evaluate } from "../../../src/rules/evaluate";
import { DEFAULT_SETTINGS } from "../../../src/rules/types";

const NOW = new Date("2026-11-28T12:00:00Z");
const ctx = { settings: DEFAULT_SETTINGS, now: NOW };
const IMAGE = "registry.example.com/team/api@sha256:" + "d".repeat(64);
const planned = planHardenedContainer(
  "api",
  { image: IMAGE, memory: "256Mi", networks: ["backend"], healthcheck: { test: ["CMD", "/bin/true"] } },
  { now: NOW },
);
const withInputs = (over: Record<string, unknown>) =>
  containerFactsFromPulumiInputs({ ...planned.plainInputs, ...over }, "api");

describe("self-check", () => {
  it("finds no failure on what HardenedContainer plans by default", () => {
    expect(selfCheckFailures({ facts: planned.facts, ctx, rules: "automated" })).toEqual([]);
  });

  it("reports each failing rule with its field, value and expectation, exempted ones marked", () => {
    const labels = [
      ...(planned.plainInputs.labels ?? []),
      ...Object.entries(
        exemptionsToLabels([{ rule: "5.13", reason: "the app writes its cache in place", expires: "2027-01-01" }]),
      ).map(([label, value]) => ({ label, value })),
    ];
    const failures = selfCheckFailures({
      facts: withInputs({ readOnly: false, privileged: true, labels }),
      ctx,
      rules: "automated",
    });
    expect(failures.find((f) => f.ruleId === "5.13")).toMatchObject({
      field: "readOnlyRootfs",
      observed: false,
      exempted: true,
    });
    expect(failures.find((f) => f.ruleId === "5.5")).toMatchObject({
      field: "privileged",
      observed: true,
      exempted: false,
    });
  });

  it("refuses the unexempted failures, named by their argument, except those of doubtful arguments", () => {
    const failures = selfCheckFailures({
      facts: withInputs({ readOnly: false, privileged: true }),
      ctx,
      rules: "automated",
    });
    const argumentFor = (field: string) => (field === "readOnlyRootfs" ? "readOnlyRootfs" : field);
    const all = refusals(failures, { argumentFor });
    expect(all.some((r) => r.startsWith("readOnlyRootfs: false breaks CIS 5.13 ("))).toBe(true);
    expect(all.some((r) => r.startsWith("privileged: true breaks CIS 5.5 ("))).toBe(true);
    const some = refusals(failures, { argumentFor, doubtful: new Set(["privileged"]), refuse: (r) => r !== "5.13" });
    expect(some.filter((r) => r.startsWith("readOnlyRootfs") || r.startsWith("privileged"))).toEqual([]);
  });

  it("words a refusal as every component does", () => {
    expect(
      refusalMessage("memory", {
        ruleId: "5.11",
        title: "Memory usage is limited",
        field: "memoryBytes",
        observed: 0,
        expected: "a limit",
        exempted: false,
      }),
    ).toBe(
      "memory: 0 breaks CIS 5.11 (Memory usage is limited); expected a limit. " +
        'To accept this, add exemptions: [{ rule: "5.11", reason: "<why, 10+ chars>", expires: "YYYY-MM-DD" }].',
    );
  });

  it("judges HardenedNetwork's network too: the catalog's network rules pass on it", () => {
    const facts = networkFactsFromPulumiInputs(planHardenedNetwork("backend"), "backend");
    const judged = evaluate([facts], ctx).filter((f) => f.subject === "network");
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.filter((f) => f.status === "fail")).toEqual([]);
  });
});
