/**
 * CIS Docker Benchmark v1.8.0 beside v1.6.0: each rule's id in each version, which rules each
 * version has, and exemptions that keep working whichever version they were written against
 * (a version's id is read as the rule's stable key).
 */
import { planHardenedContainer } from "../../../src/components/hardened-container";
import { createPolicies, policyMeta } from "../../../src/policy";
import { benchmarkId, inBenchmark, ruleKeyOf } from "../../../src/rules/benchmarks";
import { CATALOG, catalogFor, ruleById } from "../../../src/rules/catalog";
import { evaluate } from "../../../src/rules/evaluate";
import { container, ctx, daemon, NOW } from "../../harness/fixtures";

describe("a rule's id in each benchmark version", () => {
  it("v1.6.0 ids are the stable keys; v1.8.0 renumbers section 2 from 2.7 and keeps the other sections", () => {
    const v18 = (key: string) => benchmarkId(ruleById(key)!, "cis-1.8.0");
    expect(["2.6", "2.6.1", "2.7", "2.12", "2.18"].map(v18)).toEqual(["2.6", "2.7", "2.8", "2.13", "2.19"]);
    expect(["1.1.1", "3.13", "4.1", "5.14", "7.3"].map(v18)).toEqual(["1.1.1", "3.13", "4.1", "5.14", "7.3"]);
    for (const r of CATALOG) if (inBenchmark(r, "cis-1.6.0")) expect(benchmarkId(r, "cis-1.6.0")).toBe(r.id);
  });

  it(
    "each version has its own items: 2.6.1 (devicemapper) only in v1.8.0; no two rules " +
      "share an id within a version",
    () => {
      expect(catalogFor("cis-1.6.0").map((r) => r.id)).not.toContain("2.6.1");
      expect(catalogFor("cis-1.8.0").map((r) => r.id)).toContain("2.6.1");
      for (const b of ["cis-1.6.0", "cis-1.8.0"] as const) {
        const ids = catalogFor(b).map((r) => benchmarkId(r, b));
        expect(new Set(ids).size).toBe(ids.length);
      }
    },
  );

  it("reads a version's id back as the stable key, and nothing else", () => {
    expect(ruleKeyOf("2.12", CATALOG)).toBe("2.12");
    expect(ruleKeyOf("cis-1.8.0:2.13", CATALOG)).toBe("2.12");
    expect(ruleKeyOf("cis-1.8:2.7", CATALOG)).toBe("2.6.1");
    expect(ruleKeyOf("cis-1.6.0:2.7", CATALOG)).toBe("2.7");
    expect(ruleKeyOf("cis-1.8.0:5.13", CATALOG)).toBe("5.13");
    for (const bad of ["cis-1.6.0:2.6.1", "cis-1.8.0:2.20", "cis-9.9.0:1.1.1", "2.19", "cis-1.8.0:", "cis-1.8.0:2.13 "])
      expect([bad, ruleKeyOf(bad, CATALOG)]).toEqual([bad, undefined]);
  });
});

describe("judging for a benchmark version", () => {
  it("evaluate judges the version's rules; without one (the components), every version's", () => {
    const dm = daemon({ storageDriver: "devicemapper" });
    const ids = (benchmark?: "cis-1.6.0" | "cis-1.8.0") =>
      evaluate([dm], ctx(benchmark ? { benchmark } : {})).map((f) => f.ruleId);
    expect(ids("cis-1.6.0")).not.toContain("2.6.1");
    expect(ids("cis-1.8.0")).toContain("2.6.1");
    expect(evaluate([dm], ctx()).find((f) => f.ruleId === "2.6.1")?.status).toBe("fail");
  });

  it(
    "the pack for v1.8.0 has the devicemapper policy and describes every rule by its " +
      "v1.8.0 id; the default pack is v1.6.0's",
    () => {
      const names = (p: ReturnType<typeof createPolicies>) => p.map((x) => x.name);
      expect(names(createPolicies())).not.toContain("cis-2.6.1-no-devicemapper");
      const v18 = createPolicies({ benchmark: "cis-1.8.0" });
      expect(names(v18)).toContain("cis-2.6.1-no-devicemapper");
      const tls = v18.find((p) => policyMeta(p)?.ruleId === "2.7")!;
      expect(tls.name).toBe("cis-2.7-tcp-requires-tls"); // names keep the stable key: pack configs stay valid
      expect(tls.description).toContain("CIS Docker Benchmark 1.8.0 2.8,");
      expect((tls as { framework?: { version: string; reference: string } }).framework).toMatchObject({
        version: "1.8.0",
        reference: "2.8",
      });
    },
  );
});

describe("exemptions hold across versions", () => {
  it("a label naming a rule by its v1.8.0 id excuses that rule", () => {
    const c = container({
      readOnlyRootfs: false,
      labels: {
        "hardened-docker.exemption.cis-1.8.0:5.13": JSON.stringify({ reason: "legacy app writes to /var/run" }),
      },
    });
    const f = evaluate([c], ctx({ benchmark: "cis-1.8.0" })).find((x) => x.ruleId === "5.13")!;
    expect(f.status).toBe("exempted");
    const daemonLabelled = daemon({
      authorizationPlugins: [],
      labels: {
        "hardened-docker.exemption.cis-1.8.0:2.13": JSON.stringify({ reason: "no authz plugin packaged yet" }),
      },
    } as never);
    expect(evaluate([daemonLabelled], ctx({ benchmark: "cis-1.6.0" })).find((x) => x.ruleId === "2.12")!.status).toBe(
      "exempted",
    );
  });

  it("a component's exemption written against v1.8.0 is accepted and carried under the stable key", () => {
    const plan = planHardenedContainer(
      "legacy",
      {
        image: `registry.example.com/app@sha256:${"e".repeat(64)}`,
        user: "10001:10001",
        memory: "64Mi",
        networks: ["backend"],
        healthcheck: { test: ["CMD", "true"] },
        readOnlyRootfs: false,
        exemptions: [{ rule: "cis-1.8.0:5.13", reason: "legacy app writes to /var/run" }],
      },
      { now: NOW },
    );
    const labels = plan.containerArgs.labels as { label: string; value: string }[];
    expect(labels.map((l) => l.label)).toContain("hardened-docker.exemption.5.13");
    expect(labels.map((l) => l.label).some((l) => l.includes("cis-1.8.0"))).toBe(false);
  });
});
