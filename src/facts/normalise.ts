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
 * `--security-opt` values → their meanings, as dockerd reads them: the bare `no-new-privileges`,
 * else split at the first `=` (or, when there is none, the legacy `:`); no-new-privileges takes
 * Go's ParseBool (`no-new-privileges=1` is on; `=0`/`=false` an explicit opt-out).
 */
export function parseSecurityOptions(raw: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, selinuxLabels: [], selinuxLabelDisabled: false, raw: [...(raw ?? [])] };
  for (const opt of raw ?? []) {
    const text = opt.trim();
    const sep = text.includes("=") ? "=" : ":";
    const cut = text.indexOf(sep);
    const [key, value] = text === "no-new-privileges" ? [text, "true"] : cut < 0 ? [text, ""] : [text.slice(0, cut), text.slice(cut + 1)];
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
