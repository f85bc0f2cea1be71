/** Human-readable renderings of findings: a text report (the default) and JSON. */
import { sortFindings, summarise, type FindingStatus, type ReportFinding, type ReportMeta, type Summary } from "./findings";

const MARK: Record<FindingStatus, string> = { fail: "✗", error: "✗", unknown: "?", exempted: "~", manual: "!", pass: "✓", "not-applicable": "-" };

function where(f: ReportFinding): string {
  if (!f.location) return "";
  return ` (${f.location.uri}${f.location.line ? `:${f.location.line}${f.location.column ? `:${f.location.column}` : ""}` : ""})`;
}

function heading(f: ReportFinding): string {
  const status =
    f.status === "fail" || f.status === "error" ? (f.enforcement === "mandatory" ? "MANDATORY" : "advisory") : f.status === "manual" ? "review" : f.status;
  return `${MARK[f.status]} ${status.padEnd(9)} ${f.rule.id}  ${f.subject.name} [${f.subject.type}]${where(f)}`;
}

export function summaryLine(s: Summary): string {
  return (
    `${s.mandatoryFailures} mandatory violation(s), ${s.advisoryFailures} advisory, ${s.exempted} exempted, ` +
    `${s.manual} for manual review, ${s.unknown} undecided, ${s.passed} passed, ${s.notApplicable} not applicable — ${s.subjects} resource(s)`
  );
}

/** Above this many resources the plan is summarised by type (a tree of thousands helps nobody). */
export const PLAN_TREE_LIMIT = 100;

/** What would be deployed: the component tree, or counts by type for a large program. */
function planLines(plan: NonNullable<ReportMeta["plan"]>): string[] {
  if (plan.length > PLAN_TREE_LIMIT) {
    const counts = new Map<string, number>();
    for (const r of plan) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const width = Math.max(...[...counts.keys()].map((t) => t.length));
    return [`Would deploy ${plan.length} resource(s), by type:`, ...[...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t, n]) => `  ${t.padEnd(width)}  ${n}`)];
  }
  const width = Math.max(...plan.map((r) => 2 * r.depth + r.type.length));
  return [`Would deploy ${plan.length} resource(s):`, ...plan.map((r) => `  ${"  ".repeat(r.depth)}${r.type.padEnd(width - 2 * r.depth)}  ${r.name}`)];
}

/** Text report: everything that needs attention, most important first; passes only counted (or listed with `verbose`). */
export function renderText(findings: readonly ReportFinding[], meta: ReportMeta, options: { verbose?: boolean } = {}): string {
  const lines = [`${meta.tool.name} ${meta.tool.version} — ${meta.target}${meta.profile ? ` (profile ${meta.profile})` : ""}`, ""];
  for (const e of meta.errors ?? []) lines.push(`ERROR ${e}`);
  if (meta.errors?.length) lines.push("");
  if (meta.plan?.length) lines.push(...planLines(meta.plan), "");
  for (const f of sortFindings(findings)) {
    if (!options.verbose && (f.status === "pass" || f.status === "not-applicable")) continue;
    lines.push(heading(f));
    lines.push(`    ${f.message.replace(/\n/g, "\n    ")}`);
  }
  lines.push("", summaryLine(summarise(findings)), "");
  return lines.join("\n");
}

export function renderJson(findings: readonly ReportFinding[], meta: ReportMeta): string {
  return JSON.stringify({ ...meta, summary: summarise(findings), findings: sortFindings(findings) }, null, 2) + "\n";
}
