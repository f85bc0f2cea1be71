/**
 * shellcheck (Debian package, installed by scripts/test-all.sh) over a rendered host script:
 * POSIX sh, warnings and errors. Rendered text, not the .sh bodies alone, so the inputs and
 * shared functions the header defines are seen.
 */
import { spawnSync } from "node:child_process";

export function shellcheck(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("shellcheck", ["--shell=sh", "--severity=warning", "-"], { input: script, encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
