/** A vulnerability scanner's report on one image, as the audit reads it (src/adapters/vuln-report.ts). */

/** Severities as the scanners name them, lower-cased (Grype's `Negligible` included). */
export type VulnSeverity = "critical" | "high" | "medium" | "low" | "negligible" | "unknown";

/** One finding: a vulnerability in one installed package. */
export interface VulnFinding {
  /** `CVE-2024-1234`, `GHSA-…`. */
  id: string;
  severity: VulnSeverity;
  /** The package's name. */
  pkg: string;
  /** The version installed in the image. */
  installed: string;
  /** The version(s) that fix it; absent where no fix is published (or it will not be fixed). */
  fixedVersion?: string;
}

export interface VulnReport {
  tool: "trivy" | "grype";
  /** Where the report was read from (a file name), for evidence. */
  source: string;
  /**
   * What identifies the image scanned: its id (`sha256:…`, the config digest), repo digests
   * (`name@sha256:…`) and manifest digest (`sha256:…`). Matched by digest, never by tag (a tag moves).
   */
  imageRefs: string[];
  findings: VulnFinding[];
}
