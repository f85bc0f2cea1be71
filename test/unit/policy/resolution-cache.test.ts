/**
 * The pack reads each resource once and judges every rule on it at once (src/policy/outcomes.ts
 * ResolutionCache, src/policy/policies.ts judgeAll). These tests look for stale answers: a
 * resource judged again under another config, with changed props, after other resources, or by
 * a pack with another clock must be judged anew, exactly as a pack without any cache would.
 */
import type { Policies } from "@pulumi/policy";
import { createPolicies } from "../../../src/policy";
import { analyzeResource, reconcileConfig, type EngineResource, type PackConfig } from "../../../src/check";
import { ResolutionCache } from "../../../src/policy/outcomes";
import { defineRule, fail, pass } from "../../../src/rules/types";
import { NOW } from "../../harness/fixtures";
import { compliantContainer, CONTAINER, exemptionLabel, pack } from "../../harness/policy";

const CAPS = "cis-5.4-restrict-capabilities";
const TRUST = "cis-4.5-verified-image";
const READ_ONLY = "cis-5.13-read-only-rootfs";

const resource = (name: string, overrides: Record<string, unknown> = {}): EngineResource => ({
  type: CONTAINER,
  name,
  urn: `urn:pulumi:t::p::${CONTAINER}::${name}`,
  props: compliantContainer({ name, ...overrides }),
});

/** Names of the policies that report a violation on the resource under this config. */
async function violations(policies: Policies, r: EngineResource, config?: PackConfig): Promise<string[]> {
  const result = await analyzeResource(policies, r, reconcileConfig(policies, "advisory", undefined, config));
  return result.diagnostics.map((d) => d.policyName).sort();
}

describe("judged outcomes follow each policy's own config", () => {
  const adds = resource("adds", { capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] } });

  it("one props object judged under two configs and back: the verdict follows the config every time", async () => {
    const policies = pack();
    expect(await violations(policies, adds)).not.toContain(CAPS); // NET_BIND_SERVICE is allowed by default
    expect(await violations(policies, adds, { [CAPS]: { capabilityAllowList: [] } })).toContain(CAPS);
    expect(await violations(policies, adds)).not.toContain(CAPS);
    expect(await violations(policies, adds, { [CAPS]: { capabilityAllowList: ["CHOWN"] } })).toContain(CAPS);
  });

  it(
    "a config that differs from the defaults from the first resource on " +
      "is honoured (no outcome judged with the defaults leaks)",
    async () => {
      const policies = pack();
      const config = { [CAPS]: { capabilityAllowList: [] } };
      expect(await violations(policies, adds, config)).toContain(CAPS);
      expect(
        await violations(
          policies,
          resource("adds-too", { capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] } }),
          config,
        ),
      ).toContain(CAPS);
    },
  );

  it("content trust (4.5) in one policy's config decides that policy only", async () => {
    const policies = pack();
    const tagged = resource("tagged", { image: "registry.example.com/team/api:1.0" });
    expect(await violations(policies, tagged)).toContain(TRUST);
    expect(await violations(policies, tagged, { [TRUST]: { contentTrust: true } })).not.toContain(TRUST);
    expect(await violations(policies, tagged)).toContain(TRUST);
  });

  it("gives the same diagnostics as a fresh pack, resource by resource, under a changing config", async () => {
    const shared = pack();
    const configs: (PackConfig | undefined)[] = [
      undefined,
      { [CAPS]: { capabilityAllowList: [] } },
      { all: "mandatory" },
      undefined,
    ];
    const resources = [adds, resource("privileged", { privileged: true }), adds, resource("plain")];
    for (const config of configs) {
      for (const r of resources) {
        const reconciled = reconcileConfig(shared, "advisory", undefined, config);
        expect(await analyzeResource(shared, r, reconciled)).toEqual(
          await analyzeResource(pack(), r, reconcileConfig(pack(), "advisory", undefined, config)),
        );
      }
    }
  });
});

describe("the resolution cache", () => {
  it("re-reads a resource whose props changed under the same URN (preview, then update)", async () => {
    const policies = pack();
    const before = resource("api", { readOnly: true });
    const after = { ...before, props: { ...before.props, readOnly: false } };
    expect(await violations(policies, before)).not.toContain(READ_ONLY);
    expect(await violations(policies, after)).toContain(READ_ONLY);
    expect(await violations(policies, before)).not.toContain(READ_ONLY);
  });

  it("equal props in a fresh copy per policy (as the engine deserialises them) are the same resource", async () => {
    const policies = pack();
    const r = resource("copy", { readOnly: false });
    const first = await analyzeResource(policies, r, reconcileConfig(policies));
    const copy = await analyzeResource(policies, r, reconcileConfig(policies), { freshPropsPerPolicy: true });
    expect(copy).toEqual(first);
    expect(first.diagnostics.map((d) => d.policyName)).toContain(READ_ONLY);
  });

  it("stays right when more resources interleave than it holds", async () => {
    const policies = pack();
    const rs = [resource("a", { readOnly: false }), resource("b"), resource("c", { privileged: true }), resource("d")];
    const expected = await Promise.all(rs.map((r) => violations(pack(), r)));
    for (let round = 0; round < 3; round++)
      for (const [i, r] of rs.entries()) expect(await violations(policies, r)).toEqual(expected[i]);
  });

  it("holds a resource by type, URN and name: the same props object under another name is read again", () => {
    const cache = new ResolutionCache(() => NOW);
    const props = compliantContainer();
    const a = cache.get({ type: CONTAINER, name: "a", urn: "urn:a", props });
    expect(cache.get({ type: CONTAINER, name: "a", urn: "urn:a", props })).toBe(a);
    const b = cache.get({ type: CONTAINER, name: "b", urn: "urn:b", props });
    expect(b).not.toBe(a);
    expect(b!.name).toBe("b");
    expect(cache.get({ type: CONTAINER, name: "a", urn: "urn:a", props: { ...props, readOnly: false } })).not.toBe(a);
  });

  it("reads each resource's clock once: a pack with another clock judges the same props by its own", async () => {
    const label = exemptionLabel("5.13", { reason: "writes its cache under /var/cache/app", expires: "2026-11-28" });
    const r = resource("clock", {
      readOnly: false,
      labels: [{ label: "hardened-docker.pids-limit", value: "256" }, label],
    });
    expect(await violations(pack(), r)).not.toContain(READ_ONLY); // last day of the exemption
    const later = pack({ now: () => new Date(NOW.getTime() + 24 * 3600 * 1000) });
    expect(await violations(later, r)).toContain(READ_ONLY);
    expect(await violations(pack(), r)).not.toContain(READ_ONLY);
  });
});

describe("a rule that throws", () => {
  const boom = defineRule({
    id: "hd-test-boom",
    slug: "throws",
    title: "Throws",
    section: 5,
    automated: true,
    level: 1,
    subject: "container",
    where: "decl",
    reads: ["privileged"],
    remediation: "None.",
    check: (c) => {
      if (c.name === "boom") throw new Error("kaboom");
      return pass();
    },
  });
  const quiet = defineRule({
    ...boom,
    id: "hd-test-quiet",
    slug: "quiet",
    title: "Quiet",
    check: (c) => (c.privileged ? fail("privileged", true, "false") : pass()),
  });

  it(
    "fails its own policy's call, not the first policy's (every rule " +
      "is judged when the first policy reads the resource)",
    async () => {
      const policies = createPolicies({ now: () => NOW, rules: [quiet, boom] });
      const config = reconcileConfig(policies);
      await expect(analyzeResource(policies, resource("boom"), config)).rejects.toThrow(
        /policy 'hd-test-boom-throws'[\s\S]*rule hd-test-boom failed on container "boom": kaboom/,
      );
      expect(
        (await analyzeResource(policies, resource("fine", { privileged: true }), config)).diagnostics.map(
          (d) => d.policyName,
        ),
      ).toEqual(["hd-test-quiet-quiet"]);
    },
  );
});
