import type { SwarmFacts } from "../../../src/facts/types";
import { splitListenAddr } from "../../../src/rules/kit/swarm";
import { SECTION_7 } from "../../../src/rules/section7";
import { minimalManagers } from "../../../src/rules/section7/7.1-swarm-has-minimal-odd-number";
import { specificListenAddr } from "../../../src/rules/section7/7.2-swarm-management-listens-specific-address";
import { encryptedOverlay } from "../../../src/rules/section7/7.3-encrypted-overlay";
import { swarmSecrets } from "../../../src/rules/section7/7.4-swarm-secrets-hold-service-secrets";
import { autolock } from "../../../src/rules/section7/7.5-swarm-managers-run-with-autolock";
import { DEFAULT_SETTINGS, type Rule } from "../../../src/rules/types";
import { ctx, network, swarm } from "../../harness/fixtures";

/** A compliant swarm manager (the fixture's baseline is a host without swarm). */
const manager = (o: Partial<SwarmFacts> = {}) =>
  swarm({
    state: "active",
    active: true,
    isManager: true,
    managers: 3,
    nodes: 5,
    listenAddr: "10.0.0.5:2377",
    autolockEnabled: true,
    ...o,
  });
const worker = (o: Partial<SwarmFacts> = {}) =>
  manager({ isManager: false, managers: 0, autolockEnabled: undefined, ...o });
const tolerance = (swarmFaultTolerance: number) => ctx({ settings: { ...DEFAULT_SETTINGS, swarmFaultTolerance } });
const swarmRules = SECTION_7.filter((r) => r.subject === "swarm") as Rule<"swarm">[];

describe("section 7 catalog entries", () => {
  it("has 7.1–7.9 with automation as in CIS, level 1, and the old numbering as aliases", () => {
    expect(SECTION_7.map((r) => r.id)).toEqual(["7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "7.9"]);
    expect(SECTION_7.filter((r) => r.automated).map((r) => r.id)).toEqual(["7.1", "7.2", "7.3", "7.5"]);
    expect(SECTION_7.map((r) => r.subject)).toEqual([
      "swarm",
      "swarm",
      "network",
      "swarm",
      "swarm",
      "swarm",
      "swarm",
      "swarm",
      "swarm",
    ]);
    for (const r of SECTION_7) {
      expect(r.level).toBe(1);
      expect(r.section).toBe(7);
      const n = Number(r.id.split(".")[1]);
      expect(r.aliases).toEqual([`cis-1.13:7.${n + 1}`]);
    }
  });

  it("no automated rule fails the fixture baselines (swarm inactive, bridge network → n/a)", () => {
    for (const r of swarmRules) expect(r.check(swarm(), ctx()).status).toBe("not-applicable");
    expect(encryptedOverlay.check(network(), ctx()).status).toBe("not-applicable");
  });

  it("a compliant manager and an encrypted overlay pass every automated rule", () => {
    for (const r of swarmRules)
      expect([r.id, r.check(manager(), ctx()).status]).toEqual([r.id, r.automated ? "pass" : "manual"]);
    expect(encryptedOverlay.check(network({ driver: "overlay", scope: "swarm", encrypted: true }), ctx()).status).toBe(
      "pass",
    );
  });

  it("every swarm rule is n/a without swarm and says so", () => {
    for (const state of ["inactive", "pending", "error"]) {
      for (const r of swarmRules) {
        const v = r.check(swarm({ state }), ctx());
        expect(v).toMatchObject({ status: "not-applicable" });
        expect(v.status === "not-applicable" && v.why).toMatch(/swarm mode is not active/);
      }
    }
  });
});

describe("7.1 minimal odd number of managers", () => {
  it("passes 2f+1 managers", () => {
    expect(minimalManagers.check(manager({ managers: 3 }), tolerance(1)).status).toBe("pass");
    expect(minimalManagers.check(manager({ managers: 1 }), tolerance(0)).status).toBe("pass");
    expect(minimalManagers.check(manager({ managers: 5 }), tolerance(2)).status).toBe("pass");
  });

  it("fails an odd count above what the fault tolerance needs (odd alone is not minimal)", () => {
    const v = minimalManagers.check(manager({ managers: 5 }), tolerance(1));
    expect(v).toMatchObject({ status: "fail", field: "managers", observed: 5 });
    expect(v.status === "fail" && v.detail).toMatch(/more than the 1 wanted/);
  });

  it("fails an even count", () => {
    const v = minimalManagers.check(manager({ managers: 4 }), tolerance(1));
    expect(v).toMatchObject({ status: "fail", field: "managers", observed: 4 });
    expect(v.status === "fail" && v.detail).toMatch(/even/);
    expect(minimalManagers.check(manager({ managers: 2 }), tolerance(0)).status).toBe("fail");
  });

  it("fails too few managers for the wanted tolerance", () => {
    const v = minimalManagers.check(manager({ managers: 1 }), tolerance(1));
    expect(v).toMatchObject({ status: "fail", expected: expect.stringMatching(/^3 managers/) });
    expect(v.status === "fail" && v.detail).toMatch(/fewer than the 1 wanted/);
  });

  it("is n/a on a worker, which does not see the manager count", () => {
    const v = minimalManagers.check(worker(), ctx());
    expect(v.status === "not-applicable" && v.why).toMatch(/worker/);
  });
});

describe("7.2 swarm listens on a specific address", () => {
  it("splits listen addresses", () => {
    expect(splitListenAddr("0.0.0.0:2377")).toEqual({ host: "0.0.0.0", port: 2377 });
    expect(splitListenAddr("[::]:2377")).toEqual({ host: "::", port: 2377 });
    expect(splitListenAddr("::")).toEqual({ host: "::", port: 2377 });
    expect(splitListenAddr(":4567")).toEqual({ host: "", port: 4567 });
    expect(splitListenAddr("eth0")).toEqual({ host: "eth0", port: 2377 });
    expect(splitListenAddr("fe80::1")).toEqual({ host: "fe80::1", port: 2377 });
  });

  it("recognises wildcards, IPv6 spellings included", () => {});

  it.each(["10.0.0.5:2377", "10.0.0.5", "eth0:2377", "[2001:db8::5]:2377"])("passes %s", (listenAddr) => {
    expect(specificListenAddr.check(manager({ listenAddr }), ctx()).status).toBe("pass");
  });

  it.each(["0.0.0.0:2377", "[::]:2377", "::", ":2377", "0.0.0.0", ""])("fails wildcard %j", (listenAddr) => {
    expect(specificListenAddr.check(manager({ listenAddr }), ctx())).toMatchObject({
      status: "fail",
      field: "listenAddr",
      observed: listenAddr,
    });
  });

  it("fails an unset listen address (swarm's default is 0.0.0.0:2377)", () => {
    const v = specificListenAddr.check(manager({ listenAddr: undefined }), ctx());
    expect(v).toMatchObject({ status: "fail", field: "listenAddr", observed: null });
    expect(v.status === "fail" && v.detail).toMatch(/0\.0\.0\.0:2377/);
  });

  it("applies to workers too (they listen for the cluster as well)", () => {
    expect(specificListenAddr.check(worker({ listenAddr: "0.0.0.0:2377" }), ctx()).status).toBe("fail");
  });
});

describe("7.3 encrypted overlay networks", () => {
  it("fails an unencrypted overlay network", () => {
    expect(
      encryptedOverlay.check(network({ driver: "overlay", scope: "swarm", encrypted: false }), ctx()),
    ).toMatchObject({
      status: "fail",
      field: "encrypted",
      observed: false,
    });
  });

  it("passes an encrypted overlay network", () => {
    expect(
      encryptedOverlay.check(network({ driver: "overlay", encrypted: true, options: { encrypted: "" } }), ctx()).status,
    ).toBe("pass");
  });

  it.each(["bridge", "macvlan", "host"])("is n/a for driver %s, saying why", (driver) => {
    const v = encryptedOverlay.check(network({ driver }), ctx());
    expect(v.status === "not-applicable" && v.why).toMatch(/not overlay/);
  });
});

describe("7.5 autolock on managers", () => {
  it("passes when enabled", () => {
    expect(autolock.check(manager({ autolockEnabled: true }), ctx()).status).toBe("pass");
  });

  it("fails when disabled", () => {
    expect(autolock.check(manager({ autolockEnabled: false }), ctx())).toMatchObject({
      status: "fail",
      field: "autolockEnabled",
      observed: false,
      expected: "true",
    });
  });

  it("fails when unset (swarm default is disabled)", () => {
    const v = autolock.check(manager({ autolockEnabled: undefined }), ctx());
    expect(v).toMatchObject({ status: "fail", observed: null });
    expect(v.status === "fail" && v.detail).toMatch(/default/);
  });

  it("is n/a on a worker", () => {
    const v = autolock.check(worker({ autolockEnabled: false }), ctx());
    expect(v.status === "not-applicable" && v.why).toMatch(/worker/);
  });

  it("passes a locked node: only an autolocked swarm can be locked", () => {
    expect(autolock.check(swarm({ state: "locked", active: false, isManager: false }), ctx()).status).toBe("pass");
  });
});

describe("manual swarm items", () => {
  it("7.4 gives guidance on any swarm node", () => {
    expect(swarmSecrets.check(worker(), ctx()).status).toBe("manual");
  });

  it.each(["7.6", "7.7", "7.8", "7.9"])("%s reports the node's swarm settings", (id) => {
    const rule = SECTION_7.find((r) => r.id === id) as Rule<"swarm">;
    const v = rule.check(manager(), ctx());
    expect(v).toMatchObject({
      status: "manual",
      report: { isManager: true, autolockEnabled: true, listenAddr: "10.0.0.5:2377" },
    });
    expect(v.status === "manual" && v.guidance.length).toBeGreaterThan(40);
  });

  it("7.6 (unlock key) is n/a on workers; 7.7–7.9 still report there", () => {
    const byId = (id: string) => SECTION_7.find((r) => r.id === id) as Rule<"swarm">;
    expect(byId("7.6").check(worker(), ctx()).status).toBe("not-applicable");
    for (const id of ["7.7", "7.8", "7.9"]) expect(byId(id).check(worker(), ctx()).status).toBe("manual");
  });
});
