/**
 * Size convention for every component argument: a string with a binary (IEC) unit —
 * "512Ki", "256Mi", "2Gi" — or a whole number of bytes. Decimal units ("256M", "1GB") are
 * rejected on purpose: Docker's `m` means MiB while many people read "M" as 10⁶, and a
 * security limit should not depend on which reading the author had in mind.
 */
const UNITS: Record<string, number> = { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** Parse a size to bytes; undefined when it does not follow the convention. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(value.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * UNITS[m[2] ?? ""];
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

export const SIZE_HINT = 'a size like "256Mi" or "2Gi" (binary units Ki/Mi/Gi/Ti) or a whole number of bytes';
