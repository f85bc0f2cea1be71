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
export const DIGESTED_COMMAND_PROPS = ["create", "update", "delete", "stdin", "interpreter", "dir", "environment", "logging", "triggers", "connection"] as const;
/** Of a remote command's `connection`: where it connects and the key it pins (never the private key). */
export const DIGESTED_CONNECTION_FIELDS = ["host", "port", "user", "hostKey"] as const;

/** The command's properties as plain values (resolved inputs, or the engine's outputs of the command). */
export type CommandProps = Partial<Record<(typeof DIGESTED_COMMAND_PROPS)[number], unknown>>;

/** sha256 (hex) of the covered properties, in a canonical JSON (sorted keys; absent, null and undefined alike). */
export function commandDigest(props: CommandProps): string {
  const covered: Record<string, unknown> = {};
  for (const key of DIGESTED_COMMAND_PROPS) {
    let value = props[key];
    if (key === "connection" && value !== null && typeof value === "object") {
      const c = value as Record<string, unknown>;
      value = Object.fromEntries(DIGESTED_CONNECTION_FIELDS.map((f) => [f, c[f]]));
    }
    covered[key] = value;
  }
  return createHash("sha256").update(canonicalJson(covered), "utf8").digest("hex");
}

/** JSON with object keys sorted and null/undefined members left out, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined && (value as Record<string, unknown>)[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
