/**
 * Field maps: for each fact field of a subject kind, where it comes from in every source — the
 * component argument that sets it, the Pulumi resource's input paths, the Engine API's inspect
 * paths, daemon.json's keys. One declarative table per kind (./container, ./service, ./network,
 * ./daemon, ./provider); the components' refusal messages and the `*_INPUT_FIELDS` maps the policy
 * pack and the drift check use are derived from them.
 */

/** Where one fact field (or one part of it: `securityOptions.seccompProfile`) comes from. */
export interface FieldSources {
  /**
   * The component arguments that set it; a refusal names the first (or the one `argumentOf` picks).
   * None: no argument sets it, and a refusal names the fact field itself.
   */
  arguments?: readonly string[];
  /** Picks the argument a refusal names from the verdict's field path (e.g. `mounts[2]`: the argument of mount 2). */
  argumentOf?: (field: string, origins: ArgumentOrigins) => string;
  /** The Pulumi resource's inputs that feed it: dotted paths, array indices dropped, each covering what is below it. */
  inputs?: readonly string[];
  /** The Engine API's inspect paths it is read from (the live audit). */
  engine?: readonly string[];
  /** daemon.json keys that set it (the daemon's facts). */
  daemonJson?: readonly string[];
  /**
   * The fact is the value at the first path of these sources as it is (`default` when unset): the
   * adapters read it through `copier`. Conversions (units, parsing) stay in the adapters.
   */
  copied?: { from: readonly CopySource[]; default: string | number | boolean };
}

/** The sources whose values a field can be copied from: the Pulumi inputs, the Engine API's inspect. */
export type CopySource = "inputs" | "engine";

/** What the plan knows about its arguments beyond their names: which argument made each mount. */
export interface ArgumentOrigins {
  /** `mounts[i]` of the facts came from this argument (e.g. `binds[0]`, `tmpfs["/tmp"]`). */
  mounts?: readonly string[];
}

/**
 * A field table for facts `F`: every field of F, and any dotted part of one (`securityOptions.seccompProfile`).
 * A field added to F and not to its table fails to compile.
 */
export type FieldTable<F> = Record<keyof F, FieldSources> & {
  [K in `${Extract<keyof F, string>}.${string}`]?: FieldSources;
};

/** A subject kind's field map: fact field (or dotted part of one) → its sources. */
export type FieldMap = Readonly<Record<string, FieldSources>>;

/** A verdict's field path without array indices or quoted keys: `ports[0].hostIp` → `ports.hostIp`. */
export function fieldKey(field: string): string {
  return field.replace(/\[[^\]]*\]/g, "");
}

/** The map's entry for a field path: the longest key that is the path or a dotted prefix of it. */
export function entryOf(map: FieldMap, field: string): FieldSources | undefined {
  let key = fieldKey(field);
  for (;;) {
    const entry = map[key];
    if (entry) return entry;
    const dot = key.lastIndexOf(".");
    if (dot < 0) return undefined;
    key = key.slice(0, dot);
  }
}

/** The argument a refusal of this fact field names (the field's root when no argument sets it). */
export function argumentFor(map: FieldMap, field: string, origins: ArgumentOrigins = {}): string {
  const entry = entryOf(map, field);
  return entry?.argumentOf?.(field, origins) ?? entry?.arguments?.[0] ?? field.split(/[.[]/)[0]!;
}

/**
 * Input path → the (top-level) fact fields it feeds, from the map's `inputs`: what an input left
 * unknown at preview leaves undecided.
 */
export function inputFieldsOf(map: FieldMap): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, string[]> = {};
  for (const [key, sources] of Object.entries(map)) {
    const fact = key.split(".")[0]!;
    for (const input of sources.inputs ?? []) {
      const facts = (out[input] ??= []);
      if (!facts.includes(fact)) facts.push(fact);
    }
  }
  return out;
}

/** The fields of map M copied as they are from source S. */
export type CopiedFrom<M, S extends CopySource> = {
  [K in keyof M]: M[K] extends { copied: { from: readonly (infer X)[] } } ? (S extends X ? K : never) : never;
}[keyof M] &
  string;

/**
 * A reader of the fields `map` copies from `from`, for facts F: `copier<F>()(map, from)(source, field)`
 * is the value at the field's first path in `source` (an input object, an inspect object), or its
 * default. Only the fields the map copies from that source can be asked for.
 */
export function copier<F>() {
  return <M extends FieldTable<F>, S extends CopySource>(map: M, from: S) => {
    const copies = new Map<string, { path: readonly string[]; fallback: unknown }>();
    for (const [field, s] of Object.entries(map as Record<string, FieldSources>)) {
      const path = s[from]?.[0];
      if (s.copied?.from.includes(from) && path)
        copies.set(field, { path: path.split("."), fallback: s.copied.default });
    }
    return <K extends CopiedFrom<M, S> & keyof F>(source: unknown, field: K): F[K] => {
      const copy = copies.get(field)!;
      let value = source;
      for (const key of copy.path)
        value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
      return (value ?? copy.fallback) as F[K];
    };
  };
}
