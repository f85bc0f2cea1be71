/**
 * Pure parsers for the text a host probe collects: /proc/self/mountinfo, audit rules,
 * /etc/group + /etc/passwd, and `stat -c %a` modes. No I/O here: the collector reads the
 * text, these functions turn it into the shapes of ./types.
 *
 * Error policy (one rule for all parsers): blank lines, comments and lines that are
 * well-formed but irrelevant are skipped; a line that is *malformed* for its format throws
 * an Error naming the source and the 1-based line number (`/etc/group:3: …`). A half-parsed
 * security input must never look like a clean one, so we do not silently drop bad lines.
 */
import { normalisePath } from "../facts/normalise";
import type { MountInfoEntry } from "../facts/types";

/** Error for a malformed input line; `source:line: problem: "text"`. */
function lineError(source: string, lineNo: number, problem: string, line: string): Error {
  return new Error(`${source}:${lineNo}: ${problem}: ${JSON.stringify(line)}`);
}

/** Lines with their 1-based numbers, CR stripped (files edited on Windows). */
function numberedLines(text: string): { no: number; line: string }[] {
  return text.split("\n").map((line, i) => ({ no: i + 1, line: line.replace(/\r$/, "") }));
}

// ───────────────────────────── paths ─────────────────────────────

// ───────────────────────────── mountinfo ─────────────────────────────

/** The kernel escapes space, tab, newline and backslash in mountinfo as `\ooo` octal. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parse /proc/self/mountinfo (proc(5)):
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
 * i.e. id, parent id, major:minor, root, mount point, options, zero or more optional fields,
 * the separator `-`, filesystem type, source, super options. Order is kept: where several
 * entries share a mount point, the later one is mounted on top.
 * Throws on a line without the separator or with a malformed id / device field.
 */
export function parseMountInfo(text: string, source = "/proc/self/mountinfo"): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const { no, line } of numberedLines(text)) {
    if (line.trim() === "") continue;
    const f = line.trim().split(/ +/);
    // The separator is a lone "-" after the six fixed fields; optional fields are tag[:value].
    const sep = f.indexOf("-", 6);
    if (f.length < 6 || sep < 0) throw lineError(source, no, 'expected six fields, optional fields, then " - "', line);
    if (f.length < sep + 3) throw lineError(source, no, 'expected filesystem type and source after " - "', line);
    if (!/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1])) throw lineError(source, no, "mount ids are not numbers", line);
    if (!/^\d+:\d+$/.test(f[2])) throw lineError(source, no, "device is not major:minor", line);
    entries.push({
      mountPoint: unescapeOctal(f[4]),
      device: f[2],
      root: unescapeOctal(f[3]),
      fsType: unescapeOctal(f[sep + 1]),
      source: unescapeOctal(f[sep + 2]),
    });
  }
  return entries;
}

// ───────────────────────────── audit rules ─────────────────────────────

/** One path an audit rule watches, as read from the rule text. */
export interface AuditWatch {
  path: string;
  /**
   * False for `-F path=` rules: they match that one inode only, so a `path=` rule on a
   * directory does not cover files below it. `-w` (recursive when the path is a directory)
   * and `-F dir=` are true.
   */
  recursive: boolean;
  /** `-k KEY` / `-F key=KEY` values, used by `-D -k KEY`. */
  keys: string[];
  /**
   * It records executions of the path (a run of a program leaves an EXECVE record): `-w` with
   * no `-p` or a `-p` with `x`; a `-F path=` rule with a `perm=` holding `x`, or with neither
   * `perm=` nor `-S` (every syscall), or with `-S` naming execve (or all).
   */
  executions: boolean;
}

/**
 * Split a rule line into [option letter, value] pairs, getopt style (`-w /x` or `-w/x`).
 * Every option that can appear on a watch/syscall rule line takes a value.
 */
function ruleOptions(tokens: string[], source: string, no: number, line: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!/^-[A-Za-z]/.test(t)) throw lineError(source, no, `unexpected argument ${JSON.stringify(t)}`, line);
    const letter = t[1];
    const value = t.length > 2 ? t.slice(2) : tokens[++i];
    if (value === undefined || value === "") throw lineError(source, no, `option -${letter} has no value`, line);
    out.push([letter, value]);
  }
  return out;
}

/**
 * Parse audit rules — the output of `auditctl -l`, or the concatenated contents of
 * /etc/audit/rules.d/*.rules — into the watches they set up, in order, later removals applied:
 * - `-w PATH …` watches PATH; `-a always,exit … -F path=PATH` / `-F dir=PATH` too. Only
 *   `always` rules on the `exit` list count (a `never` rule suppresses auditing), and only
 *   the `=` operator (`-F path!=/x` does not watch /x).
 * - `-W PATH` and `-d … -F path=PATH` remove what they name; `-D -k KEY` removes rules with KEY.
 * - A bare `-D` is ignored: augenrules always hoists it to the top of the merged file, so it
 *   never deletes rules written in rules.d (and `auditctl -l` never prints it).
 * - Comments, blank lines, "No rules" and control lines (`-b`, `-e`, `-f`, `--backlog_wait_time`, …)
 *   are skipped. A watch/rule line without a value, or a line that is not an option, throws.
 */
export function parseAuditRuleWatches(text: string, source = "audit rules"): AuditWatch[] {
  let watches: AuditWatch[] = [];
  const remove = (pred: (w: AuditWatch) => boolean) => (watches = watches.filter((w) => !pred(w)));
  for (const { no, line } of numberedLines(text)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "No rules") continue;
    if (!trimmed.startsWith("-")) throw lineError(source, no, "not an audit rule", line);
    const tokens = trimmed.split(/\s+/);
    if (tokens[0] === "-D") {
      if (tokens.length === 1) continue;
      const keys = ruleOptions(tokens.slice(1), source, no, line)
        .filter(([o]) => o === "k")
        .map(([, v]) => v);
      remove((w) => w.keys.some((k) => keys.includes(k)));
      continue;
    }
    // Control lines (-b, -e, -f, -r, -i, --backlog_wait_time, …) say nothing about watches.
    if (!tokens.some((t) => /^-[wWaAd]/.test(t))) continue;
    const opts = ruleOptions(tokens, source, no, line);
    const [kind, arg] = opts.find(([o]) => "wWaAd".includes(o))!;
    const keys = opts.flatMap(([o, v]) => (o === "k" ? [v] : o === "F" && v.startsWith("key=") ? [v.slice(4)] : []));
    if (kind === "w") {
      const perms = opts.find(([o]) => o === "p")?.[1];
      watches.push({
        path: normalisePath(arg),
        recursive: true,
        keys,
        executions: perms === undefined || perms.includes("x"),
      });
    } else if (kind === "W") remove((w) => w.path === normalisePath(arg));
    else {
      // -a / -A / -d LIST,ACTION (either order) with -F NAME OP VALUE fields.
      const listAction = arg.split(",");
      const adds = listAction.includes("always") && listAction.includes("exit");
      const perm = opts.find(([o, v]) => o === "F" && v.startsWith("perm="))?.[1].slice(5);
      const syscalls = opts.filter(([o]) => o === "S").flatMap(([, v]) => v.split(","));
      const executions =
        perm !== undefined
          ? perm.includes("x")
          : syscalls.length === 0 ||
            syscalls.some((c) => c === "execve" || c === "execveat" || c === "all" || c === "59");
      for (const [o, v] of opts) {
        if (o !== "F") continue;
        const m = /^(\w+)(!=|<=|>=|&=|=|<|>|&)(.*)$/.exec(v);
        if (!m) throw lineError(source, no, `malformed field ${JSON.stringify(v)}`, line);
        const [, name, op, value] = m;
        if ((name !== "path" && name !== "dir") || op !== "=") continue; // path!=/x does not watch /x
        if (value === "") throw lineError(source, no, `empty ${name}=`, line);
        const path = normalisePath(value);
        if (kind === "d") remove((w) => w.path === path);
        else if (adds) watches.push({ path, recursive: name === "dir", keys, executions });
      }
    }
  }
  return watches;
}

/** The watched paths of `parseAuditRuleWatches`, de-duplicated, in first-seen order (HostFacts.auditWatches). */
export function parseAuditRules(text: string, source = "audit rules"): string[] {
  return [...new Set(parseAuditRuleWatches(text, source).map((w) => w.path))];
}

/**
 * Paths watched only by non-recursive `-F path=` rules (HostFacts.auditNonRecursiveWatches):
 * a path that also has a `-w` or `-F dir=` rule is not listed.
 */
export function nonRecursiveAuditPaths(watches: readonly AuditWatch[]): string[] {
  const recursive = new Set(watches.filter((w) => w.recursive).map((w) => w.path));
  return [...new Set(watches.filter((w) => !w.recursive && !recursive.has(w.path)).map((w) => w.path))];
}

// ───────────────────────────── group membership ─────────────────────────────

/** Colon-separated records; NSS compat lines (`+…`, `-…`) and comments are skipped. */
function records(text: string, source: string, minFields: number): { no: number; line: string; f: string[] }[] {
  const out: { no: number; line: string; f: string[] }[] = [];
  for (const { no, line } of numberedLines(text)) {
    if (line.trim() === "" || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) continue;
    const f = line.split(":");
    if (f.length < minFields || f[0] === "")
      throw lineError(source, no, `expected at least ${minFields} ":"-separated fields`, line);
    out.push({ no, line, f });
  }
  return out;
}

/**
 * Members of `group`: the users listed in its /etc/group entry plus every user whose primary
 * gid (/etc/passwd field 4) is the group's gid. De-duplicated, explicit members first.
 * A group absent from the file has no members. Malformed lines throw (see the error policy).
 */
export function parseGroupMembers(groupFileText: string, passwdFileText: string, group: string): string[] {
  const entry = records(groupFileText, "/etc/group", 4).find((r) => r.f[0] === group); // NSS uses the first match
  if (!entry) return [];
  const gid = entry.f[2];
  if (!/^\d+$/.test(gid)) throw lineError("/etc/group", entry.no, "gid is not a number", entry.line);
  const explicit = entry.f[3]
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  const primary: string[] = [];
  for (const r of records(passwdFileText, "/etc/passwd", 7)) {
    if (!/^\d+$/.test(r.f[3])) throw lineError("/etc/passwd", r.no, "gid is not a number", r.line);
    if (Number(r.f[3]) === Number(gid)) primary.push(r.f[0]);
  }
  return [...new Set([...explicit, ...primary])];
}

// ───────────────────────────── modes ─────────────────────────────

/**
 * An octal permission string (`stat -c %a` style: "644", "0644", "2755", also "0o644") → the
 * numeric mode, special bits included (0o2755). Anything else throws: a mode must never be
 * read as decimal.
 */
export function parseOctalMode(text: string, source = "mode"): number {
  const t = text.trim();
  const m = /^(?:0o)?([0-7]{1,6})$/i.exec(t);
  const mode = m ? parseInt(m[1], 8) : NaN;
  if (!(mode <= 0o7777)) throw new Error(`${source}: not an octal permission mode: ${JSON.stringify(text)}`);
  return mode;
}

/**
 * `/proc/PID/net/tcp` or `tcp6` → the addresses sockets LISTEN on, as `ADDRESS:PORT`
 * (`0.0.0.0:2377`, `[::]:2377`, `127.0.0.1:2377`). The kernel writes each address as hex of its
 * bytes in host order per 32-bit word (little-endian here), the port as big-endian hex. Read
 * from dockerd's own pid, this is its network namespace.
 */
export function parseListeningSockets(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== "0A") continue; // 0A = TCP_LISTEN
    const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(f[1]!);
    if (!m) continue;
    const port = parseInt(m[2]!, 16);
    // each word little-endian → network order
    const words = m[1]!.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(""));
    if (words.length === 1) {
      out.push(
        `${words[0]!
          .match(/../g)!
          .map((b) => parseInt(b, 16))
          .join(".")}:${port}`,
      );
      continue;
    }
    const groups = words
      .join("")
      .match(/.{4}/g)!
      .map((g) => parseInt(g, 16).toString(16));
    // Collapse the longest run of zero groups, as IPv6 text does.
    let best = { at: -1, len: 0 };
    for (let i = 0; i < 8;) {
      if (groups[i] !== "0") {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === "0") j++;
      if (j - i > best.len) best = { at: i, len: j - i };
      i = j;
    }
    const text6 =
      best.len > 1
        ? `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.len).join(":")}`
        : groups.join(":");
    out.push(`[${text6}]:${port}`);
  }
  return out;
}
