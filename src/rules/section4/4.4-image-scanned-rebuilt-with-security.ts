import { imageReport } from "../kit/images";
import { fail, manual, pass } from "../kit/verdicts";
import { mergedFindings, reportsFor, shownFinding } from "../kit/vulns";
import { defineRule } from "../types";

const GUIDANCE =
  "Scan the image for known vulnerabilities (Trivy, Grype, Docker Scout) and confirm it " +
  "is rebuilt from a patched base on a schedule and when fixes land; then redeploy its " +
  "containers.";

/** Findings named in the evidence; the counts cover the rest. */
const SHOWN = 5;

export const scanAndRebuild = defineRule({
  id: "4.4",
  slug: "image-scanned-rebuilt-with-security",
  title: "Image is scanned and rebuilt with security patches",
  section: 4,
  automated: false,
  level: 1,
  subject: "image",
  // The audit judges it where a scanner's report covers the image (`--vuln-report`); else the how-to.
  where: "live",
  reads: ["id", "repoTags", "repoDigests", "containersUsing"],
  remediation:
    "Add image scanning to CI and rebuild images regularly from updated bases (`docker " +
    "build --pull --no-cache`); redeploy containers from the new image.",
  check: (img, ctx) => {
    const reports = reportsFor(img, ctx.vulnReports ?? []);
    if (reports.length === 0) return manual(GUIDANCE, imageReport(img));
    const serious = mergedFindings(reports).filter((f) => f.severity === "critical" || f.severity === "high");
    // Critical first: the evidence names the worst.
    const fixable = serious
      .filter((f) => f.fixedVersion)
      .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
    const unfixed = serious.length - fixable.length;
    const by = `${reports.map((r) => `${r.tool} (${r.source})`).join(", ")}`;
    const unfixedNote = `${unfixed} critical/high listed without a fix`;
    if (fixable.length === 0)
      return pass(`scanned by ${by}: no critical/high vulnerability with a fix; ${unfixedNote}`);
    const count = (s: string) => fixable.filter((f) => f.severity === s).length;
    return fail(
      "vulnerabilities",
      {
        critical: count("critical"),
        high: count("high"),
        first: fixable.slice(0, SHOWN).map(shownFinding),
      },
      "no critical or high vulnerability whose fix is available (rebuild from a patched base)",
      `scanned by ${by}: ${count("critical")} critical and ${count("high")} high with a fix available` +
        `${fixable.length > SHOWN ? ` (first ${SHOWN} shown)` : ""}; ${unfixedNote}`,
    );
  },
});
