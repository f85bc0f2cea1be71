/**
 * HardenedNetwork as a swarm's overlay (issue #15 item 3): encrypted by default (CIS 7.3), not
 * attachable unless asked; an unencrypted overlay is refused unless exempted, and the pack judges
 * the network the component makes as the component does.
 */
import { HardenedArgsError } from "../../../src/components/args";
import { planHardenedNetwork } from "../../../src/components/hardened-network/plan";
import { NOW } from "../../harness/fixtures";
import { invoke, NETWORK, pack } from "../../harness/policy";

const EXEMPTION = { rule: "7.3", reason: "the nodes share one encrypted L2 segment already", expires: "2099-01-01" };
const policy = "cis-7.3-encrypted-overlay";

function refusal(args: Parameters<typeof planHardenedNetwork>[1]): string {
  try {
    planHardenedNetwork("mesh", args, { now: NOW });
  } catch (err) {
    if (err instanceof HardenedArgsError) return err.message;
    throw err;
  }
  throw new Error("not refused");
}

describe("HardenedNetwork, driver overlay", () => {
  it("is an encrypted, internal overlay that only services attach to, by default", async () => {
    const inputs = planHardenedNetwork("mesh", { driver: "overlay" }, { now: NOW });
    expect(inputs).toMatchObject({
      name: "mesh",
      driver: "overlay",
      internal: true,
      attachable: false,
      options: { encrypted: "" },
    });
    expect(
      (await invoke(pack(), policy, { type: NETWORK, props: inputs as Record<string, unknown> })).violations,
    ).toEqual([]);
  });

  it("is attachable when asked", () => {
    expect(planHardenedNetwork("mesh", { driver: "overlay", attachable: true }, { now: NOW }).attachable).toBe(true);
  });

  it("refuses an unencrypted overlay, naming the argument and CIS 7.3, unless exempted", async () => {
    expect(refusal({ driver: "overlay", encrypted: false })).toMatch(
      /encrypted: false breaks CIS 7\.3 \(Overlay networks are encrypted\).*To accept this, add exemptions/s,
    );
    const exempted = planHardenedNetwork(
      "mesh",
      { driver: "overlay", encrypted: false, exemptions: [EXEMPTION] },
      {
        now: NOW,
      },
    );
    expect(exempted.options).toEqual({});
    // The exemption travels as a label: the pack excuses the same network, and says so.
    const judged = await invoke(pack(), policy, { type: NETWORK, props: exempted as Record<string, unknown> });
    expect(judged.violations).toEqual([]);
    const bare = { ...(exempted as Record<string, unknown>), labels: [] };
    expect((await invoke(pack(), policy, { type: NETWORK, props: bare })).violations[0]).toContain("encrypted");
  });

  it("refuses the overlay-only arguments on a bridge, and a malformed exemption", () => {
    expect(refusal({ encrypted: true })).toContain(
      'encrypted: true applies to an overlay network only (set driver: "overlay")',
    );
    expect(refusal({ driver: "bridge", attachable: true })).toContain(
      "attachable: true applies to an overlay network only",
    );
    expect(refusal({ driver: "overlay", exemptions: [{ rule: "7.3", reason: "short" }] })).toContain(
      "reason must be at least 10 characters",
    );
    expect(refusal({ driver: "ipvlan" as "overlay" })).toContain("driver");
  });
});
