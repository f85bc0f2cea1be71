/**
 * Normalisers shared by every adapter, so that one spelling of a Docker concept maps to one
 * fact no matter where it came from (Engine API JSON, Pulumi inputs, dockerd flags).
 */
import type { SecurityOptions } from "./types";

/** `cap_net_admin`, `CAP_NET_ADMIN`, `net_admin` → `NET_ADMIN`; `all` → `ALL`. */
export function normaliseCapability(cap: string): string {
  const upper = cap.trim().toUpperCase();
  return upper.startsWith("CAP_") ? upper.slice(4) : upper;
}

/** Normalised, without blanks, each once (first occurrence kept). */
export function normaliseCapabilities(caps: readonly string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const cap of caps ?? []) {
    const c = normaliseCapability(cap);
    if (c !== "" && !out.includes(c)) out.push(c);
  }
  return out;
}

/**
 * Go's strconv.ParseBool, which dockerd, the docker CLI (pflag) and libnetwork use for boolean
 * text: 1 t T TRUE true True, 0 f F FALSE false False; anything else is an error (undefined).
 */
export function parseGoBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/**
 * Go's strconv.Atoi, which runc (moby/sys/user) uses for a numeric user or group: an optional
 * sign and decimal digits, nothing else (`+0`, `-0` and `007` are numbers; ` 0` and `0x0` are not).
 */
export function parseGoAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * Go's strconv.ParseInt(text, 0, 64), which the docker CLI's flags (pflag) use for integer options
 * such as `docker update --pids-limit`: an optional sign, then a base prefix — `0x` hex, `0o` or a
 * bare leading `0` octal, `0b` binary — and `_` between digits (`010` is 8, `0x40` 64, `1_000` 1000;
 * `08` and `1__0` are errors: undefined).
 */
export function parseGoInt(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === "+" || s[0] === "-") {
    sign = s[0] === "-" ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "") return undefined;
  const afterSign = s;
  let base = 10;
  if (s[0] === "0") {
    const prefix = s.length >= 3 ? s[1]!.toLowerCase() : "";
    base = prefix === "b" ? 2 : prefix === "o" ? 8 : prefix === "x" ? 16 : 8;
    s = s.slice(prefix === "b" || prefix === "o" || prefix === "x" ? 2 : 1);
  }
  let n = 0;
  let underscores = false;
  for (const ch of s) {
    if (ch === "_") {
      underscores = true;
      continue;
    }
    const digit = /^[0-9a-zA-Z]$/.test(ch) ? parseInt(ch, 36) : NaN;
    if (!(digit < base)) return undefined;
    n = n * base + digit;
  }
  if (underscores && !goUnderscoresOk(afterSign)) return undefined;
  return Number.isSafeInteger(n) ? sign * n : undefined;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function goUnderscoresOk(s: string): boolean {
  let saw = "^";
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = "0";
    hex = s[1]!.toLowerCase() === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/**
 * `--security-opt` values → their meanings, as dockerd reads them: the bare `no-new-privileges`,
 * else split at the first `=` (or, when there is none, the legacy `:`); no-new-privileges takes
 * Go's ParseBool (`no-new-privileges=1` is on; `=0`/`=false` an explicit opt-out).
 */
export function parseSecurityOptions(raw: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = {
    noNewPrivileges: false,
    selinuxLabels: [],
    selinuxLabelDisabled: false,
    raw: [...(raw ?? [])],
  };
  for (const opt of raw ?? []) {
    const text = opt.trim();
    const sep = text.includes("=") ? "=" : ":";
    const cut = text.indexOf(sep);
    const [key, value] =
      text === "no-new-privileges" ? [text, "true"] : cut < 0 ? [text, ""] : [text.slice(0, cut), text.slice(cut + 1)];
    switch (key) {
      case "no-new-privileges": {
        // A value ParseBool refuses makes the engine refuse the container: it is not on.
        const on = parseGoBool(value);
        out.noNewPrivileges = on === true;
        // An explicit opt-out beats the daemon-wide default (moby applies it after the default).
        if (on === false) out.noNewPrivilegesOptOut = true;
        else delete out.noNewPrivilegesOptOut;
        break;
      }
      case "seccomp":
        out.seccompProfile = value;
        break;
      case "apparmor":
        out.apparmorProfile = value;
        break;
      case "label":
        if (value === "disable") out.selinuxLabelDisabled = true;
        else if (value !== "") out.selinuxLabels.push(value);
        break;
    }
  }
  return out;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go duration text (`30s`, `1m30s`, `500ms`) → seconds; undefined when empty or malformed. */
export function parseDurationSeconds(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const re = DURATION_PART;
  re.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

/** CPUs as a decimal (`"0.5"`, `1.5`) → Engine `NanoCpus`; undefined when not a positive number. */
export function cpusToNano(cpus: string | number | undefined | null): number | undefined {
  if (cpus === undefined || cpus === null || cpus === "") return undefined;
  const n = typeof cpus === "number" ? cpus : Number(cpus);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1e9) : undefined;
}

/** A path with `.`/`..`/duplicate and trailing slashes resolved (POSIX, absolute). */
export function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** `child` equals `parent` or lies below it, on path boundaries (`/etcetera` is not below `/etc`). */
export function isPathWithin(child: string, parent: string): boolean {
  const c = normalisePath(child);
  const p = normalisePath(parent);
  return p === "/" || c === p || c.startsWith(p + "/");
}
