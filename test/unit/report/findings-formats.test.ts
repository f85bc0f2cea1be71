/** The report renderers over a neutral list of findings (as `check` and a live audit produce). */
import "@microsoft/jest-sarif";
import type * as Sarif from "sarif";
import {
  isMandatoryViolation,
  sortFindings,
  summarise,
  type ReportFinding,
  type ReportMeta,
} from "../../../src/report/findings";
import { PLAN_TREE_LIMIT, renderJson, renderText } from "../../../src/report/findings-text";
import { renderJunit } from "../../../src/report/junit";
import { fingerprint, renderSarif } from "../../../src/report/sarif";

const meta: ReportMeta = {
  tool: { name: "hardened-docker", version: "0.1.0" },
  target: "examples/app/index.ts",
  root: "/repo",
  profile: "cis-level1",
  exitCode: 1,
};

function finding(overrides: Partial<ReportFinding> = {}): ReportFinding {
  return {
    rule: {
      id: "cis-5.5-no-privileged",
      title: "The container is not privileged",
      catalogId: "5.5",
      cis: { id: "5.5", version: "1.6.0", level: 1, automated: true },
      severity: "critical",
      remediation: "Remove --privileged.",
    },
    subject: {
      id: "urn:pulumi:dev::app::docker:index/container:Container::web",
      name: "web",
      type: "docker:index/container:Container",
    },
    status: "fail",
    enforcement: "mandatory",
    message: 'docker.Container "web": privileged = true; expected false.',
    location: { uri: "examples/app/index.ts", line: 12, column: 3 },
    ...overrides,
  };
}

const live: ReportFinding = finding({
  rule: {
    id: "2.7",
    title: "Every TCP listener requires TLS client verification",
    catalogId: "2.7",
    cis: { id: "2.7", version: "1.6.0", level: 1, automated: true },
    severity: "critical",
  },
  subject: { id: "daemon:host-a", name: "host-a", type: "daemon" },
  location: undefined,
  source: "live",
  message: 'tlsVerify = false <on "tcp://0.0.0.0:2375"> & more',
});

const all: ReportFinding[] = [
  finding({ status: "pass", message: "compliant" }),
  finding({ status: "exempted", exemption: { reason: "needs raw devices for the GPU driver", expires: "2027-01-31" } }),
  finding({
    status: "manual",
    enforcement: "advisory",
    rule: { id: "cis-5.9-only-needed-ports", title: "Only needed ports are published", severity: "low" },
    message: "[manual review] confirm 127.0.0.1:8080",
  }),
  finding({
    status: "unknown",
    rule: { id: "cis-5.10-no-host-network", title: "No host network", severity: "high" },
    message: "networkMode unknown at preview",
  }),
  finding({
    status: "fail",
    enforcement: "advisory",
    rule: { id: "cis-4.5-verified-image", title: "Verified image", severity: "medium" },
    message: "image.digest = nginx:latest",
  }),
  finding(),
  finding({ status: "not-applicable", message: "n/a" }),
  live,
];

describe("summary and order", () => {
  it("counts by status and enforcement; only mandatory failures are blocking", () => {
    expect(summarise(all)).toEqual({
      mandatoryFailures: 2,
      advisoryFailures: 1,
      exempted: 1,
      manual: 1,
      unknown: 1,
      errors: 0,
      passed: 1,
      notApplicable: 1,
      subjects: 2,
    });
    expect(all.filter(isMandatoryViolation)).toHaveLength(2);
  });

  it("sorts mandatory failures first, passes last", () => {
    const order = sortFindings(all).map((f) => `${f.status}/${f.enforcement}`);
    expect(order.slice(0, 3)).toEqual(["fail/mandatory", "fail/mandatory", "fail/advisory"]);
    expect(order.slice(-2)).toEqual(["pass/mandatory", "not-applicable/mandatory"]);
  });
});

describe("SARIF", () => {
  const log = renderSarif(all, meta) as Sarif.Log;
  const results = log.runs[0]!.results!;

  it("validates against the SARIF 2.1.0 schema (also with passes included)", () => {
    (expect(log) as unknown as { toBeValidSarifLog(): void }).toBeValidSarifLog();
    (
      expect(renderSarif(all, meta, { includePasses: true })) as unknown as { toBeValidSarifLog(): void }
    ).toBeValidSarifLog();
  });

  it("maps statuses to SARIF kinds and levels (a result that is not a failure has level none)", () => {
    const by = (ruleId: string, kind: string) => results.find((r) => r.ruleId === ruleId && r.kind === kind);
    expect(by("cis-5.5-no-privileged", "fail")!.level).toBe("error");
    expect(by("cis-4.5-verified-image", "fail")!.level).toBe("warning");
    expect(by("cis-5.9-only-needed-ports", "review")!.level).toBe("none");
    expect(by("cis-5.10-no-host-network", "open")!.level).toBe("none");
    expect(results.some((r) => r.kind === "pass" || r.kind === "notApplicable")).toBe(false);
    const suppressed = results.filter((r) => r.suppressions?.length);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions![0]!.justification).toBe(
      "needs raw devices for the GPU driver (expires 2027-01-31)",
    );
  });

  it("fingerprints depend on subject and rule only", () => {
    const f = results.find((r) => r.ruleId === "cis-5.5-no-privileged")!;
    expect(f.partialFingerprints!["hardenedDocker/v1"]).toBe(
      fingerprint("urn:pulumi:dev::app::docker:index/container:Container::web", "cis-5.5-no-privileged"),
    );
    expect(fingerprint("a", "b")).not.toBe(fingerprint("a", "c"));
    expect(fingerprint("a", "b")).not.toBe(fingerprint("ab", ""));
  });

  it("a finding without a location points at the target; subjects appear as logical locations", () => {
    const daemon = results.find((r) => r.ruleId === "2.7")!;
    expect(daemon.locations![0]!.physicalLocation!.artifactLocation).toEqual({
      uri: "examples/app/index.ts",
      uriBaseId: "%SRCROOT%",
    });
    expect(daemon.locations![0]!.logicalLocations![0]).toEqual({
      name: "host-a",
      fullyQualifiedName: "daemon:host-a",
      kind: "resource",
    });
    expect(log.runs[0]!.originalUriBaseIds!["%SRCROOT%"]!.uri).toBe("file:///repo/");
    expect(log.runs[0]!.invocations![0]).toMatchObject({ executionSuccessful: true, exitCode: 1 });
  });
});

describe("JUnit", () => {
  const xml = renderJunit(all, { ...meta, errors: ["the program failed: boom --> here"] });
  it("one suite per subject, failures for both levels, skipped with the reason for the rest", () => {
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="8" failures="3" errors="1" skipped="4">/,
    );
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain('<failure type="advisory"');
    expect(xml).toContain('<skipped message="exempted: ');
  });

  it("escapes XML and keeps comments well-formed", () => {
    expect(xml).toContain("tlsVerify = false &lt;on &quot;tcp://0.0.0.0:2375&quot;&gt; &amp; more");
    expect(xml).toContain("<!-- error: the program failed: boom - -&gt; here -->");
    expect([...xml.matchAll(/="([^"]*)"/g)].filter((m) => /[<>&](?!amp;|lt;|gt;|quot;|apos;)/.test(m[1]!))).toEqual([]);
  });
});

describe("text and JSON", () => {
  it("the text report lists what needs attention and a summary; passes only with verbose", () => {
    const text = renderText(all, meta);
    expect(text).toMatch(
      /✗ MANDATORY cis-5.5-no-privileged {2}web \[docker:index\/container:Container\] \(examples\/app\/index.ts:12:3\)/,
    );
    expect(text).toContain("~ exempted");
    expect(text).not.toContain("✓ pass");
    expect(text).toContain(
      "2 mandatory violation(s), 1 advisory, 1 exempted, 1 for manual review, 1 undecided, 1 passed, " +
        "1 not applicable — 2 resource(s) judged",
    );
    expect(renderText(all, meta, { verbose: true })).toContain("✓ pass");
  });

  it("opens with what would be deployed: a tree for a small program, counts by type for a large one", () => {
    const tree = renderText(all, {
      ...meta,
      plan: [
        { type: "hardened-docker:index:HardenedContainer", name: "web", depth: 0 },
        { type: "docker:index/container:Container", name: "web", depth: 1 },
      ],
    });
    expect(tree).toContain(
      "Would deploy 2 resource(s) (all declared: components, their children, providers):\n" +
        "  hardened-docker:index:HardenedContainer  web\n" +
        "    docker:index/container:Container       web\n",
    );
    const many = Array.from({ length: PLAN_TREE_LIMIT + 1 }, (_, i) => ({
      type: i % 3 ? "docker:index/container:Container" : "docker:index/network:Network",
      name: `r${i}`,
      depth: 0,
    }));
    const summary = renderText(all, { ...meta, plan: many });
    expect(tree).toContain("— 2 resource(s) judged of 2 declared\n");
    expect(summary).toContain(
      `Would deploy ${PLAN_TREE_LIMIT + 1} resource(s) ` +
        "(all declared: components, their children, providers), by type:\n" +
        "  docker:index/container:Container  67\n" +
        "  docker:index/network:Network      34\n",
    );
    expect(summary).not.toContain("r100");
  });

  it("JSON carries meta, summary and sorted findings", () => {
    const json = JSON.parse(renderJson(all, meta));
    expect(json).toMatchObject({
      tool: { name: "hardened-docker" },
      target: "examples/app/index.ts",
      summary: { mandatoryFailures: 2 },
    });
    expect(json.findings).toHaveLength(all.length);
    expect(json.findings[0].status).toBe("fail");
  });
});
