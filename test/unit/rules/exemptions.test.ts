import {
  EXEMPTION_LABEL_PREFIX,
  exemptionProblems,
  exemptionsFromLabels,
  exemptionsToLabels,
  parseExpiry,
} from "../../../src/exemptions";
import { evaluate } from "../../../src/rules/evaluate";
import { defineRule, fail, pass, type AnyRule } from "../../../src/rules/types";
import { container, ctx, NOW } from "../../harness/fixtures";

const KNOWN = new Set(["5.13", "5.4"]);

describe("parseExpiry", () => {
  it("accepts real dates and holds through the end of the day (UTC)", () => {
    expect(parseExpiry("2026-11-28")!.toISOString()).toBe("2026-11-28T23:59:59.999Z");
  });
  it.each(["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "tomorrow", ""])("rejects %j", (s) => {
    expect(parseExpiry(s)).toBeUndefined();
  });
});

describe("exemptionProblems", () => {
  it("accepts a reasoned, current exemption", () => {
    expect(
      exemptionProblems(
        { rule: "5.13", reason: "app writes its pid file to /run", expires: "2026-11-28" },
        KNOWN,
        NOW,
        "args",
      ),
    ).toEqual([]);
  });
  it("names every problem: unknown rule, short reason, expired, bad date", () => {
    const problems = (e: unknown) => exemptionProblems(e, KNOWN, NOW, "args").map((p) => p.problem);
    expect(problems({ rule: "9.99", reason: "a long enough reason" })).toEqual([`unknown rule id "9.99"`]);
    expect(problems({ rule: "5.13", reason: "because" })[0]).toMatch(/at least 10 characters/);
    expect(problems({ rule: "5.13", reason: "          x" })[0]).toMatch(/at least 10 characters/);
    expect(problems({ rule: "5.13", reason: "a long enough reason", expires: "2026-11-27" })).toEqual([
      "expired on 2026-11-27",
    ]);
    expect(problems({ rule: "5.13", reason: "a long enough reason", expires: "next week" })[0]).toMatch(/YYYY-MM-DD/);
    expect(problems(null)[0]).toMatch(/must be an object/);
  });
});

describe("exemption labels", () => {
  it("round-trip through labels", () => {
    const labels = exemptionsToLabels([
      { rule: "5.13", reason: "nginx needs /var/cache writable", expires: "2027-01-31" },
    ]);
    expect(Object.keys(labels)).toEqual([`${EXEMPTION_LABEL_PREFIX}5.13`]);
    const { valid, problems } = exemptionsFromLabels({ ...labels, unrelated: "x" }, KNOWN, NOW);
    expect(problems).toEqual([]);
    expect(valid.get("5.13")).toEqual({
      rule: "5.13",
      reason: "nginx needs /var/cache writable",
      expires: "2027-01-31",
    });
  });
  it("report malformed JSON and expired labels as problems, not exemptions", () => {
    const { valid, problems } = exemptionsFromLabels(
      {
        [`${EXEMPTION_LABEL_PREFIX}5.13`]: "{not json",
        [`${EXEMPTION_LABEL_PREFIX}5.4`]: JSON.stringify({ reason: "needs NET_ADMIN for vpn", expires: "2020-01-01" }),
      },
      KNOWN,
      NOW,
    );
    expect(valid.size).toBe(0);
    expect(problems.map((p) => p.rule).sort()).toEqual(["5.13", "5.4"]);
  });
});

describe("evaluate", () => {
  const readOnlyRule = defineRule({
    id: "5.13",
    slug: "read-only-rootfs",
    title: "root filesystem read-only (test double)",
    section: 5,
    automated: true,
    level: 1,
    subject: "container",
    where: "both",
    remediation: "set readOnly",
    check: (c) => (c.readOnlyRootfs ? pass() : fail("readOnlyRootfs", c.readOnlyRootfs, "true")),
  }) as AnyRule;

  it("turns a failure covered by a valid exemption into `exempted` and keeps the verdict", () => {
    const labels = exemptionsToLabels([{ rule: "5.13", reason: "legacy app writes to /var/run" }]);
    const [f] = evaluate([container({ readOnlyRootfs: false, labels })], ctx(), [readOnlyRule]);
    expect(f.status).toBe("exempted");
    expect(f.verdict.status).toBe("fail");
    expect(f.exemption?.reason).toBe("legacy app writes to /var/run");
  });

  it("never lets an expired exemption excuse a failure", () => {
    const labels = exemptionsToLabels([
      { rule: "5.13", reason: "legacy app writes to /var/run", expires: "2026-01-01" },
    ]);
    const [f] = evaluate([container({ readOnlyRootfs: false, labels })], ctx(), [readOnlyRule]);
    expect(f.status).toBe("fail");
  });

  it("reports invalid exemption labels through the hd-exemptions rule", () => {
    const labels = { [`${EXEMPTION_LABEL_PREFIX}5.13`]: JSON.stringify({ reason: "short" }) };
    const findings = evaluate([container({ labels })], ctx());
    const f = findings.find((x) => x.ruleId === "hd-exemptions")!;
    expect(f.status).toBe("fail");
    expect(JSON.stringify(f.verdict)).toMatch(/at least 10 characters/);
  });

  it("names the rule and subject when a rule throws", () => {
    const broken = {
      ...readOnlyRule,
      check: () => {
        throw new Error("boom");
      },
    } as AnyRule;
    expect(() => evaluate([container({ name: "web" })], ctx(), [broken])).toThrow(
      /rule 5.13 failed on container "web": boom/,
    );
  });
});
