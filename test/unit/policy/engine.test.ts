/** The engine emulation used by `check`: configuration and enforcement as the Pulumi engine does them. */
import type { Policies } from "@pulumi/policy";
import { analyzeResource, analyzeStack, effectiveLevel, reconcileConfig } from "../../../src/check";

const noop = () => undefined;
const policies: Policies = [
  {
    name: "a",
    description: "A",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        limit: { type: "integer", minimum: 1, default: 5 },
        names: { type: "array", items: { type: "string" }, default: ["x"] },
      },
    },
    validateResource: (_args, report) => report("bad a"),
  },
  {
    name: "b",
    description: "B",
    validateResource: (args, report) => report(`b sees ${JSON.stringify(args.getConfig())}`),
  },
  {
    name: "s",
    description: "S",
    enforcementLevel: "remediate",
    validateStack: (args, report) =>
      report(`${args.resources.length} resources; parent of child = ${args.resources[1]?.parent?.name}`),
  },
  { name: "t", description: "T", validateResource: Object.assign(noop, { __pulumiType: "other:index:Thing" }) },
];

describe("reconcileConfig (the engine's ReconcilePolicyPackConfig)", () => {
  it("starts from schema defaults and the policies' levels (the pack's level for the rest)", () => {
    expect(reconcileConfig(policies, "advisory")).toEqual({
      a: { enforcementLevel: "mandatory", properties: { limit: 5, names: ["x"] } },
      b: { enforcementLevel: "advisory", properties: {} },
      s: { enforcementLevel: "remediate", properties: {} },
      t: { enforcementLevel: "advisory", properties: {} },
    });
  });

  it("applies the initial config, then the user's; `all` sets every level; properties merge key by key", () => {
    const config = reconcileConfig(
      policies,
      "advisory",
      { all: "mandatory", a: { limit: 7 } },
      { b: "disabled", a: { names: ["y"] } },
    );
    expect(config.a).toEqual({ enforcementLevel: "mandatory", properties: { limit: 7, names: ["y"] } });
    expect(config.b!.enforcementLevel).toBe("disabled");
    expect(config.t!.enforcementLevel).toBe("mandatory");
    expect(
      reconcileConfig(policies, "advisory", undefined, { all: "advisory", a: "mandatory" }).a!.enforcementLevel,
    ).toBe("mandatory");
  });

  it("validates the result against the schemas", () => {
    expect(() => reconcileConfig(policies, "advisory", undefined, { a: { limit: 0 } })).toThrow(
      /a.limit: must be at least 1/,
    );
    expect(() => reconcileConfig(policies, "advisory", undefined, { a: { names: [1] } })).toThrow(
      /a.names: item expected a string/,
    );
    expect(() => reconcileConfig(policies, "advisory", undefined, { a: { extra: true } })).toThrow(
      /unknown property "extra"/,
    );
    expect(() =>
      reconcileConfig(policies, "advisory", undefined, { a: { enforcementLevel: "strict" as never } }),
    ).toThrow(/not one of/);
  });
});

describe("analyzeResource / analyzeStack", () => {
  const resource = {
    type: "docker:index/container:Container",
    name: "web",
    urn: "urn:pulumi:s::p::docker:index/container:Container::web",
    props: {},
  };

  it("reports at the effective level, prefixes the description, skips disabled and other-typed policies", async () => {
    const config = reconcileConfig(policies, "advisory", undefined, { b: { enforcementLevel: "mandatory" } });
    const result = await analyzeResource(policies, resource, config);
    expect(result.diagnostics).toEqual([
      { policyName: "a", description: "A", message: "A\nbad a", urn: resource.urn, enforcementLevel: "mandatory" },
      {
        policyName: "b",
        description: "B",
        message: "B\nb sees {}",
        urn: resource.urn,
        enforcementLevel: "mandatory",
      },
    ]);
    expect(result.notApplicable).toEqual([
      { policyName: "t", urn: resource.urn, reason: "Policy only applies to resources of type 'other:index:Thing'" },
    ]);
    const disabled = await analyzeResource(
      policies,
      resource,
      reconcileConfig(policies, "advisory", undefined, { a: "disabled" }),
    );
    expect(disabled.diagnostics.map((d) => d.policyName)).toEqual(["b"]);
  });

  it("hands getConfig the reconciled properties (defaults included)", async () => {
    const withProps: Policies = [
      {
        name: "c",
        description: "C",
        configSchema: { properties: { n: { type: "number", default: 3 } } },
        validateResource: (args, report) => report(JSON.stringify(args.getConfig())),
      },
    ];
    const result = await analyzeResource(withProps, resource, reconcileConfig(withProps));
    expect(result.diagnostics[0]!.message).toBe('C\n{"n":3}');
  });

  it("a stack policy at remediate runs as mandatory and sees parents linked", async () => {
    const parent = { ...resource, name: "comp", type: "x:index:Comp", urn: "urn:pulumi:s::p::x:index:Comp::comp" };
    const child = { ...resource, parent: parent.urn };
    const result = await analyzeStack(policies, [parent, child], reconcileConfig(policies));
    expect(result.diagnostics).toEqual([
      {
        policyName: "s",
        description: "S",
        message: "S\n2 resources; parent of child = comp",
        enforcementLevel: "mandatory",
      },
    ]);
    expect(effectiveLevel("s", policies, reconcileConfig(policies))).toBe("mandatory");
  });

  it("a policy that throws anything else fails the analysis, as in the engine", async () => {
    const broken: Policies = [
      {
        name: "x",
        description: "X",
        validateResource: () => {
          throw new TypeError("oops");
        },
      },
    ];
    await expect(analyzeResource(broken, resource, reconcileConfig(broken))).rejects.toThrow(
      /Error validating resource with policy 'x'.*oops/s,
    );
  });
});
