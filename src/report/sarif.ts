/**
 * SARIF 2.1.0 for code scanning. One run; a reportingDescriptor per rule seen; one result per
 * finding that needs attention (failures, unknowns, manual reviews, exemptions as suppressed
 * results). Results carry a stable fingerprint (hash of subject id + rule id: the same resource
 * breaking the same rule is the same alert across runs and line moves) and CIS tags.
 */
import { createHash } from "crypto";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type * as Sarif from "sarif";
import { sortFindings, type ReportFinding, type ReportMeta, type ReportRule, type Severity } from "./findings";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const FINGERPRINT_KEY = "hardenedDocker/v1";

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

export function fingerprint(subjectId: string, ruleId: string): string {
  return createHash("sha256").update(`${subjectId}\u0000${ruleId}`).digest("hex");
}

function ruleTags(rule: ReportRule): string[] {
  const tags = new Set(["security", ...(rule.tags ?? [])]);
  if (rule.cis) tags.add(`CIS-${rule.cis.id}`).add(`cis-docker-benchmark-${rule.cis.version}`);
  return [...tags];
}

function descriptor(rule: ReportRule): Sarif.ReportingDescriptor {
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
      tags: ruleTags(rule),
      precision: "very-high",
      "security-severity": SECURITY_SEVERITY[rule.severity],
      ...(rule.cis ? { cis: rule.cis.id, cisLevel: rule.cis.level, cisAutomated: rule.cis.automated } : {}),
      ...(rule.catalogId ? { catalogId: rule.catalogId } : {}),
    },
  };
}

/** SARIF §3.27.9: a result whose kind is not `fail` has level `none`. */
function resultLevel(f: ReportFinding): Sarif.Result.level {
  if (resultKind(f) !== "fail") return "none";
  return f.enforcement === "mandatory" ? "error" : "warning";
}

function resultKind(f: ReportFinding): Sarif.Result.kind {
  switch (f.status) {
    case "manual":
      return "review";
    case "unknown":
      return "open";
    case "pass":
      return "pass";
    case "not-applicable":
      return "notApplicable";
    default:
      return "fail";
  }
}

const toUri = (p: string) => p.split(path.sep).join("/");

/** Render findings as a SARIF log. Passing and not-applicable findings are left out unless `includePasses`. */
export function renderSarif(
  findings: readonly ReportFinding[],
  meta: ReportMeta,
  options: { includePasses?: boolean } = {},
): Sarif.Log {
  const shown = sortFindings(findings).filter(
    (f) => options.includePasses || (f.status !== "pass" && f.status !== "not-applicable"),
  );
  const rules: ReportRule[] = [];
  const index = new Map<string, number>();
  for (const f of shown) {
    if (index.has(f.rule.id)) continue;
    index.set(f.rule.id, rules.length);
    rules.push(f.rule);
  }
  const targetUri = toUri(meta.root ? path.relative(meta.root, path.resolve(meta.root, meta.target)) : meta.target);
  const results: Sarif.Result[] = shown.map((f) => {
    const uri = f.location?.uri ?? targetUri;
    const region = f.location?.line
      ? { startLine: f.location.line, ...(f.location.column ? { startColumn: f.location.column } : {}) }
      : undefined;
    return {
      ruleId: f.rule.id,
      ruleIndex: index.get(f.rule.id)!,
      kind: resultKind(f),
      level: resultLevel(f),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri, ...(meta.root ? { uriBaseId: "%SRCROOT%" } : {}) },
            ...(region ? { region } : {}),
          },
          logicalLocations: [{ name: f.subject.name, fullyQualifiedName: f.subject.id, kind: "resource" }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f.subject.id, f.rule.id) },
      ...(f.status === "exempted" && f.exemption
        ? {
            suppressions: [
              {
                kind: "external" as const,
                status: "accepted" as const,
                justification: f.exemption.expires
                  ? `${f.exemption.reason} (expires ${f.exemption.expires})`
                  : f.exemption.reason,
              },
            ],
          }
        : {}),
      properties: {
        tags: ruleTags(f.rule).filter((t) => t !== "security"),
        status: f.status,
        enforcement: f.enforcement,
        subjectType: f.subject.type,
        ...(f.source ? { source: f.source } : {}),
      },
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: meta.tool.name,
            version: meta.tool.version,
            semanticVersion: meta.tool.version,
            informationUri: packageDocUri("README.md"),
            rules: rules.map(descriptor),
          },
        },
        ...(meta.root
          ? { originalUriBaseIds: { "%SRCROOT%": { uri: `file://${toUri(meta.root).replace(/\/?$/, "/")}` } } }
          : {}),
        invocations: [
          {
            executionSuccessful: !(meta.errors && meta.errors.length),
            ...(meta.exitCode !== undefined ? { exitCode: meta.exitCode } : {}),
            ...(meta.errors?.length
              ? {
                  toolExecutionNotifications: meta.errors.map((e) => ({
                    level: "error" as const,
                    message: { text: e },
                  })),
                }
              : {}),
          },
        ],
        results,
        properties: {
          target: meta.target,
          ...(meta.profile ? { profile: meta.profile } : {}),
          ...(meta.benchmark ? { benchmark: meta.benchmark.id } : {}),
        },
      },
    ],
  };
}
