/** Human-readable renderings of findings: a text report (the default) and JSON. */
import {
  sortFindings,
  summarise,
  type FindingStatus,
  type ReportFinding,
  type ReportLocation,
  type ReportMeta,
  type Summary,
} from "./findings";

// C0, DEL and C1 controls, U+2028/U+2029, bidirectional overrides and isolates. Built from a string: matching control
// characters is the point here, which a regex literal would have no-control-regex flag.
const UNPRINTABLE = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f" + "\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]",
  "g",
);

/**
 * Text as one visible run of characters: control characters (C0, DEL, C1), line and paragraph
 * separators and bidirectional overrides are written as \n, \r, \t or \u{…}. A resource name
 * comes from the program under check: a newline in it must not forge a line of the report, an
 * escape sequence must not rewrite the terminal. `keepNewlines` keeps \n (multi-line messages,
 * whose continuation lines are indented).
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (c === "\n") return options.keepNewlines ? c : "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u{${c.charCodeAt(0).toString(16).padStart(4, "0")}}`;
  });
}

/** A multi-line text under a heading: every line after the first indented by `indent`. */
const indented = (text: string, indent: string): string =>
  printable(text, { keepNewlines: true }).replace(/\n/g, `\n${indent}`);

const MARK: Record<FindingStatus, string> = {
  fail: "✗",
  error: "✗",
  unknown: "?",
  exempted: "~",
  manual: "!",
  pass: "✓",
  "not-applicable": "-",
};

/** ` (file:line:column)`, as compilers print positions; empty without a location. */
function where(location: ReportLocation | undefined): string {
  if (!location) return "";
  const column = location.column ? `:${location.column}` : "";
  return ` (${printable(location.uri)}${location.line ? `:${location.line}${column}` : ""})`;
}

function heading(f: ReportFinding): string {
  const status =
    f.status === "fail" || f.status === "error"
      ? f.enforcement === "mandatory"
        ? "MANDATORY"
        : "advisory"
      : f.status === "manual"
        ? "review"
        : f.status;
  return headline(MARK[f.status], status, f.rule.id, f.subject, f.location);
}

/** `✗ MANDATORY cis-5.5-no-privileged  web [docker:index/container:Container] (index.ts:12:3)` */
function headline(
  mark: string,
  status: string,
  policy: string,
  subject: { name: string; type: string },
  location: ReportLocation | undefined,
): string {
  const resource = `${printable(subject.name)} [${printable(subject.type)}]`;
  return `${mark} ${status.padEnd(9)} ${printable(policy)}  ${resource}${where(location)}`;
}

/**
 * The counts of findings by outcome, then what they are about: the resources judged (those with
 * at least one finding), and, when known, how many the program declares in all (the plan: every
 * resource, components, their children and providers included; not every one is a Docker resource
 * a policy judges).
 */
export function summaryLine(s: Summary, declared?: number): string {
  return (
    `${s.mandatoryFailures} mandatory violation(s), ${s.advisoryFailures} advisory, ${s.exempted} exempted, ` +
    `${s.manual} for manual review, ${s.unknown} undecided, ${s.passed} passed, ${s.notApplicable} not applicable — ` +
    `${s.subjects} resource(s) judged${declared !== undefined ? ` of ${declared} declared` : ""}`
  );
}

/** Above this many resources the plan is summarised by type (a tree of thousands helps nobody). */
export const PLAN_TREE_LIMIT = 100;

/**
 * The plan counts every resource the program declares (components,
 * children, providers), not only what the policies judge.
 */
const planHead = (n: number, failed: boolean) =>
  failed
    ? `Declared before the program failed (nothing deploys while it fails): ${n} resource(s)`
    : `Would deploy ${n} resource(s) (all declared: components, their children, providers)`;

const shown = (value: unknown): string => (value === undefined ? "(unset)" : JSON.stringify(value));

/** The fixes applied before judging: per fix, the inputs it changed, before (-) and after (+). */
function fixLines(fixes: NonNullable<ReportMeta["fixes"]>): string[] {
  const resources = new Set(fixes.map((f) => f.subject.id)).size;
  const lines = [`Fixed before judging: ${fixes.length} fix(es) on ${resources} resource(s)`];
  for (const f of fixes) {
    lines.push(headline("~", "fixed", f.policy, f.subject, f.location));
    lines.push(`    ${printable(f.summary)}`);
    for (const c of f.changes) {
      lines.push(`    - ${printable(c.input)}: ${printable(shown(c.before))}`);
      lines.push(`    + ${printable(c.input)}: ${printable(shown(c.after))}`);
    }
  }
  return lines;
}

/** What would be deployed: the component tree, or counts by type for a large program. */
function planLines(plan: NonNullable<ReportMeta["plan"]>, failed: boolean): string[] {
  if (plan.length > PLAN_TREE_LIMIT) {
    const counts = new Map<string, number>();
    for (const r of plan) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const width = Math.max(...[...counts.keys()].map((t) => printable(t).length));
    return [
      `${planHead(plan.length, failed)}, by type:`,
      ...[...counts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([t, n]) => `  ${printable(t).padEnd(width)}  ${n}`),
    ];
  }
  const width = Math.max(...plan.map((r) => 2 * r.depth + printable(r.type).length));
  return [
    `${planHead(plan.length, failed)}:`,
    ...plan.map(
      (r) => `  ${"  ".repeat(r.depth)}${printable(r.type).padEnd(width - 2 * r.depth)}  ${printable(r.name)}`,
    ),
  ];
}

/**
 * Text report: everything that needs attention, most important first; passes only counted (or listed with `verbose`).
 */
export function renderText(
  findings: readonly ReportFinding[],
  meta: ReportMeta,
  options: { verbose?: boolean } = {},
): string {
  const judged = [
    meta.benchmark ? `CIS Docker Benchmark v${meta.benchmark.version}` : "",
    meta.profile ? `profile ${meta.profile}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const lines = [
    `${meta.tool.name} ${meta.tool.version} — ${printable(meta.target)}${judged ? ` (${judged})` : ""}`,
    "",
  ];
  for (const e of meta.errors ?? []) lines.push(`ERROR ${indented(e, "  ")}`);
  if (meta.errors?.length) lines.push("");
  if (meta.plan?.length) lines.push(...planLines(meta.plan, (meta.errors?.length ?? 0) > 0), "");
  if (meta.fixes?.length) lines.push(...fixLines(meta.fixes), "");
  let shown = 0;
  for (const f of sortFindings(findings)) {
    if (!options.verbose && (f.status === "pass" || f.status === "not-applicable")) continue;
    lines.push(heading(f));
    lines.push(`    ${indented(f.message, "    ")}`);
    shown++;
  }
  if (shown) lines.push("");
  lines.push(summaryLine(summarise(findings), meta.plan?.length), "");
  return lines.join("\n");
}

export function renderJson(findings: readonly ReportFinding[], meta: ReportMeta): string {
  return JSON.stringify({ ...meta, summary: summarise(findings), findings: sortFindings(findings) }, null, 2) + "\n";
}
