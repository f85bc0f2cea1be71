/**
 * The digest of what a command child runs. A component registers one per command it creates
 * (its `commandDigests` output); the pack's `hd-component-commands-intact` stack policy computes
 * the same digest from the command's properties, so a command changed after the component built
 * and checked it (by a transformation, say) does not pass unnoticed.
 *
 * Everything that decides what runs, where and when is covered: the scripts (`create`, `update`,
 * `delete`), `stdin`, the local command's `interpreter`, `dir` and `environment`, `logging`,
 * `triggers`, and where a remote command connects (host, port, user, pinned host key — not the
 * private key). The command provider echoes every input among its outputs, so the pack reads the
 * same values back from the command.
 */
import { createHash } from "crypto";

/** The properties of a command:local / command:remote Command that the digest covers. */
export const DIGESTED_COMMAND_PROPS = [
  "create",
  "update",
  "delete",
  "stdin",
  "interpreter",
  "dir",
  "environment",
  "logging",
  "triggers",
  "connection",
] as const;
/** Of a remote command's `connection`: where it connects and the key it pins (never the private key). */
export const DIGESTED_CONNECTION_FIELDS = ["host", "port", "user", "hostKey"] as const;

/** The command's properties as plain values (resolved inputs, or the engine's outputs of the command). */
export type CommandProps = Partial<Record<(typeof DIGESTED_COMMAND_PROPS)[number], unknown>>;

/**
 * The properties the digest covers, picked from a command's properties (its arguments, Outputs
 * and all, or its resolved outputs): the connection narrowed to where it connects; absent ones left out.
 */
export function digestedProps(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const covered: Record<string, unknown> = {};
  for (const key of DIGESTED_COMMAND_PROPS) {
    const value = props[key];
    if (value === undefined) continue;
    if (key === "connection" && value !== null && typeof value === "object") {
      const c = value as Record<string, unknown>;
      covered[key] = Object.fromEntries(
        DIGESTED_CONNECTION_FIELDS.filter((f) => c[f] !== undefined).map((f) => [f, c[f]]),
      );
    } else covered[key] = value;
  }
  return covered;
}

/** sha256 (hex) of the covered properties, in a canonical JSON (sorted keys; absent, null and undefined alike). */
export function commandDigest(props: CommandProps): string {
  return createHash("sha256")
    .update(canonicalJson(digestedProps(props)), "utf8")
    .digest("hex");
}

/** JSON with object keys sorted and null/undefined members left out, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    const entries = Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
