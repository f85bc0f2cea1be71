/** Trivy and Grype JSON reports read into VulnReport (CIS 4.4's input), and what is refused. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AdapterError } from "../../../src/adapters/errors";
import { parseVulnReport } from "../../../src/adapters/vuln-report";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const sha = (c: string) => "sha256:" + c.repeat(64);

describe("Trivy (`trivy image -f json`)", () => {
  test("image id and repo digests; every result's findings, FixedVersion kept only where non-empty", () => {
    const r = parseVulnReport(fixture("trivy-alpine.json"), "trivy.json");
    expect(r.tool).toBe("trivy");
    expect(r.source).toBe("trivy.json");
    expect(r.imageRefs).toEqual([sha("1"), `registry.example.com/team/app@${sha("a")}`]);
    expect(r.findings).toEqual([
      { id: "CVE-2023-5363", severity: "high", pkg: "libcrypto3", installed: "3.1.0-r4", fixedVersion: "3.1.4-r0" },
      { id: "CVE-2023-38545", severity: "critical", pkg: "curl", installed: "8.1.2-r0", fixedVersion: "8.4.0-r0" },
      { id: "CVE-2023-9999", severity: "high", pkg: "busybox", installed: "1.36.0-r9" },
      { id: "CVE-2023-1111", severity: "medium", pkg: "zlib", installed: "1.2.13-r1", fixedVersion: "1.3-r0" },
      { id: "GHSA-c2qf-rxjj-qqgw", severity: "high", pkg: "semver", installed: "7.5.1", fixedVersion: "7.5.2, 6.3.1" },
    ]);
  });

  test("absent RepoDigests, FixedVersion and Vulnerabilities are tolerated", () => {
    const r = parseVulnReport(fixture("trivy-clean.json"), "clean.json");
    expect(r.imageRefs).toEqual([sha("2")]);
    expect(r.findings.map((f) => [f.id, f.severity, f.fixedVersion])).toEqual([
      ["CVE-2011-3374", "low", undefined],
      ["CVE-2023-45853", "critical", undefined],
    ]);
  });

  test("a report with no Results at all (nothing found) has no findings", () => {
    const r = parseVulnReport(
      JSON.stringify({ SchemaVersion: 2, Metadata: { ImageID: sha("9") }, Results: null }),
      "x",
    );
    expect(r.findings).toEqual([]);
  });
});

describe("Grype (`grype -o json`)", () => {
  test("image id, manifest digest and repo digests; a fix only where its state is fixed", () => {
    const r = parseVulnReport(fixture("grype-debian.json"), "grype.json");
    expect(r.tool).toBe("grype");
    expect(r.imageRefs).toEqual([sha("3"), sha("4"), `debian@${sha("5")}`]);
    expect(r.findings).toEqual([
      {
        id: "CVE-2024-2961",
        severity: "high",
        pkg: "libc6",
        installed: "2.36-9+deb12u4",
        fixedVersion: "2.36-9+deb12u7",
      },
      { id: "CVE-2023-45853", severity: "critical", pkg: "zlib1g", installed: "1:1.2.13.dfsg-1" },
      { id: "CVE-2024-0001", severity: "negligible", pkg: "tar", installed: "1.34+dfsg-1.2", fixedVersion: "1.0" },
    ]);
  });

  test("not-fixed has no fix; an empty repoDigests list is tolerated", () => {
    const r = parseVulnReport(fixture("grype-clean.json"), "g.json");
    expect(r.imageRefs).toEqual([sha("6")]);
    expect(r.findings.map((f) => [f.id, f.fixedVersion])).toEqual([
      ["CVE-2024-7777", undefined],
      ["CVE-2024-8888", "2.0"],
    ]);
  });
});

describe("refused, naming the file", () => {
  test.each([
    ["not JSON", "{ nope", /^bad\.json: not JSON: /],
    ["a JSON array", "[]", /^bad\.json: expected a Trivy or Grype JSON report \(an object\), got array$/],
    ["neither format", JSON.stringify({ hello: 1 }), /^bad\.json: neither a Trivy report .* nor a Grype report/],
    [
      "a scan of no image (trivy fs)",
      JSON.stringify({ SchemaVersion: 2, ArtifactName: ".", ArtifactType: "filesystem", Results: [] }),
      /^bad\.json: this trivy report names no image id or repo digest/,
    ],
    [
      "Results not a list",
      JSON.stringify({ SchemaVersion: 2, Metadata: { ImageID: sha("1") }, Results: {} }),
      /^bad\.json: Results: expected an array, got object$/,
    ],
    [
      "a finding without its id",
      JSON.stringify({ matches: [{ vulnerability: { severity: "High" } }], source: { target: { imageID: sha("1") } } }),
      /^bad\.json: matches\[0\]\.vulnerability\.id: expected the vulnerability id, got undefined$/,
    ],
  ])("%s", (_name, text, message) => {
    expect(() => parseVulnReport(text, "bad.json")).toThrow(AdapterError);
    expect(() => parseVulnReport(text, "bad.json")).toThrow(message);
  });
});
