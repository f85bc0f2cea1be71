/**
 * What reports say about a rule, derived from its record in one place: the policy pack (name,
 * severity, compliance framework, tags), the neutral findings every format renders (`ReportRule`),
 * SARIF's reportingDescriptor and JUnit's test case names. `check`, the audit and the pack read
 * these, so one rule is described alike in every output.
 */
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type * as Sarif from "sarif";
import { BENCHMARK_NAMES, benchmarkId, DEFAULT_BENCHMARK, type Benchmark } from "../rules/benchmarks";
import { isCisRule, policyName, ruleSeverity } from "../rules/naming";
import type { AnyRule } from "../rules/types";
import type { ReportFinding, ReportRule, Severity } from "./findings";

// ───────────────────────────── from the catalog record ─────────────────────────────

/** The rule's place in a benchmark version: its id there (`reference`) and title. */
export function ruleFramework(
  rule: Pick<AnyRule, "id" | "title" | "aliases">,
  benchmark: Benchmark = DEFAULT_BENCHMARK,
): { name: string; version: string; reference: string; specification: string } | undefined {
  return isCisRule(rule)
    ? { ...BENCHMARK_NAMES[benchmark], reference: benchmarkId(rule, benchmark), specification: rule.title }
    : undefined;
}

/** The rule's id (`cis-5.4`, `hd-exemptions`), section, level, kind of check and subject. */
export function ruleTags(rule: {
  id: string;
  section: number;
  level: number;
  automated: boolean;
  subject: string;
}): string[] {
  return [
    isCisRule(rule) ? `cis-${rule.id}` : rule.id,
    `section-${rule.section}`,
    `level-${rule.level}`,
    rule.automated ? "automated" : "manual",
    `subject-${rule.subject}`,
  ];
}

/** A catalog rule as findings carry it, with its id in `benchmark`. */
export function reportRuleOf(rule: AnyRule, benchmark: Benchmark = DEFAULT_BENCHMARK): ReportRule {
  return {
    id: policyName(rule),
    title: rule.title,
    catalogId: rule.id,
    ...(isCisRule(rule)
      ? {
          cis: {
            id: benchmarkId(rule, benchmark),
            version: BENCHMARK_NAMES[benchmark].version,
            level: rule.level,
            automated: rule.automated,
          },
        }
      : {}),
    severity: ruleSeverity(rule),
    remediation: rule.remediation,
    tags: ruleTags(rule),
  };
}

// ───────────────────────────── SARIF ─────────────────────────────

/**
 * Where SARIF viewers send people (SARIF wants absolute URIs for both). CIS items: the CIS page of
 * the Docker Benchmark, which publishes the recommendations' full text. The tool and the
 * project's own rules: the documentation shipped in the package (README.md, docs/cis-coverage.md
 * with every rule and its remediation) — at package.json's `homepage` when it names an https
 * page, else as a file: URI of the installed package. No other host is assumed.
 */
export const CIS_BENCHMARK_URI = "https://www.cisecurity.org/benchmark/docker";

interface PackageInfo {
  root: string;
  homepage?: string;
}

let packageInfo: PackageInfo | undefined;
function thisPackage(): PackageInfo {
  if (packageInfo) return packageInfo;
  // src/report or dist/report → the package root.
  const root = path.resolve(__dirname, "../..");
  let homepage: string | undefined;
  const file = path.join(root, "package.json");
  if (existsSync(file)) {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { homepage?: unknown };
    if (typeof pkg.homepage === "string" && /^https:\/\/[^\s]+$/.test(pkg.homepage))
      homepage = pkg.homepage.replace(/#.*$/, "").replace(/\/?$/, "/");
  }
  return (packageInfo = { root, ...(homepage ? { homepage } : {}) });
}

/** An absolute URI for a documentation file of this package (`README.md`, `docs/cis-coverage.md#…`). */
export function packageDocUri(relative: string): string {
  const [file, anchor] = relative.split("#");
  const { root, homepage } = thisPackage();
  const base = homepage ? new URL(file!, homepage).href : pathToFileURL(path.join(root, file!)).href;
  return anchor ? `${base}#${anchor}` : base;
}

function helpUri(rule: ReportRule): string {
  if (rule.cis) return CIS_BENCHMARK_URI;
  // A project rule of the catalog: the coverage table lists it, with its remediation.
  if (rule.catalogId) return packageDocUri("docs/cis-coverage.md");
  // A pack-only policy (components, drift, exemptions in use): the README's policy pack section.
  return packageDocUri("README.md#the-policy-pack-in-pull-requests");
}

/** GitHub's 0–10 security-severity scale. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** The rule's tags in SARIF: `security`, its own, and the CIS id and benchmark version. */
export function sarifTags(rule: ReportRule): string[] {
  const tags = new Set(["security", ...(rule.tags ?? [])]);
  if (rule.cis) tags.add(`CIS-${rule.cis.id}`).add(`cis-docker-benchmark-${rule.cis.version}`);
  return [...tags];
}

/** SARIF's reportingDescriptor of a rule. */
export function sarifDescriptor(rule: ReportRule): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|[-.])(\w)/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: rule.title },
    fullDescription: {
      text: rule.cis
        ? `${rule.title} (CIS Docker Benchmark ${rule.cis.version} ${rule.cis.id}, Level ${rule.cis.level})`
        : rule.title,
    },
    helpUri: helpUri(rule),
    ...(rule.remediation ? { help: { text: rule.remediation, markdown: `**Remediation:** ${rule.remediation}` } } : {}),
    defaultConfiguration: {
      level: rule.severity === "low" ? "note" : rule.severity === "medium" ? "warning" : "error",
    },
    properties: {
      tags: sarifTags(rule),
      precision: "very-high",
      "security-severity": SECURITY_SEVERITY[rule.severity],
      ...(rule.cis ? { cis: rule.cis.id, cisLevel: rule.cis.level, cisAutomated: rule.cis.automated } : {}),
      ...(rule.catalogId ? { catalogId: rule.catalogId } : {}),
    },
  };
}

// ───────────────────────────── JUnit ─────────────────────────────

/** A finding's JUnit test case: the subject is the class, the rule (its policy name) the test. */
export const junitCaseOf = (f: ReportFinding): { classname: string; name: string } => ({
  classname: f.subject.id,
  name: f.rule.id,
});
