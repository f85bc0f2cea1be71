/**
 * SARIF 2.1.0 for code scanning. One run; a reportingDescriptor per rule seen; one result per
 * finding that needs attention (failures, unknowns, manual reviews, exemptions as suppressed
 * results). Results carry a stable fingerprint (hash of subject id + rule id: the same resource
 * breaking the same rule is the same alert across runs and line moves) and CIS tags.
 */
import { createHash } from "crypto";
import * as path from "path";
import type * as Sarif from "sarif";
import { sortFindings, type ReportFinding, type ReportMeta, type ReportRule } from "./findings";
import { packageDocUri, sarifDescriptor, sarifTags } from "./rule-metadata";

export { CIS_BENCHMARK_URI, packageDocUri } from "./rule-metadata";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const FINGERPRINT_KEY = "hardenedDocker/v1";

export function fingerprint(subjectId: string, ruleId: string): string {
  return createHash("sha256").update(`${subjectId}\u0000${ruleId}`).digest("hex");
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

/**
 * The fixes applied before judging (`check --fix`, policies at `remediate`), each a result of its
 * rule at level `note` carrying the SARIF `fixes` that make the same change in the program's
 * source, where the edit is known. Rules not yet in `rules` (their findings now pass) are added.
 */
function fixResults(
  meta: ReportMeta,
  findings: readonly ReportFinding[],
  rules: ReportRule[],
  index: Map<string, number>,
): Sarif.Result[] {
  const artifact = (uri: string) => ({ uri, ...(meta.root ? { uriBaseId: "%SRCROOT%" } : {}) });
  return (meta.fixes ?? []).flatMap((fix) => {
    const rule = findings.find((f) => f.rule.id === fix.policy)?.rule;
    if (!rule) return [];
    if (!index.has(rule.id)) index.set(rule.id, rules.push(rule) - 1);
    const changed = fix.changes.map((c) => c.input).join(", ");
    const edits = fix.location && fix.edits?.length ? fix.edits : undefined;
    return [
      {
        ruleId: rule.id,
        ruleIndex: index.get(rule.id)!,
        kind: "informational" as const,
        level: "note" as const,
        message: { text: `${fix.subject.name}: fixed before judging (${changed}): ${fix.summary}.` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifact(fix.location?.uri ?? meta.target),
              ...(fix.location?.line
                ? { region: { startLine: fix.location.line, startColumn: fix.location.column ?? 1 } }
                : {}),
            },
            logicalLocations: [{ name: fix.subject.name, fullyQualifiedName: fix.subject.id, kind: "resource" }],
          },
        ],
        ...(edits && fix.location
          ? {
              fixes: [
                {
                  description: { text: fix.summary },
                  artifactChanges: [
                    {
                      artifactLocation: artifact(fix.location.uri),
                      replacements: edits.map((e) => ({ deletedRegion: e.region, insertedContent: { text: e.text } })),
                    },
                  ],
                },
              ],
            }
          : {}),
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(fix.subject.id, `${rule.id}#fixed`) },
        properties: { status: "fixed", changes: fix.changes, subjectType: fix.subject.type },
      },
    ];
  });
}

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
        tags: sarifTags(f.rule).filter((t) => t !== "security"),
        status: f.status,
        enforcement: f.enforcement,
        subjectType: f.subject.type,
        ...(f.source ? { source: f.source } : {}),
      },
    };
  });
  results.push(...fixResults(meta, findings, rules, index));
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
            rules: rules.map(sarifDescriptor),
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
