/**
 * Renderings of a live audit report (src/audit/run.ts): the people's table (per host: counts by
 * CIS section, then every failure with the offending field and value, then drift), and the
 * neutral findings list (./findings) that the shared JSON, SARIF and JUnit renderers take.
 *
 * Drift travels in the neutral list as two project rules: `hd-drift` (a declared object whose
 * live fields differ, or that is missing) and `hd-unmanaged` (a live container no stack declares).
 */
import Table from "cli-table3";
import pc from "picocolors";
import type { AuditFinding, AuditReport, HostAudit } from "../audit/run";
import type { DriftEntry } from "../audit/drift";
import { ruleSeverity } from "../rules/naming";
import { BENCHMARK_NAMES, benchmarkId, DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";
import { ruleById } from "../rules/catalog";
import { reportRuleOf, ruleTags } from "./rule-metadata";
import { sectionTitle } from "./rules-listing";
import {
  summarise,
  type Enforcement,
  type ReportFinding,
  type ReportMeta,
  type ReportRule,
  type Severity,
} from "./findings";

export type FailOn = Severity | "none";
export const FAIL_ON_LEVELS: readonly FailOn[] = ["none", "low", "medium", "high", "critical"];
const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Mandatory when the severity is at or above `--fail-on` (nothing is, with `none`). */
export const enforcementFor = (severity: Severity, failOn: FailOn): Enforcement =>
  failOn !== "none" && RANK[severity] >= RANK[failOn] ? "mandatory" : "advisory";

const DRIFT_RULE: ReportRule = {
  id: "hd-drift",
  title: "Live object matches its Pulumi declaration",
  severity: "high",
  remediation:
    "Re-deploy the stack (pulumi up) to restore the declared values, or change the " +
    "declaration and deploy it; do not change managed objects by hand (docker update).",
  tags: ["drift"],
};
const UNMANAGED_RULE: ReportRule = {
  id: "hd-unmanaged",
  title: "Every container is declared by a stack",
  severity: "medium",
  remediation: "Declare the container in a Pulumi stack (and pass its export with --expect), or remove it.",
  tags: ["drift"],
};

/** A value for messages and cells: JSON, cut short. */
export function show(value: unknown, max = 80): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function messageOf(f: AuditFinding): string {
  const v = f.verdict;
  switch (v.status) {
    case "fail": {
      const text = `${v.field} = ${show(v.observed, 200)}; expected ${v.expected}${v.detail ? ` (${v.detail})` : ""}`;
      return f.exemption
        ? `exempted (${f.exemption.reason}${f.exemption.expires ? `, until ${f.exemption.expires}` : ""}): ${text}`
        : text;
    }
    case "pass":
      return v.detail ?? "compliant";
    case "not-applicable":
      return `not applicable: ${v.why}`;
    case "manual":
      return f.status === "unknown"
        ? `not evaluated: ${v.guidance}`
        : v.report === undefined
          ? v.guidance
          : `${v.guidance}\n${show(v.report, 400)}`;
  }
}

function subjectOf(f: AuditFinding, multi: boolean): ReportFinding["subject"] {
  const name = multi ? `${f.target} ${f.subjectName}` : f.subjectName;
  return { id: `${f.target}/${f.subject}/${f.subjectName}`, name, type: f.subject };
}

function ruleOf(f: AuditFinding, benchmark: Benchmark): ReportRule {
  const rule = ruleById(f.ruleId);
  if (rule) return reportRuleOf(rule, benchmark);
  // Not in the catalog (a finding from another version of the tool): what the finding says of its rule.
  const cis = !f.ruleId.startsWith("hd-");
  return {
    id: f.ruleId,
    title: f.title,
    catalogId: f.ruleId,
    ...(cis
      ? {
          cis: {
            id: f.ruleId,
            version: BENCHMARK_NAMES[benchmark].version,
            level: f.level,
            automated: f.automated,
          },
        }
      : {}),
    severity: ruleSeverity({ automated: f.automated, level: f.level }),
    tags: ruleTags({ id: f.ruleId, section: f.section, level: f.level, automated: f.automated, subject: f.subject }),
  };
}

function driftMessage(e: DriftEntry): string {
  if (e.status === "missing") return `declared in ${e.stack} (${e.urn}) but found on no audited engine`;
  if (e.status === "unknown") return `the live ${e.kind} could not be read`;
  const lines = e.drifted.map((d) => `${d.field}: declared ${show(d.declared)}, live ${show(d.live)}`);
  for (const b of e.driftViolations)
    lines.push(`breaks CIS ${b.ruleId} (${b.title}) because of the drift: ${b.field} = ${show(b.observed)}`);
  return lines.join("\n");
}

/** The report as the neutral findings list (catalog findings, then drift). */
export function auditFindings(report: AuditReport, failOn: FailOn): ReportFinding[] {
  const multi = report.hosts.length > 1;
  const out: ReportFinding[] = [];
  for (const h of report.hosts) {
    for (const f of h.findings) {
      const rule = ruleOf(f, report.benchmark ?? DEFAULT_BENCHMARK);
      out.push({
        rule,
        subject: subjectOf(f, multi),
        status: f.status,
        // A manual item is for review: it never fails the run (the shared summary counts a mandatory
        // one as a violation).
        enforcement: f.status === "manual" ? "advisory" : enforcementFor(rule.severity, failOn),
        message: messageOf(f),
        ...(f.exemption
          ? {
              exemption: {
                reason: f.exemption.reason,
                ...(f.exemption.expires ? { expires: f.exemption.expires } : {}),
              },
            }
          : {}),
        source: "live",
      });
    }
  }
  for (const e of report.drift?.entries ?? []) {
    if (e.status === "in-sync") continue;
    out.push({
      rule: DRIFT_RULE,
      subject: {
        id: e.urn + (e.host ? `@${e.host}` : ""),
        name: multi && e.host ? `${e.host} ${e.name}` : e.name,
        type: e.kind,
      },
      status: e.status === "unknown" ? "unknown" : "fail",
      enforcement: enforcementFor(DRIFT_RULE.severity, failOn),
      message: driftMessage(e),
      source: "live",
    });
  }
  for (const u of report.drift?.unmanaged ?? []) {
    out.push({
      rule: UNMANAGED_RULE,
      subject: { id: `${u.host}/container/${u.name}`, name: multi ? `${u.host} ${u.name}` : u.name, type: "container" },
      status: "fail",
      enforcement: enforcementFor(UNMANAGED_RULE.severity, failOn),
      message: `live container (${u.state}) declared by no stack in ${report.drift!.stacks.join(", ")}`,
      source: "live",
    });
  }
  return out;
}

export function auditMeta(report: AuditReport, exitCode?: number): ReportMeta {
  const benchmark = report.benchmark ?? DEFAULT_BENCHMARK;
  return {
    tool: report.tool,
    target: report.hosts.map((h) => h.target).join(", "),
    benchmark: { id: benchmark, version: BENCHMARK_NAMES[benchmark].version },
    errors: report.hosts.filter((h) => h.error).map((h) => h.error!.message),
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
}

/** JSON: the shared findings document plus the per-host details and the drift report. */
export function renderAuditJson(report: AuditReport, findings: readonly ReportFinding[], meta: ReportMeta): string {
  const hosts = report.hosts.map(({ findings: _f, ...h }) => h);
  return (
    JSON.stringify(
      {
        ...meta,
        startedAt: report.startedAt,
        durationMs: report.durationMs,
        summary: summarise(findings),
        hosts,
        ...(report.drift ? { drift: report.drift } : {}),
        findings,
      },
      null,
      2,
    ) + "\n"
  );
}

// ───────────────────────────── the people's table ─────────────────────────────

type Counts = Record<"pass" | "fail" | "exempted" | "not-applicable" | "manual" | "unknown", number>;
const zero = (): Counts => ({ pass: 0, fail: 0, exempted: 0, "not-applicable": 0, manual: 0, unknown: 0 });

export interface TableOptions {
  color?: boolean;
  /** List passing findings too (default: counts only). */
  verbose?: boolean;
}

function sectionCounts(findings: readonly AuditFinding[]): Map<number, Counts> {
  const by = new Map<number, Counts>();
  for (const f of findings) {
    const c = by.get(f.section) ?? zero();
    c[f.status]++;
    by.set(f.section, c);
  }
  return new Map([...by].sort(([a], [b]) => a - b));
}

function hostHeader(h: HostAudit): string {
  if (h.error) return h.error.message;
  const e = h.engine!;
  const c = h.counts!;
  return (
    `${h.target} — engine ` +
    `${e.serverVersion}${e.apiVersion ? ` (API ${e.apiVersion})` : ""}: ${c.containers} ` +
    `containers (${c.running} running), ${c.networks} networks, ${c.images} images — ` +
    `${(h.durationMs / 1000).toFixed(2)} s`
  );
}

export function renderAuditTable(report: AuditReport, failOn: FailOn, o: TableOptions = {}): string {
  const p = o.color ? pc : { red: String, green: String, yellow: String, dim: String, bold: String, cyan: String };
  const style = { head: [], border: [], compact: true };
  const benchmark = BENCHMARK_NAMES[report.benchmark ?? DEFAULT_BENCHMARK];
  const out: string[] = [
    p.bold(
      `${report.tool.name} audit — CIS Docker Benchmark v${benchmark.version} — ` +
        `${report.hosts.length} host(s), ${(report.durationMs / 1000).toFixed(2)} s`,
    ),
    "",
  ];
  for (const h of report.hosts) {
    out.push(p.bold(hostHeader(h)));
    if (h.error) {
      out.push("");
      continue;
    }
    out.push(
      p.dim(
        "host probe: " +
          h.hostProbe +
          (h.dockerd ? `; dockerd pid ${h.dockerd.pid}, config ${h.dockerd.configFile ?? "(none)"}` : ""),
      ),
    );
    const sections = new Table({
      head: ["Section", "Pass", "Fail", "Exempted", "N/A", "Manual", "Unknown"],
      style,
      colAligns: ["left", "right", "right", "right", "right", "right", "right"],
    });
    for (const [s, c] of sectionCounts(h.findings)) {
      sections.push([
        `${s} ${sectionTitle(s)}`,
        c.pass,
        c.fail ? p.red(String(c.fail)) : 0,
        c.exempted,
        c["not-applicable"],
        c.manual,
        c.unknown ? p.yellow(String(c.unknown)) : 0,
      ]);
    }
    out.push(sections.toString());

    const failures = h.findings.filter((f) => f.status === "fail" || (o.verbose && f.status === "exempted"));
    if (failures.length) {
      const t = new Table({
        head: ["Rule", "Sev.", "Subject", "Field", "Observed", "Expected"],
        style,
        wordWrap: true,
        colWidths: [8, 10, 28, 28, 30, 40],
      });
      for (const f of failures.sort(
        (a, b) =>
          a.section - b.section ||
          a.ruleId.localeCompare(b.ruleId, undefined, { numeric: true }) ||
          a.subjectName.localeCompare(b.subjectName),
      )) {
        const v = f.verdict.status === "fail" ? f.verdict : undefined;
        const rule = ruleById(f.ruleId);
        const sev = ruleSeverity(rule ?? { automated: f.automated, level: f.level });
        const mark = enforcementFor(sev, failOn) === "mandatory" ? p.red : p.yellow;
        t.push([
          mark(rule ? benchmarkId(rule, report.benchmark ?? DEFAULT_BENCHMARK) : f.ruleId),
          sev,
          `${f.subject} ${f.subjectName}`,
          v?.field ?? "",
          v ? show(v.observed, 120) : "",
          v ? v.expected : "",
        ]);
      }
      out.push(p.bold(`Failures (${failures.length})`), t.toString());
    } else out.push(p.green("No failures."));
    for (const kind of new Set(h.findings.filter((f) => f.status === "unknown").map((f) => f.subject))) {
      const v = h.findings.find((f) => f.subject === kind && f.status === "unknown")!.verdict;
      out.push(p.yellow(`${kind} rules not evaluated: ${v.status === "manual" ? v.guidance : ""}`));
    }
    for (const n of h.notes) out.push(p.dim(`note: ${n}`));
    out.push("");
  }

  const drift = report.drift;
  if (drift) {
    out.push(p.bold(`Drift against ${drift.stacks.join(", ")}`));
    const t = new Table({
      head: ["Kind", "Name", "Host", "Status", "Field", "Declared", "Live"],
      style,
      wordWrap: true,
      colWidths: [11, 26, 24, 10, 24, 26, 26],
    });
    for (const e of drift.entries) {
      const status =
        e.status === "in-sync" ? p.green(e.status) : e.status === "drifted" ? p.red(e.status) : p.yellow(e.status);
      if (e.drifted.length === 0) t.push([e.kind, e.name, e.host ?? "", status, "", "", ""]);
      for (const d of e.drifted)
        t.push([e.kind, e.name, e.host ?? "", status, d.field, show(d.declared, 60), show(d.live, 60)]);
    }
    out.push(t.toString());
    const nonCompliant = drift.entries.filter((e) => e.nonCompliant.length || e.driftViolations.length);
    for (const e of nonCompliant) {
      if (e.driftViolations.length)
        out.push(`${e.kind} ${e.name}: broken by drift: ${e.driftViolations.map((b) => b.ruleId).join(", ")}`);
      if (e.nonCompliant.length)
        out.push(`${e.kind} ${e.name}: non-compliant (never met): ${e.nonCompliant.map((b) => b.ruleId).join(", ")}`);
    }
    if (drift.unmanaged.length)
      out.push(
        p.yellow(
          "Unmanaged containers (declared by no stack): " +
            drift.unmanaged
              .map((u) => `${u.name} (${u.state}${report.hosts.length > 1 ? ` on ${u.host}` : ""})`)
              .join(", "),
        ),
      );
    for (const n of drift.notes) out.push(p.dim(`note: ${n}`));
    out.push("");
  }

  const s = summarise(auditFindings(report, failOn));
  out.push(
    `${s.mandatoryFailures} failing at or above --fail-on ${failOn}, ` +
      `${s.advisoryFailures} below it, ${s.exempted} exempted, ${s.manual} manual, ` +
      `${s.unknown} not evaluated, ${s.passed} passed, ${s.notApplicable} not applicable`,
    "",
  );
  return out.join("\n");
}
