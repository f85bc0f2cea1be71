/**
 * The self-check every component that plans facts runs before creating anything: the rule catalog
 * judges the planned facts (the same facts the policy pack and the audit judge), and each failure
 * that is not exempted becomes a refusal naming the argument that set the failing fact field, its
 * value, the CIS rule and how to exempt it.
 * @internal
 */
import * as pulumi from "@pulumi/pulumi";
import type { Exemption } from "../exemptions";
import type { Facts } from "../facts/types";
import { evaluate } from "../rules/evaluate";
import type { RuleContext } from "../rules/types";
import { howToExempt } from "./args";

/** One failing rule on the planned facts. @internal */
export interface SelfCheckFailure {
  ruleId: string;
  title: string;
  /** The fact field the verdict names (e.g. `ports[0].hostIp`). */
  field: string;
  observed: unknown;
  expected: string;
  /** A valid exemption carried by the facts (their labels) covers it. */
  exempted: boolean;
}

/** What the self-check judges. @internal */
export interface SelfCheckOptions {
  /** The facts planned (one subject: a container, a daemon). */
  facts: Facts;
  ctx: RuleContext;
  /**
   * Which failures count: "automated" (a Manual rule's failure only informs) or "all" (a Manual
   * rule that fails does so on a definite defect, e.g. 2.8's limit above the host's).
   */
  rules: "automated" | "all";
  /** Rules not judged now (e.g. 4.5 while the image is an Output: judged when it resolves). */
  skip?: (ruleId: string) => boolean;
}

/** The failing rules on the planned facts (exempted ones too, marked). @internal */
export function selfCheckFailures(o: SelfCheckOptions): SelfCheckFailure[] {
  const out: SelfCheckFailure[] = [];
  for (const f of evaluate([o.facts], o.ctx)) {
    if (f.subject !== o.facts.kind || f.verdict.status !== "fail") continue;
    if (o.rules === "automated" && !f.automated) continue;
    if (o.skip?.(f.ruleId)) continue;
    out.push({
      ruleId: f.ruleId,
      title: f.title,
      field: f.verdict.field,
      observed: f.verdict.observed,
      expected: f.verdict.expected,
      exempted: f.status === "exempted",
    });
  }
  return out;
}

/** The refusal of one failure: `argument: value breaks CIS id (title); expected …. To accept this, …`. @internal */
export function refusalMessage(argument: string, f: SelfCheckFailure): string {
  return (
    `${argument}: ${JSON.stringify(f.observed)} breaks CIS ${f.ruleId} (${f.title}); expected ${f.expected}. ` +
    howToExempt(f.ruleId)
  );
}

/** How the refusals are judged and named. @internal */
export interface RefusalOptions {
  /** The argument that sets a fact field (`field` as the verdict names it), as refusals name it. */
  argumentFor: (field: string) => string;
  /**
   * A failure of this rule is refused (not exempted, and no malformed exemption names it: that
   * exemption's error says what to fix). Default: every failure the facts' exemptions do not cover.
   */
  refuse?: (ruleId: string) => boolean;
  /**
   * Top-level arguments whose value is in doubt (an error names them already): a failure they set
   * is not refused, as its refusal would repeat or contradict that error.
   */
  doubtful?: ReadonlySet<string>;
}

/** The refusals among the failures, each named by its argument. @internal */
export function refusals(failures: readonly SelfCheckFailure[], o: RefusalOptions): string[] {
  const out: string[] = [];
  for (const f of failures) {
    if (f.exempted || (o.refuse && !o.refuse(f.ruleId))) continue;
    const argument = o.argumentFor(f.field);
    if (o.doubtful?.has(argument.split(/[.[]/)[0]!)) continue;
    out.push(refusalMessage(argument, f));
  }
  return out;
}

/**
 * Warns about each exemption these arguments do not need (no failure of its rule), unless
 * `neededAnyway` says it is needed for something the catalog does not judge here.
 * @internal
 */
export function warnUnneededExemptions(
  component: string,
  name: string,
  exemptions: readonly Exemption[],
  failures: readonly SelfCheckFailure[],
  neededAnyway: (rule: string) => boolean = () => false,
): void {
  for (const e of exemptions) {
    if (!failures.some((f) => f.ruleId === e.rule) && !neededAnyway(e.rule))
      pulumi.log.warn(`${component} "${name}": exemption for ${e.rule} is not needed by these arguments; remove it`);
  }
}
