/** Errors from adapters: one clear line naming the source and the field, never a deep stack. */
import type { z } from "zod";

export class AdapterError extends Error {
  constructor(
    /** What was being read, e.g. `container inspect "web"`, `docker info`, `/etc/docker/daemon.json`. */
    readonly source: string,
    /** What is wrong, starting with the field path. */
    readonly problem: string,
    /** The field path, when known (e.g. `HostConfig.CapDrop`). */
    readonly field?: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = "AdapterError";
  }
}

/** Type of a JSON value in words, for messages. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Path of a zod issue as `a.b[0].c`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return (
    path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("") || "(root)"
  );
}

/** One zod issue → `field: expected X, got Y`. */
export function describeZodIssue(issue: z.core.$ZodIssue, input?: unknown): string {
  const path = issuePath(issue.path);
  if (issue.code === "invalid_type") {
    const got =
      input === undefined
        ? (issue.message.match(/received (\w+)/)?.[1] ?? "something else")
        : typeName(valueAt(input, issue.path));
    return got === "undefined"
      ? `${path}: required field is missing (expected ${issue.expected})`
      : `${path}: expected ${issue.expected}, got ${got}`;
  }
  return `${path}: ${issue.message}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}
