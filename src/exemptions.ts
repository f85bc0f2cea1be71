/**
 * Exemptions: the only way to weaken a CIS default. An exemption names a rule, gives a
 * reason a reviewer can judge, and may expire. Components write them onto the Docker object
 * as labels, so the policy pack and the live audit honour exactly the same exemptions.
 *
 * Label format: key `hardened-docker.exemption.<ruleId>`, value JSON `{"reason":"…","expires":"YYYY-MM-DD"}`.
 */

/** A documented exception to one rule, declared in a component's `exemptions`. */
export interface Exemption {
  /**
   * Rule id, e.g. "5.13": the rule's stable key (its CIS v1.6.0 id), or its id in a named benchmark
   * version, e.g. "cis-1.8.0:2.13" (read as the same rule, "2.12").
   * @cis hd-exemptions hd-exemptions-network hd-exemptions-daemon
   */
  rule: string;
  /**
   * Why the rule is weakened; at least MIN_REASON_LENGTH characters.
   * @cis hd-exemptions hd-exemptions-network hd-exemptions-daemon
   */
  reason: string;
  /**
   * Last day (UTC, inclusive) the exemption holds, `YYYY-MM-DD`.
   * @default never expires
   * @cis hd-exemptions hd-exemptions-network hd-exemptions-daemon
   */
  expires?: string;
}

export const EXEMPTION_LABEL_PREFIX = "hardened-docker.exemption.";
export const MIN_REASON_LENGTH = 10;

/** Exemption id: connect over SSH without a pinned host key (SecureDaemon, HardenedHost). */
export const SSH_HOST_KEY_EXEMPTION = "hd-ssh-host-key";
/** Exemption id: let HardenedHost wipe a data-root device that holds something. */
export const WIPE_DEVICE_EXEMPTION = "hd-wipe-data-device";

/**
 * The components' own safeguards an exemption can lift: no CIS rule, and no Docker object whose
 * labels could carry them. Each with what lifting it means, for reports.
 */
export const COMPONENT_SAFEGUARDS: Readonly<Record<string, string>> = {
  [SSH_HOST_KEY_EXEMPTION]: "the SSH connection accepts whatever host key it is offered (none is pinned)",
  [WIPE_DEVICE_EXEMPTION]: "the data-root device may be wiped although it holds data",
};

export interface ExemptionProblem {
  rule: string;
  /** Where the exemption came from: a label key or an argument path. */
  source: string;
  problem: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse `YYYY-MM-DD` strictly (rejects 2026-02-30). Returns the end of that day (UTC) or undefined. */
export function parseExpiry(text: string): Date | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  return new Date(day.getTime() + 24 * 3600 * 1000 - 1);
}

/** Every problem with one exemption (empty list = valid now). */
export function exemptionProblems(
  e: unknown,
  knownRuleIds: ReadonlySet<string>,
  now: Date,
  source: string,
): ExemptionProblem[] {
  const rule = typeof (e as Exemption)?.rule === "string" ? (e as Exemption).rule : String((e as Exemption)?.rule);
  const out: ExemptionProblem[] = [];
  const add = (problem: string) => out.push({ rule, source, problem });
  if (typeof e !== "object" || e === null) {
    add("an exemption must be an object { rule, reason, expires? }");
    return out;
  }
  const { reason, expires } = e as Partial<Exemption>;
  if (typeof (e as Exemption).rule !== "string" || !knownRuleIds.has(rule)) add(`unknown rule id "${rule}"`);
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH)
    add(
      `reason must be at least ${MIN_REASON_LENGTH} characters explaining why (got ${JSON.stringify(reason ?? null)})`,
    );
  if (expires !== undefined) {
    const end = typeof expires === "string" ? parseExpiry(expires) : undefined;
    if (!end) add(`expires must be a date YYYY-MM-DD (got ${JSON.stringify(expires)})`);
    else if (end.getTime() < now.getTime()) add(`expired on ${expires}`);
  }
  return out;
}

/** Labels that carry these exemptions (validate first: this does not). */
export function exemptionsToLabels(exemptions: readonly Exemption[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const e of exemptions) {
    labels[EXEMPTION_LABEL_PREFIX + e.rule] = JSON.stringify(
      e.expires ? { reason: e.reason, expires: e.expires } : { reason: e.reason },
    );
  }
  return labels;
}

export interface LabelExemptions {
  /** Valid, current exemptions by rule id. */
  valid: Map<string, Exemption>;
  /** Exemption labels that are malformed, unknown or expired: each is a failure, never a pass. */
  problems: ExemptionProblem[];
}

/** Read exemptions back from an object's labels. */
export function exemptionsFromLabels(
  labels: Readonly<Record<string, string>>,
  knownRuleIds: ReadonlySet<string>,
  now: Date,
  /** A version's id of a rule → its stable key (catalog.ts resolveRuleReference). */
  resolve: (reference: string) => string | undefined = () => undefined,
): LabelExemptions {
  const valid = new Map<string, Exemption>();
  const problems: ExemptionProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!key.startsWith(EXEMPTION_LABEL_PREFIX)) continue;
    const written = key.slice(EXEMPTION_LABEL_PREFIX.length);
    const rule = resolve(written) ?? written;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      problems.push({
        rule,
        source: `label ${key}`,
        problem: `value is not JSON {"reason": …}: ${JSON.stringify(value)}`,
      });
      continue;
    }
    const candidate = typeof parsed === "object" && parsed !== null ? { ...(parsed as object), rule } : parsed;
    const found = exemptionProblems(candidate, knownRuleIds, now, `label ${key}`);
    if (found.length) problems.push(...found);
    else valid.set(rule, candidate as Exemption);
  }
  return { valid, problems };
}
