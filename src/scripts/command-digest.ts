/**
 * The digest of a command child's script. A component registers one per command it creates (its
 * `commandDigests` output); the pack's `hd-component-commands-intact` stack policy compares each
 * with the script the command really carries, so a script changed after the component built and
 * checked it (by a transformation, say) does not pass unnoticed.
 */
import { createHash } from "crypto";

/** sha256 (hex) of the script text, as UTF-8. */
export function commandDigest(script: string): string {
  return createHash("sha256").update(script, "utf8").digest("hex");
}
