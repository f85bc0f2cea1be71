/**
 * JUnit XML: one test suite per subject, one test case per (subject, rule). Failures (either
 * enforcement level, the `type` attribute says which) are <failure>; findings that were not
 * decided pass/fail (exempted, manual review, unknown, not applicable) are <skipped> with why.
 */
import { sortFindings, summarise, type ReportFinding, type ReportMeta } from "./findings";
import { junitCaseOf } from "./rule-metadata";

const xml = (text: string): string =>
  text
    // Characters XML 1.0 cannot carry at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

function testCase(f: ReportFinding): string {
  const { classname, name } = junitCaseOf(f);
  const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}">`;
  switch (f.status) {
    case "fail":
    case "error":
      return (
        `${open}\n      <failure type="${f.enforcement}" ` +
        `message="${xml(f.message.split("\n")[0]!.slice(0, 300))}">${xml(f.message)}</failure>\n    </testcase>`
      );
    case "pass":
      return `${open}</testcase>`;
    default:
      return `${open}\n      <skipped message="${xml(`${f.status}: ${f.message}`.slice(0, 500))}"/>\n    </testcase>`;
  }
}

export function renderJunit(findings: readonly ReportFinding[], meta: ReportMeta): string {
  const sorted = sortFindings(findings);
  const bySubject = new Map<string, ReportFinding[]>();
  for (const f of sorted) bySubject.set(f.subject.id, [...(bySubject.get(f.subject.id) ?? []), f]);
  const count = (list: readonly ReportFinding[]) => {
    const s = summarise(list);
    return {
      tests: list.length,
      failures: s.mandatoryFailures + s.advisoryFailures,
      skipped: list.length - s.mandatoryFailures - s.advisoryFailures - s.passed,
    };
  };
  const total = count(sorted);
  const suites = [...bySubject.entries()].map(([id, list]) => {
    const c = count(list);
    const first = list[0]!;
    return [
      `  <testsuite name="${xml(`${first.subject.type} ${first.subject.name}`)}" ` +
        `id="${xml(id)}" tests="${c.tests}" failures="${c.failures}" errors="0" ` +
        `skipped="${c.skipped}">`,
      ...list.map(testCase),
      "  </testsuite>",
    ].join("\n");
  });
  const benchmark = meta.benchmark ? ` (CIS Docker Benchmark ${meta.benchmark.version})` : "";
  const title = `${meta.tool.name} ${meta.target}${benchmark}`;
  const errors = (meta.errors ?? []).map((e) => `  <!-- error: ${xml(e).replace(/--/g, "- -")} -->`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<testsuites " +
      `name="${xml(title)}" ` +
      `tests="${total.tests}" failures="${total.failures}" ` +
      `errors="${meta.errors?.length ?? 0}" skipped="${total.skipped}">`,
    ...errors,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
