/**
 * The report HardenedHost's host scripts print on stdout, and its parser. Two kinds of lines:
 *
 *   hd-done: <what the script did, in words>
 *   hd-fact: <key>=<value>            (a key may repeat: one line per list element)
 *
 * Everything else on stdout is progress text for humans. Values are printed with printf '%s'
 * by the scripts, so a hostile value (a user name read from /etc/group) is only ever data here.
 */
import { shLibrary } from "./sh-file";

export interface HostReport {
  /** `hd-done:` lines, in order. */
  done: string[];
  /** `hd-fact:` values by key, in order of appearance. */
  facts: Record<string, string[]>;
}

const DONE = "hd-done: ";
const FACT = "hd-fact: ";

/** `fact` and `did` (./sh/lib/report.sh; printf only: no value is ever parsed by the shell). */
export const REPORT_FUNCTIONS = shLibrary("report");

export function parseHostReport(stdout: string): HostReport {
  const report: HostReport = { done: [], facts: {} };
  for (const raw of stdout.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.startsWith(DONE)) report.done.push(line.slice(DONE.length));
    else if (line.startsWith(FACT)) {
      const body = line.slice(FACT.length);
      const eq = body.indexOf("=");
      if (eq <= 0) continue;
      (report.facts[body.slice(0, eq)] ??= []).push(body.slice(eq + 1));
    }
  }
  return report;
}

/** The single value of `key` (the last one printed), or undefined. */
export function factValue(report: HostReport, key: string): string | undefined {
  const v = report.facts[key];
  return v === undefined ? undefined : v[v.length - 1];
}
