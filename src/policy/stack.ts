/**
 * Stack policies: what needs more than one resource to judge.
 * - `cis-5.29-pids-limit-applied`: a container that declares a PIDs limit by label really has
 *   the companion command that applies it (the provider cannot set one; a label alone is a lie).
 * - `hd-containers-via-hardened-container` (advisory): raw docker.Containers not created
 *   through HardenedContainer, and HardenedContainers missing their children.
 * - `hd-drift-refreshed-state` (advisory): the catalog over the stack's *outputs*; after
 *   `pulumi refresh` these are what the engine reports, so violations here are drift.
 */
import type { EnforcementLevel, PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { PIDS_LIMIT_LABEL } from "../adapters/pulumi-container";
import { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE } from "../adapters/pulumi-tokens";
import { exemptionsFromLabels } from "../exemptions";
import { ruleById, RULE_IDS } from "../rules/catalog";
import type { AnyRule, RuleSettings } from "../rules/types";
import { PACK_DEFAULT_SETTINGS, policyName, ruleEnforcement, ruleFramework, RULE_SETTINGS, SETTING_SCHEMAS, UNKNOWN_MODES, type Profile, type UnknownMode } from "./metadata";
import { outcomeMessage, registerMeta, show, type Observer } from "./outcomes";
import { DOCKER_CONTAINER, judgeRule, LOCAL_COMMAND, PIDS_LIMIT_COMMAND_TYPES, REMOTE_COMMAND, RESOURCE_KINDS, resolveResource, type ResourceKind } from "./resources";
import { displayPath, isUnknownSentinel, rawTarget, resolveProps, UnknownValueError, type UnknownAt } from "./unknowns";

export { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE };

interface StackOptions {
  profile: Profile;
  unknownValues: UnknownMode;
  now?: () => Date;
  observer?: Observer;
}

interface StackConfig extends Partial<RuleSettings> {
  unknownValues?: UnknownMode;
  contentTrust?: boolean;
}

const unknownProperty = (dflt: UnknownMode) => ({
  type: "string" as const,
  enum: [...UNKNOWN_MODES],
  default: dflt,
  description: 'Values unknown at preview: "report" (advisory: the policy could not run) or "fail" (a violation at this policy\'s level).',
});

const parentUrn = (r: PolicyResource): string | undefined => r.parent?.urn ?? r.opts?.parent;

function labelMap(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) return {};
  return Object.fromEntries(
    list.filter((l): l is { label: string; value: string } => typeof l?.label === "string" && typeof l?.value === "string").map((l) => [l.label, l.value]),
  );
}

/** Report what could not be decided, the way the pack's `unknownValues` setting asks. */
function settleUnknown(first: UnknownAt | undefined, what: string, mode: UnknownMode | undefined, report: ReportViolation): void {
  if (!first) return;
  if (mode === "fail") report(`${what}: cannot be decided at preview (${displayPath(first.path)} unknown). Failing closed (unknownValues: "fail").`);
  else throw new UnknownValueError(first.sentinel, first.path);
}

// ───────────────────────────── 5.29: the PIDs limit is really applied ─────────────────────────────

function pidsLimitApplied(options: StackOptions): StackValidationPolicy {
  const rule = ruleById("5.29")!;
  const name = `${policyName(rule)}-applied`;
  const now = options.now ?? (() => new Date());
  return registerMeta(
    {
      name,
      displayName: "CIS 5.29: the declared PIDs limit is applied",
      description:
        "A docker.Container declaring a PIDs limit (label hardened-docker.pids-limit) has the companion command that applies it: @pulumi/docker cannot set the limit itself, so a label without the command is not a limit (CIS Docker Benchmark 1.6.0 5.29).",
      enforcementLevel: ruleEnforcement(rule, options.profile),
      severity: "high",
      framework: ruleFramework(rule),
      tags: ["cis-5.29", "section-5", `level-${rule.level}`, "automated", "stack"],
      remediationSteps: `Create the container through HardenedContainer (it adds the command "<name>-pids-limit"), or run \`docker update --pids-limit N <container>\` from a command (command:local or command:remote, named "<name>-pids-limit") that depends on the container. ${rule.remediation}`,
      configSchema: { properties: { unknownValues: unknownProperty(options.unknownValues) } },
      validateStack: (args, report) => {
        const containers = args.resources.filter((r) => r.type === DOCKER_CONTAINER);
        if (containers.length === 0) return args.notApplicable("no docker.Container in the stack");
        let undecided: UnknownAt | undefined;
        for (const c of containers) {
          const observe = (status: "pass" | "fail" | "unknown" | "exempted", message: string) =>
            options.observer?.({ policyName: name, ruleId: rule.id, urn: c.urn, type: c.type, name: c.name, status, message, source: "state" });
          const { known, unknowns } = resolveProps(c.props);
          const labelsUnknown = unknowns.find((u) => u.path[0] === "labels");
          if (labelsUnknown) {
            undecided ??= labelsUnknown;
            observe("unknown", `docker.Container "${c.name}": labels unknown at preview`);
            continue;
          }
          const labels = labelMap(known.labels);
          const claim = labels[PIDS_LIMIT_LABEL];
          if (claim === undefined) continue; // no claim: the resource policy for 5.29 judges the container itself
          const head = `docker.Container "${c.name}" declares a PIDs limit of ${claim} (label ${PIDS_LIMIT_LABEL})`;
          const check = checkCompanion(c, claim, args.resources);
          if ("unknown" in check) {
            undecided ??= check.unknown;
            observe("unknown", `${head}: the command applying it is unknown at preview`);
            continue;
          }
          if (!("problem" in check)) {
            observe("pass", `${head}, applied by its companion command.`);
            continue;
          }
          const problem = check.problem;
          const message = `${head} but ${problem}: the container runs without a PIDs limit. Create it through HardenedContainer, or apply the limit with \`docker update --pids-limit\`.`;
          const exemption = exemptionsFromLabels(labels, RULE_IDS, now()).valid.get(rule.id);
          if (exemption) {
            observe("exempted", `${message} Exempted: ${exemption.reason}`);
            continue;
          }
          observe("fail", message);
          report(message, c.urn);
        }
        settleUnknown(undecided, "the companion command of a container", args.getConfig<StackConfig>().unknownValues, report);
      },
    },
    { kind: "stack", ruleId: rule.id, rule, title: "The declared PIDs limit is applied", remediation: rule.remediation, types: [DOCKER_CONTAINER, LOCAL_COMMAND, REMOTE_COMMAND] },
  );
}

type CompanionCheck = { ok: true } | { problem: string } | { unknown: UnknownAt };

/** Does the companion command apply `claim` to container `c`? (`unknown` at preview when neither script nor triggers tell.) */
function checkCompanion(c: PolicyResource, claim: string, resources: PolicyResource[]): CompanionCheck {
  const commandName = `${c.name}-pids-limit`;
  const command = resources.find((r) => PIDS_LIMIT_COMMAND_TYPES.includes(r.type) && r.name === commandName && parentUrn(r) === parentUrn(c));
  if (!command) return { problem: `there is no command "${commandName}" (command:local or command:remote) beside it to apply it` };
  if (!command.dependencies.some((d) => d.urn === c.urn)) return { problem: `the command "${commandName}" does not depend on the container, so it cannot apply the limit to it` };
  const props = rawTarget(command.props);
  const create: unknown = props.create;
  if (typeof create === "string" && !isUnknownSentinel(create)) {
    const applied = /--pids-limit[= ](\d+)\b/.exec(create)?.[1];
    if (applied === undefined) return { problem: `the command "${commandName}" does not run docker update --pids-limit (create: ${show(create)})` };
    return applied === claim ? { ok: true } : { problem: `the command "${commandName}" applies ${applied}, not ${claim}` };
  }
  // At preview the script embeds the container id (unknown); the triggers carry the limit.
  const triggers: unknown[] = Array.isArray(props.triggers) ? props.triggers : [];
  if (triggers.some((t) => String(t) === claim)) return { ok: true };
  if (isUnknownSentinel(create)) return { unknown: { path: ["create"], sentinel: create as string } };
  return { problem: `the command "${commandName}" has no create script` };
}

// ───────────────────────────── raw containers ─────────────────────────────

function containersViaComponent(): StackValidationPolicy {
  const name = "hd-containers-via-hardened-container";
  return registerMeta(
    {
      name,
      displayName: "Containers are created through HardenedContainer",
      description:
        "Flags docker.Containers that are not children of a HardenedContainer (so no secure default applies by construction), labels that claim the component without it, and HardenedContainers missing their container or PIDs-limit command.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "medium",
      tags: ["components", "stack"],
      remediationSteps: "Replace `new docker.Container(...)` with `new HardenedContainer(...)`; keep its children (do not remove them with transformations).",
      validateStack: (args, report) => {
        const containers = args.resources.filter((r) => r.type === DOCKER_CONTAINER);
        const components = args.resources.filter((r) => r.type === HARDENED_CONTAINER_TYPE);
        if (containers.length === 0 && components.length === 0) return args.notApplicable("no docker.Container or HardenedContainer in the stack");
        for (const c of containers) {
          if (c.parent?.type === HARDENED_CONTAINER_TYPE) continue;
          const claimsComponent = labelMap(resolveProps(c.props).known.labels)[COMPONENT_LABEL] === "HardenedContainer";
          report(
            `docker.Container "${c.name}" is not created through HardenedContainer: no secure default applies by construction (the resource policies still judge it).` +
              (claimsComponent ? ` Its label ${COMPONENT_LABEL}=HardenedContainer is not backed by the component.` : ""),
            c.urn,
          );
        }
        for (const h of components) {
          const children = args.resources.filter((r) => r.parent?.urn === h.urn);
          if (!children.some((r) => r.type === DOCKER_CONTAINER)) report(`HardenedContainer "${h.name}" has no docker.Container child (removed or replaced by a transformation?).`, h.urn);
          if (!children.some((r) => PIDS_LIMIT_COMMAND_TYPES.includes(r.type) && r.name === `${h.name}-pids-limit`))
            report(`HardenedContainer "${h.name}" has no "${h.name}-pids-limit" command: its PIDs limit is not applied.`, h.urn);
        }
      },
    },
    { kind: "stack", ruleId: name, title: "Containers are created through HardenedContainer", remediation: "Use HardenedContainer.", types: [DOCKER_CONTAINER, HARDENED_CONTAINER_TYPE] },
  );
}

// ───────────────────────────── drift ─────────────────────────────

function drift(rules: { rule: AnyRule; kinds: ResourceKind[] }[], options: StackOptions): StackValidationPolicy {
  const name = "hd-drift-refreshed-state";
  const now = options.now ?? (() => new Date());
  const automated = rules.filter((e) => e.rule.automated);
  const settingKeys = [...new Set(automated.flatMap((e) => RULE_SETTINGS[e.rule.id] ?? []))];
  const properties: PolicyConfigSchema["properties"] = { unknownValues: unknownProperty(options.unknownValues) };
  for (const k of settingKeys) properties[k] = SETTING_SCHEMAS[k];
  return registerMeta(
    {
      name,
      displayName: "Refreshed state still complies (drift)",
      description:
        "Re-checks every automated rule on the stack's outputs. Run `pulumi refresh`, then analyze the stack with this pack: outputs then show the running containers, so a violation here is drift from the declared, compliant state.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "high",
      tags: ["drift", "stack"],
      remediationSteps: "Find out who changed the container outside Pulumi; run `pulumi up` to restore the declared state (or update the program and its exemptions).",
      configSchema: { properties },
      validateStack: (args, report) => {
        const config = args.getConfig<StackConfig>();
        const settings = { ...PACK_DEFAULT_SETTINGS };
        for (const k of settingKeys) if (config[k] !== undefined) (settings as Record<string, unknown>)[k] = config[k];
        const ctx = { settings, now: now(), ...(config.contentTrust === true ? { contentTrust: true } : {}) };
        let undecided: UnknownAt | undefined;
        let judged = 0;
        for (const r of args.resources) {
          const kind = RESOURCE_KINDS[r.type];
          if (!kind || kind.declarationOnly) continue;
          const raw = rawTarget(r.props);
          if (isUnknownSentinel(raw.id)) continue; // not created yet: the resource policies judge its inputs
          const res = resolveResource(r.type, r.name, raw, ctx.now)!;
          judged++;
          for (const { rule, kinds } of automated) {
            if (!kinds.includes(kind)) continue;
            const outcome = judgeRule(res, rule, ctx);
            if (outcome.status === "unknown") undecided ??= outcome.unknowns[0];
            if (outcome.status !== "fail" && outcome.status !== "exempted" && outcome.status !== "unknown") continue;
            const message = `[drift] CIS ${rule.id}: ${outcomeMessage(outcome, rule, res)}`;
            options.observer?.({ policyName: name, ruleId: rule.id, urn: r.urn, type: r.type, name: r.name, status: outcome.status, message, source: "state" });
            if (outcome.status === "fail") report(message, r.urn);
          }
        }
        if (judged === 0) return args.notApplicable("no deployed Docker resource in the stack");
        settleUnknown(undecided, "the refreshed state", config.unknownValues, report);
      },
    },
    { kind: "stack", ruleId: name, title: "Refreshed state still complies (drift)", remediation: "Restore the declared state.", types: Object.keys(RESOURCE_KINDS) },
  );
}

export function stackPolicies(rules: { rule: AnyRule; kinds: ResourceKind[] }[], options: StackOptions): StackValidationPolicy[] {
  return [pidsLimitApplied(options), containersViaComponent(), drift(rules, options)];
}
