/**
 * The shell text of the host scripts lives in real files under ./sh (bodies) and ./sh/lib (the
 * functions they share), so that shellcheck reads them as they are and no shell is escaped inside
 * a template literal. `npm run build` copies ./sh to dist/scripts/sh, beside the compiled
 * renderers. A renderer puts the validated, quoted inputs first, then the libraries and the body.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const texts = new Map<string, string>();

/** The directive that tells shellcheck the dialect of a file with no `#!` line of its own. */
const DIALECT = "# shellcheck shell=sh\n";

/**
 * The text of ./sh/`name` (e.g. "audit-rules.sh", "lib/messages.sh"), read once, without its
 * leading `# shellcheck shell=sh` (the rendered script starts with `#!/bin/sh`).
 */
export function shFile(name: string): string {
  let text = texts.get(name);
  if (text === undefined) {
    text = readFileSync(join(__dirname, "sh", name), "utf8");
    if (text.startsWith(DIALECT)) text = text.slice(DIALECT.length);
    texts.set(name, text);
  }
  return text;
}

/** A shared library (./sh/lib/`name`.sh), without its trailing newline, to be joined with others. */
export function shLibrary(name: string): string {
  return shFile(`lib/${name}.sh`).replace(/\n+$/, "");
}
