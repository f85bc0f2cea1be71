/**
 * Vulnerability scanners' JSON reports read into VulnReport: Trivy (`trivy image -f json`, schema 2)
 * and Grype (`grype -o json`). Only what CIS 4.4 judges is kept: the image's digests and each
 * finding's id, severity, package and fix. Fields a scanner leaves out (RepoDigests of a local
 * image, an empty Results list) are tolerated; a document that is neither report is refused.
 */
import type { VulnFinding, VulnReport, VulnSeverity } from "../facts/vulns";
import { AdapterError, typeName } from "./errors";

const SEVERITIES: readonly VulnSeverity[] = ["critical", "high", "medium", "low", "negligible", "unknown"];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => str(s) !== undefined) : []);

function severity(v: unknown): VulnSeverity {
  const s = typeof v === "string" ? v.toLowerCase() : "";
  return (SEVERITIES as readonly string[]).includes(s) ? (s as VulnSeverity) : "unknown";
}

/** An array field, or [] where absent/null (Trivy writes `null` for a clean target). */
function list(source: string, value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AdapterError(source, `${field}: expected an array, got ${typeName(value)}`);
  return value;
}

function entry(source: string, value: unknown, field: string): Json {
  if (!isObject(value)) throw new AdapterError(source, `${field}: expected an object, got ${typeName(value)}`);
  return value;
}

function requiredId(source: string, value: unknown, field: string): string {
  const id = str(value);
  if (id === undefined)
    throw new AdapterError(source, `${field}: expected the vulnerability id, got ${typeName(value)}`);
  return id;
}

function finding(f: Omit<VulnFinding, "fixedVersion">, fixedVersion: string | undefined): VulnFinding {
  return fixedVersion ? { ...f, fixedVersion } : f;
}

/** Trivy: Metadata.ImageID/RepoDigests; Results[].Vulnerabilities[] with FixedVersion ("" = no fix). */
function fromTrivy(doc: Json, source: string): VulnReport {
  const meta = isObject(doc.Metadata) ? doc.Metadata : {};
  const imageRefs = [...strings([meta.ImageID]), ...strings(meta.RepoDigests)];
  const findings: VulnFinding[] = [];
  list(source, doc.Results, "Results").forEach((r, i) => {
    const result = entry(source, r, `Results[${i}]`);
    list(source, result.Vulnerabilities, `Results[${i}].Vulnerabilities`).forEach((v, j) => {
      const field = `Results[${i}].Vulnerabilities[${j}]`;
      const vuln = entry(source, v, field);
      findings.push(
        finding(
          {
            id: requiredId(source, vuln.VulnerabilityID, `${field}.VulnerabilityID`),
            severity: severity(vuln.Severity),
            pkg: str(vuln.PkgName) ?? str(vuln.PkgID) ?? "",
            installed: str(vuln.InstalledVersion) ?? "",
          },
          str(vuln.FixedVersion),
        ),
      );
    });
  });
  return { tool: "trivy", source, imageRefs, findings };
}

/** Grype: source.target.imageID/manifestDigest/repoDigests; matches[] with vulnerability.fix.state. */
function fromGrype(doc: Json, source: string): VulnReport {
  const src = isObject(doc.source) ? doc.source : {};
  const target = isObject(src.target) ? src.target : {};
  const imageRefs = [...strings([target.imageID, target.manifestDigest]), ...strings(target.repoDigests)];
  const findings = list(source, doc.matches, "matches").map((m, i) => {
    const match = entry(source, m, `matches[${i}]`);
    const vuln = entry(source, match.vulnerability, `matches[${i}].vulnerability`);
    const artifact = isObject(match.artifact) ? match.artifact : {};
    const fix = isObject(vuln.fix) ? vuln.fix : {};
    // Only "fixed" has a fix to take; "not-fixed", "wont-fix" and "unknown" do not.
    const versions = fix.state === "fixed" ? strings(fix.versions) : [];
    return finding(
      {
        id: requiredId(source, vuln.id, `matches[${i}].vulnerability.id`),
        severity: severity(vuln.severity),
        pkg: str(artifact.name) ?? "",
        installed: str(artifact.version) ?? "",
      },
      versions.length ? versions.join(", ") : undefined,
    );
  });
  return { tool: "grype", source, imageRefs, findings };
}

/**
 * Read a Trivy or Grype JSON report. `source` names it in errors (a file name). Throws AdapterError
 * for text that is not JSON, a document that is neither report, or one that names no image digest
 * (a `trivy fs` or directory scan cannot be matched to an image).
 */
export function parseVulnReport(text: string, source: string): VulnReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AdapterError(source, `not JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc))
    throw new AdapterError(source, `expected a Trivy or Grype JSON report (an object), got ${typeName(doc)}`);
  let report: VulnReport;
  if (Array.isArray(doc.matches) && (isObject(doc.source) || isObject(doc.descriptor))) report = fromGrype(doc, source);
  else if (typeof doc.SchemaVersion === "number" && ("Results" in doc || "ArtifactName" in doc))
    report = fromTrivy(doc, source);
  else
    throw new AdapterError(
      source,
      "neither a Trivy report (`trivy image -f json`: SchemaVersion, Results) " +
        "nor a Grype report (`grype -o json`: matches, source)",
    );
  if (report.imageRefs.length === 0)
    throw new AdapterError(
      source,
      `this ${report.tool} report names no image id or repo digest: scan an image ` +
        "(Trivy: Metadata.ImageID/RepoDigests; Grype: source.target.imageID/repoDigests)",
    );
  return report;
}
