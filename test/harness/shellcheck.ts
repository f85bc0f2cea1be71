/**
 * shellcheck (Debian package, installed by scripts/test-all.sh): POSIX sh, warnings and errors.
 * `shellcheck` reads a rendered host script (its inputs and the shared functions it includes are
 * all there); `shellcheckFile` reads one file of src/scripts/sh as it is, and `shFiles` lists them.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

export interface ShellcheckRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const ARGS = ["--shell=sh", "--severity=warning"];

export function shellcheck(script: string): ShellcheckRun {
  const r = spawnSync("shellcheck", [...ARGS, "-"], { input: script, encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function shellcheckFile(path: string): ShellcheckRun {
  const r = spawnSync("shellcheck", [...ARGS, "--", path], { encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The directory of the host scripts' shell files. */
export const SH_DIR = join(__dirname, "../../src/scripts/sh");

/** Every .sh file under SH_DIR, relative to it ("data-root.sh", "lib/messages.sh"), sorted. */
export function shFiles(dir = SH_DIR): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".sh")) found.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return found.sort();
}
