/**
 * Adapter: daemon.json text + a dockerd argv → DaemonFacts, the effective daemon configuration.
 *
 * - Flags win over the file, key by key: each known flag is first turned into the daemon.json
 *   key it sets (`-H` → `hosts`, `--default-ulimit` → `default-ulimits`, …), then the flag keys
 *   replace the file's. (dockerd itself refuses to start when a key is set both ways; we take
 *   the flags so that a check still shows what the command line asks for.)
 * - dockerd's defaults fill everything neither sets (icc, iptables and userland-proxy on,
 *   log level info, json-file logging, data root /var/lib/docker, the default unix socket).
 * - `debug: true` / `-D` makes the effective log level `debug` whatever `log-level` says
 *   (dockerd raises the level after applying log-level); `tlsverify` implies `tls`.
 * - A `null` value in daemon.json leaves the default, as Go's decoder does.
 * - Unknown daemon.json keys are kept verbatim in `extra`. Unknown flags are ignored; because
 *   dockerd takes no positional arguments, a bare word after an unknown flag is taken as that
 *   flag's value. A bare word anywhere else (e.g. `--icc false`: boolean flags take their value
 *   only as `--icc=false`) is an error, as it is for dockerd.
 * - No I/O: the caller reads the file (see `configFileFromArgv` for which one) and passes its text.
 *   Environment variables (DOCKER_TLS_VERIFY, rootlesskit's) are not consulted.
 *
 * Errors are DaemonConfigError, one line naming the source (file or `dockerd argv`), the key or
 * flag, the observed value and what was expected.
 */
import { z } from "zod";
import type { DaemonFacts, FactOrigin, Ulimit } from "../facts/types";
import { AdapterError, issuePath, typeName } from "./errors";
import { parseGoBool } from "../facts/normalise";

export const DEFAULT_CONFIG_FILE = "/etc/docker/daemon.json";
export const DEFAULT_DATA_ROOT = "/var/lib/docker";
/** Source name used in errors about the command line. */
export const ARGV_SOURCE = "dockerd argv";

export class DaemonConfigError extends AdapterError {
  constructor(source: string, problem: string, field?: string) {
    super(source, problem, field);
    this.name = "DaemonConfigError";
  }
}

export interface DaemonConfigInput {
  /** daemon.json contents; undefined = no file (only flags and defaults). */
  configText?: string;
  /**
   * The file's path, for messages and `source.configFile`; default: from argv (`--config-file`),
   * else /etc/docker/daemon.json.
   */
  configFile?: string;
  /** dockerd's argv, with or without the program name first. */
  argv?: string[];
  /** `declared` (default) for a configuration before deploy, `live` for a running daemon's. */
  origin?: FactOrigin;
}

// ───────────────────────────── errors ─────────────────────────────

/** A value shown in a message: JSON, cut short. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function badValue(source: string, field: string, observed: unknown, expected: string): DaemonConfigError {
  return new DaemonConfigError(
    source,
    `${field} is ${show(observed)} (${typeName(observed)}); expected ${expected}`,
    field,
  );
}

// ───────────────────────────── JSON with positions ─────────────────────────────

/**
 * Where and why `text` is not JSON. V8's own messages do not always carry a position (and
 * quote the whole input), so a small scanner finds the first error itself.
 */
function jsonSyntaxError(text: string): { pos: number; reason: string } | undefined {
  let i = 0;
  const here = () => (i >= text.length ? "end of input" : JSON.stringify(text[i]));
  const stop = (reason: string): never => {
    throw { pos: i, reason };
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) stop("invalid escape in string");
      } else if (c < " ") stop("control character in string");
      i++;
    }
    stop("unterminated string");
  };
  const sequence = (close: string, member: () => void, what: string) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === close) return void i++;
      else stop(`expected ',' or '${close}' after ${what}, found ${here()}`);
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{")
      return sequence(
        "}",
        () => {
          ws();
          if (text[i] !== '"') stop(`expected a double-quoted property name, found ${here()}`);
          string();
          ws();
          if (text[i] !== ":") stop(`expected ':' after property name, found ${here()}`);
          i++;
          value();
        },
        "property value",
      );
    if (c === "[") return sequence("]", value, "array element");
    if (c === '"') return string();
    const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    num.lastIndex = i;
    if ((c === "-" || (c !== undefined && c >= "0" && c <= "9")) && num.test(text)) return void (i = num.lastIndex);
    for (const literal of ["true", "false", "null"]) if (text.startsWith(literal, i)) return void (i += literal.length);
    stop(`expected a value, found ${here()}`);
  };
  try {
    value();
    ws();
    if (i < text.length) stop(`unexpected ${here()} after the JSON value`);
    return undefined;
  } catch (e) {
    return e as { pos: number; reason: string };
  }
}

/** daemon.json text → its top-level object. An empty file is `{}`; a UTF-8 BOM is ignored (as dockerd does). */
function parseConfigText(text: string, file: string): Record<string, unknown> {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const where = jsonSyntaxError(body);
    if (!where) throw new DaemonConfigError(file, `invalid JSON: ${(e as Error).message}`);
    const before = body.slice(0, where.pos).split("\n");
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    throw new DaemonConfigError(
      file,
      `invalid JSON at line ${line}, column ${column} (offset ${where.pos}): ${where.reason}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new DaemonConfigError(file, `expected a JSON object at the top level, got ${typeName(value)}`);
  return value as Record<string, unknown>;
}

// ───────────────────────────── daemon.json keys ─────────────────────────────

/** The effective settings, by fact field; `debug` is folded into the log level at the end. */
type Settings = Partial<Omit<DaemonFacts, "kind" | "origin" | "source" | "extra">> & { debug?: boolean };

/** Reports a bad value: field (default: the key), observed value, expectation. */
type Bad = (field: string, observed: unknown, expected: string) => never;

interface KeySpec {
  schema: z.ZodType;
  /** The key's shape in words, for messages. */
  expected: string;
  apply(value: unknown, into: Settings, bad: Bad): void;
}

function key<S extends z.ZodType>(
  schema: S,
  expected: string,
  apply: (value: z.output<S>, into: Settings, bad: Bad) => void,
): KeySpec {
  return { schema, expected, apply: apply as KeySpec["apply"] };
}

const BOOL = "a boolean (true or false)";
const STRING = "a string";
const STRINGS = "an array of strings";
const bool = (set: (s: Settings, v: boolean) => void) => key(z.boolean(), BOOL, (v, s) => set(s, v));
/** A string key; "" means unset, as for dockerd. */
const text = (set: (s: Settings, v: string | undefined) => void) =>
  key(z.string(), STRING, (v, s) => set(s, v.trim() === "" ? undefined : v));
const list = (set: (s: Settings, v: string[]) => void) => key(z.array(z.string()), STRINGS, (v, s) => set(s, v));

/** logrus levels (dockerd parses log-level case-insensitively). */
const LOG_LEVELS = ["panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"];

/** `k=v` → [k, v] at the first `=`. */
function splitKeyValue(entry: string): [string, string] | undefined {
  const eq = entry.indexOf("=");
  return eq < 0 ? undefined : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Go decodes struct fields case-insensitively: `Soft`, `soft` and `SOFT` are one field. */
function fieldOf(entry: Record<string, unknown>, name: string): [string, unknown] | undefined {
  const written = Object.keys(entry).find((k) => k.toLowerCase() === name);
  return written === undefined ? undefined : [written, entry[written]];
}

const FILE_KEYS: Record<string, KeySpec> = {
  rootless: bool((s, v) => (s.rootless = v)),
  icc: bool((s, v) => (s.icc = v)),
  debug: bool((s, v) => (s.debug = v)),
  "log-level": key(z.string(), `one of ${LOG_LEVELS.join(", ")}`, (v, s, bad) => {
    const level = v.trim().toLowerCase();
    if (level !== "" && !LOG_LEVELS.includes(level)) bad("log-level", v, `one of ${LOG_LEVELS.join(", ")}`);
    s.logLevel = level === "" ? undefined : level;
  }),
  iptables: bool((s, v) => (s.iptables = v)),
  "insecure-registries": list((s, v) => (s.insecureRegistries = v)),
  "storage-driver": text((s, v) => (s.storageDriver = v)),
  hosts: list((s, v) => (s.hosts = v.map((h) => h.trim()))),
  tls: bool((s, v) => (s.tls = v)),
  tlsverify: bool((s, v) => (s.tlsVerify = v)),
  tlscacert: text((s, v) => (s.tlsCaCert = v)),
  tlscert: text((s, v) => (s.tlsCert = v)),
  tlskey: text((s, v) => (s.tlsKey = v)),
  "default-ulimits": key(
    z.record(z.string(), z.record(z.string(), z.unknown())),
    'an object of ulimits by name, e.g. {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}}',
    (v, s, bad) => {
      s.defaultUlimits = Object.entries(v).map(([name, entry]): Ulimit => {
        const int = (field: "soft" | "hard"): number => {
          const found = fieldOf(entry, field);
          const label = `default-ulimits.${name}.${found?.[0] ?? field[0]!.toUpperCase() + field.slice(1)}`;
          if (!found) bad(label, undefined, "an integer (required)");
          if (!Number.isInteger(found![1])) bad(label, found![1], "an integer");
          return found![1] as number;
        };
        const named = fieldOf(entry, "name");
        if (named && typeof named[1] !== "string") bad(`default-ulimits.${name}.${named[0]}`, named[1], STRING);
        return { name: (named?.[1] as string | undefined) || name, soft: int("soft"), hard: int("hard") };
      });
    },
  ),
  "userns-remap": text((s, v) => (s.usernsRemap = v)),
  "cgroup-parent": text((s, v) => (s.cgroupParent = v)),
  "storage-opts": list((s, v) => {
    s.storageOpts = v.map((o) => {
      const kv = splitKeyValue(o);
      return kv ? { key: kv[0].trim(), value: kv[1] } : { key: o.trim(), value: "" };
    });
  }),
  "authorization-plugins": list((s, v) => (s.authorizationPlugins = v)),
  "log-driver": text((s, v) => (s.logDriver = v)),
  "log-opts": key(z.record(z.string(), z.string()), "an object of string values", (v, s) => (s.logOpts = { ...v })),
  "no-new-privileges": bool((s, v) => (s.noNewPrivileges = v)),
  "live-restore": bool((s, v) => (s.liveRestore = v)),
  "userland-proxy": bool((s, v) => (s.userlandProxy = v)),
  "seccomp-profile": text((s, v) => (s.seccompProfile = v)),
  experimental: bool((s, v) => (s.experimental = v)),
  "selinux-enabled": bool((s, v) => (s.selinuxEnabled = v)),
  "data-root": text((s, v) => (s.dataRoot = v)),
  labels: key(z.array(z.string()), 'an array of "key=value" strings', (v, s, bad) => {
    const labels: Record<string, string> = {};
    v.forEach((entry, i) => {
      const kv = splitKeyValue(entry);
      if (!kv || kv[0] === "") bad(`labels[${i}]`, entry, '"key=value"');
      labels[kv![0]] = kv![1];
    });
    s.labels = labels;
  }),
};

/** The daemon.json keys read into facts (the daemon field map names each, src/fields/daemon.ts). @internal */
export const DAEMON_JSON_KEYS: readonly string[] = Object.keys(FILE_KEYS);

// ───────────────────────────── dockerd flags ─────────────────────────────

type FlagKind = "bool" | "string" | "list" | "map" | "ulimit";

/** Known dockerd flags → the daemon.json key each sets. */
const FLAGS: Record<string, { key: string; kind: FlagKind }> = {
  rootless: { key: "rootless", kind: "bool" },
  host: { key: "hosts", kind: "list" },
  "config-file": { key: "", kind: "string" },
  icc: { key: "icc", kind: "bool" },
  debug: { key: "debug", kind: "bool" },
  "log-level": { key: "log-level", kind: "string" },
  iptables: { key: "iptables", kind: "bool" },
  "insecure-registry": { key: "insecure-registries", kind: "list" },
  "storage-driver": { key: "storage-driver", kind: "string" },
  tls: { key: "tls", kind: "bool" },
  tlsverify: { key: "tlsverify", kind: "bool" },
  tlscacert: { key: "tlscacert", kind: "string" },
  tlscert: { key: "tlscert", kind: "string" },
  tlskey: { key: "tlskey", kind: "string" },
  "default-ulimit": { key: "default-ulimits", kind: "ulimit" },
  "userns-remap": { key: "userns-remap", kind: "string" },
  "cgroup-parent": { key: "cgroup-parent", kind: "string" },
  "storage-opt": { key: "storage-opts", kind: "list" },
  "authorization-plugin": { key: "authorization-plugins", kind: "list" },
  "log-driver": { key: "log-driver", kind: "string" },
  "log-opt": { key: "log-opts", kind: "map" },
  "no-new-privileges": { key: "no-new-privileges", kind: "bool" },
  "live-restore": { key: "live-restore", kind: "bool" },
  "userland-proxy": { key: "userland-proxy", kind: "bool" },
  "seccomp-profile": { key: "seccomp-profile", kind: "string" },
  experimental: { key: "experimental", kind: "bool" },
  "selinux-enabled": { key: "selinux-enabled", kind: "bool" },
  "data-root": { key: "data-root", kind: "string" },
  graph: { key: "data-root", kind: "string" }, // deprecated spelling of --data-root
  label: { key: "labels", kind: "list" },
};

/** dockerd's one-letter flags. */
const SHORT: Record<string, string> = { H: "host", D: "debug", l: "log-level", s: "storage-driver", g: "graph" };

/** Go's strconv.ParseBool, which pflag uses. */

/** Ulimit names dockerd knows (go-units). */
const ULIMIT_NAMES = new Set([
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
]);

interface FlagValue {
  flag: string;
  value: string;
}

/**
 * Tokenise argv into known flags and their values (in order), the way pflag reads them:
 * `--name=value`, `--name value`, `-Xvalue`, `-X value`, `-X=value`, `--bool`, `--bool=false`,
 * combined short booleans (`-Dl debug`). `strict` throws on what dockerd would refuse
 * (missing values, stray words, bad booleans); otherwise such things are skipped.
 */
function scanArgv(argv: readonly string[], strict: boolean): FlagValue[] {
  const out: FlagValue[] = [];
  const oops = (flag: string, problem: string): void => {
    if (strict) throw new DaemonConfigError(ARGV_SOURCE, problem, flag ? `--${flag}` : undefined);
  };
  // The program name, when present, is a first word that is not a flag.
  let i = argv.length > 0 && !argv[0]!.startsWith("-") ? 1 : 0;
  /** The previous token was a known boolean flag (for a clearer message on `--icc false`). */
  let lastBool: string | undefined;
  const take = (name: string, inline: string | undefined): void => {
    const kind = FLAGS[name]!.kind;
    if (kind === "bool") {
      const value = inline ?? "true";
      const on = parseGoBool(value);
      if (on === undefined) return oops(name, `--${name}=${value}: expected a boolean (true or false)`);
      out.push({ flag: name, value: String(on) });
      lastBool = inline === undefined ? name : undefined;
      return;
    }
    if (inline !== undefined) return void out.push({ flag: name, value: inline });
    if (i >= argv.length) {
      oops(name, `--${name} needs a value`);
      return void out.push({ flag: name, value: "" }); // lenient mode: present but empty
    }
    out.push({ flag: name, value: argv[i++]! });
  };
  /** An unknown flag: its value, if written as the next word, belongs to it. */
  const skipUnknown = (inline: string | undefined): void => {
    if (inline === undefined && i < argv.length && !argv[i]!.startsWith("-")) i++;
  };
  while (i < argv.length) {
    const token = argv[i++]!;
    const previousBool = lastBool;
    lastBool = undefined;
    if (token === "--") {
      if (i < argv.length)
        oops("", `unexpected argument ${show(argv[i])} after "--": dockerd accepts no positional arguments`);
      break;
    }
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      const inline = eq < 0 ? undefined : token.slice(eq + 1);
      if (name in FLAGS) take(name, inline);
      else skipUnknown(inline);
    } else if (token.startsWith("-") && token.length > 1) {
      // Short flags: booleans may be combined; a value flag takes the rest of the word or the next one.
      for (let c = 1; c < token.length; c++) {
        const name = SHORT[token[c]!];
        const rest = token.slice(c + 1);
        const inline = rest === "" ? undefined : rest.startsWith("=") ? rest.slice(1) : rest;
        if (!name) {
          skipUnknown(inline);
          break;
        }
        if (FLAGS[name]!.kind === "bool" && !(inline !== undefined && rest.startsWith("="))) {
          take(name, undefined);
          continue;
        }
        take(name, inline);
        break;
      }
    } else if (previousBool) {
      oops(
        previousBool,
        `unexpected argument ${show(token)} after --${previousBool}: ` +
          `boolean flags take a value only as --${previousBool}=${token}`,
      );
    } else {
      oops("", `unexpected argument ${show(token)}: dockerd accepts no positional arguments`);
    }
  }
  return out;
}

/** `--default-ulimit nofile=1024:4096` (or `nofile=1024`: hard = soft), checked as go-units does. */
function parseUlimitFlag(text: string): { Name: string; Soft: number; Hard: number } {
  const bad = (why: string) =>
    new DaemonConfigError(ARGV_SOURCE, `--default-ulimit ${show(text)}: ${why}`, "--default-ulimit");
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(text.trim());
  if (!m) throw bad('expected NAME=SOFT[:HARD], e.g. "nofile=1024:4096"');
  const [, name, soft, hard = soft] = m;
  if (!ULIMIT_NAMES.has(name!)) throw bad(`unknown ulimit name "${name}"`);
  if (Number(soft) > Number(hard)) throw bad(`soft limit ${soft} is above hard limit ${hard}`);
  return { Name: name!, Soft: Number(soft), Hard: Number(hard) };
}

/** The daemon.json keys the flags set (values in the file's shape), and which flag set each key. */
function flagsAsConfig(argv: readonly string[]): { config: Record<string, unknown>; flagOf: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const { flag, value } of scanArgv(argv, true)) {
    const { key: k, kind } = FLAGS[flag]!;
    if (k === "") continue; // --config-file: names the file, sets nothing
    flagOf[k] = `--${flag}`;
    switch (kind) {
      case "bool":
        config[k] = value === "true";
        break;
      case "string": // pflag: the last occurrence wins
        config[k] = value;
        break;
      case "list":
        config[k] = [...((config[k] as string[] | undefined) ?? []), value];
        break;
      case "map": {
        const [name, v = ""] = splitKeyValue(value) ?? [value];
        config[k] = { ...(config[k] as Record<string, string> | undefined), [name]: v };
        break;
      }
      case "ulimit": {
        const u = parseUlimitFlag(value);
        config[k] = { ...(config[k] as Record<string, unknown> | undefined), [u.Name]: u };
        break;
      }
    }
  }
  return { config, flagOf };
}

/**
 * The daemon config file dockerd reads: the last `--config-file=F` or `--config-file F`, else
 * /etc/docker/daemon.json. Undefined when the flag is given without a value (dockerd refuses that).
 */
export function configFileFromArgv(argv: readonly string[]): string | undefined {
  const given = scanArgv(argv, false).filter((f) => f.flag === "config-file");
  if (given.length === 0) return DEFAULT_CONFIG_FILE;
  const last = given[given.length - 1]!.value;
  return last === "" ? undefined : last;
}

// ───────────────────────────── the facts ─────────────────────────────

/** daemon.json text + dockerd argv → the effective configuration as DaemonFacts. */
export function daemonFactsFromConfig(input: DaemonConfigInput): DaemonFacts {
  const argv = input.argv ?? [];
  const configFile = input.configFile ?? (input.configText !== undefined ? configFileFromArgv(argv) : undefined);
  const fileName = configFile ?? "daemon.json";
  const file = input.configText === undefined ? {} : parseConfigText(input.configText, fileName);
  const flags = flagsAsConfig(argv);

  const s: Settings = {};
  const extra: Record<string, unknown> = {};
  for (const [k, value] of Object.entries({ ...file, ...flags.config })) {
    const spec = FILE_KEYS[k];
    if (!spec) {
      extra[k] = value; // flags only produce known keys, so this came from the file
      continue;
    }
    if (value === null) continue; // Go's decoder leaves the default
    const fromFlag = k in flags.config;
    const source = fromFlag ? ARGV_SOURCE : fileName;
    const bad: Bad = (field, observed, expected) => {
      throw badValue(source, fromFlag ? flags.flagOf[k]! : field, observed, expected);
    };
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      bad(
        issuePath([k, ...issue.path]),
        valueAt(value, issue.path),
        issue.path.length === 0 ? spec.expected : `"${k}" to be ${spec.expected}`,
      );
    }
    spec.apply(parsed.data, s, bad);
  }

  const tlsVerify = s.tlsVerify ?? false;
  return {
    kind: "daemon",
    origin: input.origin ?? "declared",
    source: {
      ...(configFile !== undefined && { configFile }),
      ...(input.argv !== undefined && { argv: [...input.argv] }),
    },
    rootless: s.rootless ?? false,
    icc: s.icc ?? true,
    logLevel: s.debug ? "debug" : (s.logLevel ?? "info"),
    iptables: s.iptables ?? true,
    insecureRegistries: s.insecureRegistries ?? [],
    storageDriver: s.storageDriver,
    hosts: s.hosts ?? [],
    tls: (s.tls ?? false) || tlsVerify,
    tlsVerify,
    tlsCaCert: s.tlsCaCert,
    tlsCert: s.tlsCert,
    tlsKey: s.tlsKey,
    defaultUlimits: s.defaultUlimits ?? [],
    usernsRemap: s.usernsRemap,
    cgroupParent: s.cgroupParent,
    storageOpts: s.storageOpts ?? [],
    authorizationPlugins: s.authorizationPlugins ?? [],
    logDriver: s.logDriver ?? "json-file",
    logOpts: s.logOpts ?? {},
    noNewPrivileges: s.noNewPrivileges ?? false,
    liveRestore: s.liveRestore ?? false,
    userlandProxy: s.userlandProxy ?? true,
    seccompProfile: s.seccompProfile,
    experimental: s.experimental ?? false,
    selinuxEnabled: s.selinuxEnabled ?? false,
    dataRoot: s.dataRoot ?? DEFAULT_DATA_ROOT,
    labels: s.labels ?? {},
    extra,
  };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}
