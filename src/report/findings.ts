/**
 * A neutral list of findings that every report format renders: what was judged (subject), by
 * which rule, with what outcome, where it is declared. `check` (Pulumi programs) produces it
 * today; a live `audit` can produce the same shape (subject = a container, daemon or host).
 */
import * as path from "path";

export type FindingStatus = "fail" | "pass" | "exempted" | "manual" | "not-applicable" | "unknown" | "error";
export type Enforcement = "mandatory" | "advisory" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";

export interface ReportRule {
  /** Stable rule identifier used by tools (e.g. the policy name `cis-5.4-restrict-capabilities`). */
  id: string;
  title: string;
  /** Catalog id (`5.4`, `hd-exemptions`), when the finding comes from a catalog rule. */
  catalogId?: string;
  /** CIS Docker Benchmark reference, for CIS items. */
  cis?: { id: string; version: string; level: 1 | 2; automated: boolean };
  severity: Severity;
  remediation?: string;
  tags?: string[];
}

export interface ReportSubject {
  /** Stable identity: a Pulumi URN, an engine id, a host name. */
  id: string;
  name: string;
  /** What kind of thing: a Pulumi type token, or `container` / `daemon` / `host` for a live audit. */
  type: string;
}

/** A file as reports name it: relative to the report's root, with forward slashes. */
export function reportUri(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

export interface ReportLocation {
  /** File path, relative to the report's root where possible (forward slashes). */
  uri: string;
  line?: number;
  column?: number;
}

export interface ReportFinding {
  rule: ReportRule;
  subject: ReportSubject;
  status: FindingStatus;
  /** How a failure counts: only mandatory failures fail the run. */
  enforcement: Enforcement;
  message: string;
  location?: ReportLocation;
  exemption?: { reason: string; expires?: string };
  /** `inputs` (before deploy), `state` (stack outputs), or `live` (a running engine). */
  source?: "inputs" | "state" | "live";
}

export interface ReportMeta {
  tool: { name: string; version: string };
  /** What was checked, e.g. the program path. */
  target: string;
  /** Root for relative locations (SARIF %SRCROOT%); absolute. */
  root?: string;
  profile?: string;
  /** The benchmark version the findings judge, e.g. { id: "cis-1.6.0", version: "1.6.0" }. */
  benchmark?: { id: string; version: string };
  /** Problems running the check itself (program errors). */
  errors?: string[];
  /** The exit code the command returns. */
  exitCode?: number;
  /** What would be deployed (`check`): resources in declaration order, children indented under their component. */
  plan?: { type: string; name: string; depth: number }[];
  /** Fixes applied before judging (`check --fix`, or policies at `remediate`), in program order. */
  fixes?: FixReport[];
}

/** One rule's fix on one resource: the inputs it changed, before and after. */
export interface FixReport {
  subject: { id: string; name: string; type: string };
  location?: ReportLocation;
  /** The policy whose fix it is (what pack configs name). */
  policy: string;
  ruleId: string;
  /** What the fix does, in words. */
  summary: string;
  /** The top-level inputs it changed. */
  changes: { input: string; before: unknown; after: unknown }[];
  /**
   * The same change made to the program's source at `location` (its inputs set to their values
   * after this fix), where the call is written `new X(name, { … })`: regions 1-based, end column
   * exclusive, with character offsets.
   */
  edits?: { region: SourceRegion; text: string }[];
}

/** A stretch of a source file (SARIF's region: 1-based lines and columns, end column exclusive). */
export interface SourceRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  charOffset: number;
  charLength: number;
}

export interface Summary {
  mandatoryFailures: number;
  advisoryFailures: number;
  exempted: number;
  manual: number;
  unknown: number;
  errors: number;
  passed: number;
  notApplicable: number;
  subjects: number;
}

/**
 * A failure (or unreadable input) under an enabled policy; a
 * manual item counts only when its policy was made mandatory.
 */
export const isViolation = (f: ReportFinding): boolean =>
  f.enforcement !== "disabled" &&
  (f.status === "fail" || f.status === "error" || (f.status === "manual" && f.enforcement === "mandatory"));
export const isMandatoryViolation = (f: ReportFinding): boolean => isViolation(f) && f.enforcement === "mandatory";

export function summarise(findings: readonly ReportFinding[]): Summary {
  const s: Summary = {
    mandatoryFailures: 0,
    advisoryFailures: 0,
    exempted: 0,
    manual: 0,
    unknown: 0,
    errors: 0,
    passed: 0,
    notApplicable: 0,
    subjects: new Set(findings.map((f) => f.subject.id)).size,
  };
  for (const f of findings) {
    if (f.status === "error") s.errors++;
    if (isViolation(f)) {
      if (f.enforcement === "mandatory") s.mandatoryFailures++;
      else s.advisoryFailures++;
    } else if (f.status === "exempted") s.exempted++;
    else if (f.status === "manual") s.manual++;
    else if (f.status === "unknown") s.unknown++;
    else if (f.status === "pass") s.passed++;
    else if (f.status === "not-applicable") s.notApplicable++;
  }
  return s;
}

const STATUS_ORDER: Record<FindingStatus, number> = {
  error: 0,
  fail: 1,
  unknown: 2,
  exempted: 3,
  manual: 4,
  pass: 5,
  "not-applicable": 6,
};
const ENFORCEMENT_ORDER: Record<Enforcement, number> = { mandatory: 0, advisory: 1, disabled: 2 };

/**
 * Most important first: mandatory failures, advisory failures,
 * unknowns, exemptions, manual items, passes; then by subject and rule.
 */
export function sortFindings(findings: readonly ReportFinding[]): ReportFinding[] {
  return [...findings].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      ENFORCEMENT_ORDER[a.enforcement] - ENFORCEMENT_ORDER[b.enforcement] ||
      a.subject.id.localeCompare(b.subject.id) ||
      a.rule.id.localeCompare(b.rule.id, undefined, { numeric: true }),
  );
}
