/**
 * Unknown values at preview, exactly as @pulumi/policy 1.21.0 represents them.
 *
 * The engine sends a value that depends on another resource's not-yet-known output as a
 * sentinel string (e.g. "04da6b54-…" for an unknown string). The policy SDK hands a policy the
 * resource's props wrapped in `unknownCheckingProxy`, whose property reads throw
 * `UnknownValueError` when they meet a sentinel; the analyzer catches that error and reports
 * "can't run policy … during preview" as an advisory diagnostic. Those pieces are internal to
 * the SDK (`@pulumi/policy/proxy`, no typings), so this module is the one place that reaches
 * for them: the pack throws the SDK's own error class, which the SDK's server recognises.
 */

interface PolicyProxyModule {
  unknownCheckingProxy<T extends object>(toProxy: T): T;
  UnknownValueError: new (
    sentinel: string,
    props: (string | number | symbol)[],
  ) => Error & { props: (string | number | symbol)[] };
  getSpecialProxyTarget: string;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownAssetValue: string;
  unknownArchiveValue: string;
  unknownObjectValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require("@pulumi/policy/proxy") as PolicyProxyModule;

export const unknownCheckingProxy = sdk.unknownCheckingProxy;
export const UnknownValueError = sdk.UnknownValueError;
/** The sentinel the engine uses for an unknown string (the common case on the wire). */
export const UNKNOWN_STRING = sdk.unknownStringValue;

const SENTINELS: ReadonlySet<unknown> = new Set([
  sdk.unknownBooleanValue,
  sdk.unknownNumberValue,
  sdk.unknownStringValue,
  sdk.unknownArrayValue,
  sdk.unknownAssetValue,
  sdk.unknownArchiveValue,
  sdk.unknownObjectValue,
]);

// The sentinels are UUIDs of one length: comparing lengths first spares hashing every string of the props.
const SENTINEL_LENGTH = sdk.unknownStringValue.length;
const ONE_LENGTH = [...SENTINELS].every((s) => (s as string).length === SENTINEL_LENGTH);

export const isUnknownSentinel = (v: unknown): boolean =>
  typeof v === "string" && (v.length === SENTINEL_LENGTH || !ONE_LENGTH) && SENTINELS.has(v);

const PROXY_TARGET = sdk.getSpecialProxyTarget;

/** The plain object behind the SDK's proxy (or the value itself when it is not proxied). */
export function rawTarget<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  const target = (value as Record<string, unknown>)[PROXY_TARGET];
  return (target ?? value) as T;
}

export type PropPath = (string | number)[];

export interface UnknownAt {
  path: PropPath;
  sentinel: string;
}

export interface ResolvedProps {
  /** The props with every unknown value removed (object keys deleted, array elements kept as undefined). */
  known: Record<string, unknown>;
  /** Where the unknown values were, in document order. */
  unknowns: UnknownAt[];
}

/**
 * Split props into their known part and the paths of unknown values, without tripping the
 * proxy. Values without sentinels are returned as-is (no copy), so the common case is cheap.
 */
export function resolveProps(props: Record<string, unknown>): ResolvedProps {
  const raw = rawTarget(props);
  const unknowns: UnknownAt[] = [];
  const known = strip(raw, [], unknowns) as Record<string, unknown>;
  return { known: known ?? {}, unknowns };
}

/** `path` is the walk's current position, shared and restored (copied only where an unknown is found). */
function strip(value: unknown, path: PropPath, out: UnknownAt[]): unknown {
  if (typeof value === "string") {
    if (!isUnknownSentinel(value)) return value;
    out.push({ path: [...path], sentinel: value });
    return undefined;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      path.push(i);
      const s = strip(item, path, out);
      path.pop();
      if (s !== item) (copy ??= [...value])[i] = s;
    }
    return copy ?? value;
  }
  // Assets/archives and other class instances carry no facts. (A plain object's prototype is
  // some realm's Object.prototype, whose own prototype is null.)
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const item = (value as Record<string, unknown>)[k];
    path.push(k);
    const s = strip(item, path, out);
    path.pop();
    if (s !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      if (s === undefined) delete copy[k];
      else copy[k] = s;
    }
  }
  return copy ?? value;
}

/**
 * `taskSpec.containerSpec.mounts[0].source` → `taskSpec.containerSpec.mounts.source` (the key the field tables use).
 */
export const tablePath = (path: PropPath): string => path.filter((p) => typeof p === "string").join(".");

/** `ports[0].ip` — for messages. */
export const displayPath = (path: PropPath): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/**
 * The fact fields an unknown input path leaves undecided, from an adapter's input-path table:
 * entries at or above the path (the unknown is inside what they feed) and below it (the unknown
 * covers them). A path the table does not mention feeds no fact.
 */
export function factFieldsAt(path: PropPath, table: Readonly<Record<string, readonly string[]>>): string[] {
  const key = tablePath(path);
  const fields = new Set<string>();
  for (const [entry, facts] of Object.entries(table)) {
    if (key === entry || key.startsWith(entry + ".") || entry.startsWith(key + ".") || key === "")
      facts.forEach((f) => fields.add(f));
  }
  return [...fields];
}
