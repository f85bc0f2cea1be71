import type { AuditFinding, AuditReport, HostAudit } from "../../../src/audit/run";
import { auditFindings, auditMeta, enforcementFor, renderAuditJson, renderAuditTable } from "../../../src/report/audit";
import { summarise } from "../../../src/report/findings";
import { evaluate } from "../../../src/rules/evaluate";
import { container, ctx, daemon } from "../../harness/fixtures";

const TARGET = "unix:///var/run/docker.sock";

function hostAudit(over: Partial<HostAudit> = {}): HostAudit {
  // One insecure container (privileged: 5.5 is critical), an exempted failure and a hardened daemon.
  const labels = {
    "hardened-docker.exemption.5.13": JSON.stringify({
      reason: "legacy app writes to its root",
      expires: "2099-01-01",
    }),
  };
  const subjects = [
    container({ name: "web", privileged: true }),
    container({ id: "c2", name: "legacy", readOnlyRootfs: false, labels }),
    daemon(),
  ];
  const findings: AuditFinding[] = evaluate(subjects, ctx()).map((f) => ({ ...f, target: TARGET }));
  findings.push({
    ruleId: "1.1.1",
    title: "Docker data root on its own filesystem",
    section: 1,
    level: 1,
    automated: true,
    subject: "host",
    subjectId: "host",
    subjectName: "host",
    status: "unknown",
    verdict: { status: "manual", guidance: "host facts are not readable over tcp://" },
    target: TARGET,
  });
  return {
    target: TARGET,
    kind: "unix",
    engine: { serverVersion: "20.10.24", apiVersion: "1.41" },
    counts: { containers: 2, running: 2, networks: 0, images: 1 },
    hostProbe: "local",
    findings,
    notes: ["no audit rules found"],
    durationMs: 120,
    ...over,
  };
}

function report(over: Partial<AuditReport> = {}): AuditReport {
  return {
    tool: { name: "hardened-docker", version: "0.1.0" },
    startedAt: "2026-11-28T12:00:00.000Z",
    durationMs: 130,
    hosts: [hostAudit()],
    ...over,
  };
}

const DRIFT: AuditReport["drift"] = {
  stacks: ["stack.json"],
  entries: [
    {
      kind: "container",
      urn: "urn:pulumi:dev::p::docker:index/container:Container::web",
      name: "web",
      stack: "stack.json",
      host: TARGET,
      liveId: "c0ffee",
      status: "drifted",
      drifted: [{ field: "memoryBytes", declared: 268435456, live: 536870912 }],
      driftViolations: [],
      nonCompliant: [],
    },
    {
      kind: "container",
      urn: "urn:pulumi:dev::p::docker:index/container:Container::api",
      name: "api",
      stack: "stack.json",
      status: "in-sync",
      drifted: [],
      driftViolations: [],
      nonCompliant: [],
    },
  ],
  unmanaged: [{ host: TARGET, id: "dead", name: "stray", state: "exited" }],
  notes: [],
};

describe("--fail-on and enforcement", () => {
  test("severity at or above the level is mandatory; none makes nothing mandatory", () => {
    expect(enforcementFor("high", "high")).toBe("mandatory");
    expect(enforcementFor("medium", "high")).toBe("advisory");
    expect(enforcementFor("critical", "none")).toBe("advisory");
  });

  test("manual items never fail the run, whatever --fail-on; unknown ones are not violations either", () => {
    const findings = auditFindings(report(), "low");
    expect(findings.filter((f) => f.status === "manual").every((f) => f.enforcement === "advisory")).toBe(true);
    const s = summarise(findings);
    expect(s.unknown).toBe(1);
    expect(s.mandatoryFailures).toBe(findings.filter((f) => f.status === "fail").length);
    // Only 5.5 (privileged) is critical here.
    const critical = summarise(auditFindings(report(), "critical"));
    expect(critical.mandatoryFailures).toBe(1);
  });
});

describe("auditFindings", () => {
  test(
    "catalog findings: policy-style ids, CIS metadata, the field and value in the message, " + "exemptions carried",
    () => {
      const findings = auditFindings(report(), "high");
      const privileged = findings.find((f) => f.rule.catalogId === "5.5")!;
      expect(privileged).toMatchObject({
        rule: {
          id: "cis-5.5-no-privileged",
          severity: "critical",
          cis: { id: "5.5", version: "1.6.0", level: 1, automated: true },
        },
        subject: { id: `${TARGET}/container/web`, name: "web", type: "container" },
        status: "fail",
        enforcement: "mandatory",
        source: "live",
      });
      expect(privileged.message).toMatch(/^privileged = true; expected false/);
      const exempted = findings.find((f) => f.rule.catalogId === "5.13" && f.subject.name === "legacy")!;
      expect(exempted).toMatchObject({
        status: "exempted",
        exemption: { reason: "legacy app writes to its root", expires: "2099-01-01" },
      });
      expect(findings.find((f) => f.status === "unknown")?.message).toMatch(
        /^not evaluated: host facts are not readable/,
      );
    },
  );

  test(
    "drift: hd-drift for drifted (and missing) objects, hd-unmanaged for undeclared containers; " +
      "in-sync ones are not findings",
    () => {
      const findings = auditFindings(report({ drift: DRIFT }), "high");
      const drift = findings.filter((f) => f.rule.id === "hd-drift");
      expect(drift).toHaveLength(1);
      expect(drift[0]).toMatchObject({
        status: "fail",
        enforcement: "mandatory",
        subject: { name: "web", type: "container" },
      });
      expect(drift[0]!.message).toBe("memoryBytes: declared 268435456, live 536870912");
      expect(findings.find((f) => f.rule.id === "hd-unmanaged")).toMatchObject({
        status: "fail",
        enforcement: "advisory",
        subject: { name: "stray" },
      });
    },
  );

  test("several hosts: subjects are told apart by their host", () => {
    const other = hostAudit({
      target: "ssh://root@h2",
      findings: hostAudit().findings.map((f) => ({ ...f, target: "ssh://root@h2" })),
    });
    const findings = auditFindings(report({ hosts: [hostAudit(), other] }), "high");
    const webs = findings
      .filter((f) => f.rule.catalogId === "5.5" && f.status === "fail")
      .map((f) => [f.subject.id, f.subject.name]);
    expect(webs).toEqual([
      [`${TARGET}/container/web`, `${TARGET} web`],
      ["ssh://root@h2/container/web", "ssh://root@h2 web"],
    ]);
  });
});

describe("renderAuditTable", () => {
  test("per host: counts by section, each failure with rule, subject, field and observed value; notes; drift", () => {
    const text = renderAuditTable(report({ drift: DRIFT }), "high");
    expect(text).toMatch(
      /unix:\/\/\/var\/run\/docker\.sock — engine 20\.10\.24 \(API 1\.41\): 2 containers \(2 running\)/,
    );
    const row = text.split("\n").find((l) => l.includes("5 Container runtime"))!;
    const cells = row
      .split("│")
      .map((c) => c.trim())
      .filter(Boolean);
    const c5 = hostAudit().findings.filter((f) => f.section === 5);
    expect(cells).toEqual([
      "5 Container runtime",
      ...["pass", "fail", "exempted", "not-applicable", "manual", "unknown"].map((s) =>
        String(c5.filter((f) => f.status === s).length),
      ),
    ]);
    expect(text).toMatch(/│ 5\.5\s+│ critical\s+│ container web\s+│ privileged\s+│ true\s+│ false/);
    expect(text).toMatch(/host rules not evaluated: host facts are not readable over tcp:\/\//);
    expect(text).toMatch(/note: no audit rules found/);
    expect(text).toMatch(/Drift against stack\.json/);
    expect(text).toMatch(/│ container\s+│ web\s+│ .*│ drifted\s+│ memoryBytes\s+│ 268435456\s+│ 536870912/);
    expect(text).toMatch(/Unmanaged containers \(declared by no stack\): stray \(exited\)/);
  });

  test("an engine that could not be audited is one line", () => {
    const failed = hostAudit({
      error: { problem: "unreachable", message: `${TARGET}: engine unreachable: /var/run/docker.sock: ENOENT` },
      findings: [],
      engine: undefined,
      counts: undefined,
    });
    const text = renderAuditTable(report({ hosts: [failed] }), "high");
    expect(text).toContain(`${TARGET}: engine unreachable: /var/run/docker.sock: ENOENT`);
    expect(text).not.toContain("Section");
  });
});

describe("renderAuditJson", () => {
  test("the shared findings document plus hosts (without their raw findings) and drift", () => {
    const r = report({ drift: DRIFT });
    const findings = auditFindings(r, "high");
    const doc = JSON.parse(renderAuditJson(r, findings, auditMeta(r, 1)));
    expect(doc).toMatchObject({
      tool: { name: "hardened-docker" },
      target: TARGET,
      exitCode: 1,
      errors: [],
      drift: { unmanaged: [{ name: "stray" }] },
    });
    expect(doc.hosts[0]).not.toHaveProperty("findings");
    expect(doc.findings).toHaveLength(findings.length);
    expect(doc.summary.mandatoryFailures).toBe(summarise(findings).mandatoryFailures);
  });
});

describe("the benchmark version", () => {
  test("every finding carries the version's id and version; meta and table name it (default v1.6.0)", () => {
    const v18 = report({ benchmark: "cis-1.8.0" });
    const tls = auditFindings(v18, "low").find((f) => f.rule.catalogId === "2.12")!;
    expect(tls.rule.cis).toMatchObject({ id: "2.13", version: "1.8.0" });
    expect(auditMeta(v18).benchmark).toEqual({ id: "cis-1.8.0", version: "1.8.0" });
    expect(renderAuditTable(v18, "low")).toContain("CIS Docker Benchmark v1.8.0");
    expect(auditFindings(report(), "low").find((f) => f.rule.catalogId === "2.12")!.rule.cis).toMatchObject({
      id: "2.12",
      version: "1.6.0",
    });
    expect(auditMeta(report()).benchmark).toEqual({ id: "cis-1.6.0", version: "1.6.0" });
  });
});
