/**
 * Stack policies: what needs more than one resource to judge.
 * - `cis-5.29-pids-limit-applied`: a container that declares a PIDs limit by label really has
 *   the companion command that applies it (the provider cannot set one; a label alone is a lie).
 * - `hd-containers-via-hardened-container` (advisory): raw docker.Containers not created
 *   through HardenedContainer, and HardenedContainers missing their container.
 * - `hd-drift-refreshed-state` (advisory): the catalog over the stack's *outputs*; after
 *   `pulumi refresh` these are what the engine reports, so violations here are drift.
 * - `hd-component-exemptions` (advisory): the exemptions HardenedHost and SecureDaemon honour
 *   themselves (no Docker object's labels carry them), listed for review; an invalid one fails.
 * - `hd-component-commands-intact` (advisory): every command a component created is still there
 *   and runs exactly what the component built and checked — script, input, environment, triggers,
 *   connection (its `commandDigests` output).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PIDS_LIMIT_LABEL } from "../adapters/pulumi-container";
import { parseGoInt } from "../facts/normalise";
import {
  COMMAND_DIGESTS_OUTPUT,
  COMPONENT_EXEMPTIONS_OUTPUT,
  COMPONENT_LABEL,
  HARDENED_CONTAINER_TYPE,
} from "../adapters/pulumi-tokens";
import {
  commandDigest,
  DIGESTED_COMMAND_PROPS,
  DIGESTED_CONNECTION_FIELDS,
  type CommandProps,
} from "../scripts/command-digest";
import { COMPONENT_SAFEGUARDS, exemptionProblems, type Exemption } from "../exemptions";
import { exemptionsOfLabels, ruleById, RULE_IDS } from "../rules/catalog";
import type { Benchmark } from "../rules/benchmarks";
import type { AnyRule, RuleSettings } from "../rules/types";
import {
  PACK_DEFAULT_SETTINGS,
  policyName,
  ruleEnforcement,
  ruleFramework,
  RULE_SETTINGS,
  SETTING_SCHEMAS,
  UNKNOWN_MODES,
  type Profile,
  type UnknownMode,
} from "./metadata";
import { outcomeMessage, registerMeta, show, type Observer } from "./outcomes";
import {
  COMMAND_TYPES,
  DOCKER_CONTAINER,
  judgeRule,
  LOCAL_COMMAND,
  REMOTE_COMMAND,
  RESOURCE_KINDS,
  resolveResource,
  type ResourceKind,
} from "./resources";
import { displayPath, isUnknownSentinel, rawTarget, resolveProps, UnknownValueError, type UnknownAt } from "./unknowns";

export { COMPONENT_LABEL, HARDENED_CONTAINER_TYPE };

interface StackOptions {
  profile: Profile;
  unknownValues: UnknownMode;
  benchmark: Benchmark;
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
  description:
    'Values unknown at preview: "report" (advisory: the policy could not run) ' +
    'or "fail" (a violation at this policy\'s level).',
});

const parentUrn = (r: PolicyResource): string | undefined => r.parent?.urn ?? r.opts?.parent;

function labelMap(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) return {};
  return Object.fromEntries(
    list
      .filter(
        (l): l is { label: string; value: string } => typeof l?.label === "string" && typeof l?.value === "string",
      )
      .map((l) => [l.label, l.value]),
  );
}

/** Report what could not be decided, the way the pack's `unknownValues` setting asks. */
function settleUnknown(
  first: UnknownAt | undefined,
  what: string,
  mode: UnknownMode | undefined,
  report: ReportViolation,
): void {
  if (!first) return;
  if (mode === "fail")
    report(
      `${what}: cannot be decided at preview (${displayPath(first.path)} unknown). ` +
        `Failing closed (unknownValues: "fail").`,
    );
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
        "A docker.Container declaring a PIDs limit (label hardened-docker.pids-limit) " +
        "has the companion command that applies it: @pulumi/docker cannot set the limit itself, " +
        "so a label without the command is not a limit (CIS Docker Benchmark 5.29).",
      enforcementLevel: ruleEnforcement(rule, options.profile),
      severity: "high",
      framework: ruleFramework(rule, options.benchmark),
      tags: ["cis-5.29", "section-5", `level-${rule.level}`, "automated", "stack"],
      remediationSteps:
        `Create the container through HardenedContainer (it adds the command "<name>-pids-limit"), ` +
        `or run \`docker update --pids-limit N <container>\` from a command (command:local or command:remote, ` +
        `named "<name>-pids-limit") that depends on the container. ${rule.remediation}`,
      configSchema: { properties: { unknownValues: unknownProperty(options.unknownValues) } },
      validateStack: (args, report) => {
        const containers = args.resources.filter((r) => r.type === DOCKER_CONTAINER);
        if (containers.length === 0) return args.notApplicable("no docker.Container in the stack");
        let undecided: UnknownAt | undefined;
        for (const c of containers) {
          const observe = (status: "pass" | "fail" | "unknown" | "exempted", message: string) =>
            options.observer?.({
              policyName: name,
              ruleId: rule.id,
              urn: c.urn,
              type: c.type,
              name: c.name,
              status,
              message,
              source: "state",
            });
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
          const message =
            `${head} but ${problem}: the container runs without a PIDs limit. ` +
            `Create it through HardenedContainer, or apply the limit with \`docker update --pids-limit\`.`;
          const exemption = exemptionsOfLabels(labels, now()).valid.get(rule.id);
          if (exemption) {
            observe("exempted", `${message} Exempted: ${exemption.reason}`);
            continue;
          }
          observe("fail", message);
          report(message, c.urn);
        }
        settleUnknown(
          undecided,
          "the companion command of a container",
          args.getConfig<StackConfig>().unknownValues,
          report,
        );
      },
    },
    {
      kind: "stack",
      ruleId: rule.id,
      rule,
      title: "The declared PIDs limit is applied",
      remediation: rule.remediation,
      types: [DOCKER_CONTAINER, LOCAL_COMMAND, REMOTE_COMMAND],
    },
  );
}

type CompanionCheck = { ok: true } | { problem: string } | { unknown: UnknownAt };

/**
 * Does the companion command apply `claim` to container `c`? (`unknown` at preview when neither
 * script nor triggers tell.)
 */
function checkCompanion(c: PolicyResource, claim: string, resources: PolicyResource[]): CompanionCheck {
  const commandName = `${c.name}-pids-limit`;
  const command = resources.find(
    (r) => COMMAND_TYPES.includes(r.type) && r.name === commandName && parentUrn(r) === parentUrn(c),
  );
  if (!command)
    return { problem: `there is no command "${commandName}" (command:local or command:remote) beside it to apply it` };
  if (!command.dependencies.some((d) => d.urn === c.urn))
    return {
      problem: `the command "${commandName}" does not depend on the container, so it cannot apply the limit to it`,
    };
  const props = rawTarget(command.props);
  const create: unknown = props.create;
  // Limits compared as the docker CLI reads them (pflag's ParseInt, base 0): "0x100" is 256.
  const limit = parseGoInt(claim);
  if (typeof create === "string" && !isUnknownSentinel(create)) {
    const applied = /--pids-limit(?:=|\s+)['"]?([^\s'"]+)/.exec(create)?.[1];
    if (applied === undefined)
      return {
        problem: `the command "${commandName}" does not run docker update --pids-limit (create: ${show(create)})`,
      };
    return limit !== undefined && parseGoInt(applied) === limit
      ? { ok: true }
      : { problem: `the command "${commandName}" applies ${applied}, not ${claim}` };
  }
  // At preview the script embeds the container id (unknown); the triggers carry the limit.
  const triggers: unknown[] = Array.isArray(props.triggers) ? props.triggers : [];
  if (limit !== undefined && triggers.some((t) => parseGoInt(String(t)) === limit)) return { ok: true };
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
        "Flags docker.Containers that are not children of a HardenedContainer (so no secure default applies by " +
        "construction), labels that claim the component without it, " +
        "and HardenedContainers missing their container.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "medium",
      tags: ["components", "stack"],
      remediationSteps:
        "Replace `new docker.Container(...)` with `new HardenedContainer(...)`; " +
        "keep its children (do not remove them with transformations).",
      validateStack: (args, report) => {
        const containers = args.resources.filter((r) => r.type === DOCKER_CONTAINER);
        const components = args.resources.filter((r) => r.type === HARDENED_CONTAINER_TYPE);
        if (containers.length === 0 && components.length === 0)
          return args.notApplicable("no docker.Container or HardenedContainer in the stack");
        for (const c of containers) {
          if (c.parent?.type === HARDENED_CONTAINER_TYPE) continue;
          const claimsComponent = labelMap(resolveProps(c.props).known.labels)[COMPONENT_LABEL] === "HardenedContainer";
          report(
            `docker.Container "${c.name}" is not created through HardenedContainer: ` +
              `no secure default applies by construction (the resource policies still judge it).` +
              (claimsComponent
                ? ` Its label ${COMPONENT_LABEL}=HardenedContainer is not backed by the component.`
                : ""),
            c.urn,
          );
        }
        // (Its PIDs-limit command is checked with every component command by hd-component-commands-intact.)
        for (const h of components) {
          const children = args.resources.filter((r) => r.parent?.urn === h.urn);
          if (!children.some((r) => r.type === DOCKER_CONTAINER))
            report(
              `HardenedContainer "${h.name}" has no docker.Container child (removed or replaced by a transformation?).`,
              h.urn,
            );
        }
      },
    },
    {
      kind: "stack",
      ruleId: name,
      title: "Containers are created through HardenedContainer",
      remediation: "Use HardenedContainer.",
      types: [DOCKER_CONTAINER, HARDENED_CONTAINER_TYPE],
    },
  );
}

// ───────────────────────────── what components register ─────────────────────────────

/**
 * The resources whose props (outputs) carry `key`, with its value; the first value unknown at
 * preview is returned as `undecided` instead (its resource is left out).
 */
function carrying(
  resources: readonly PolicyResource[],
  key: string,
): { holders: { resource: PolicyResource; value: unknown }[]; undecided?: UnknownAt } {
  const holders: { resource: PolicyResource; value: unknown }[] = [];
  let undecided: UnknownAt | undefined;
  for (const resource of resources) {
    const props = rawTarget(resource.props);
    if (!(key in props)) continue;
    const value = props[key];
    if (isUnknownSentinel(value)) undecided ??= { path: [key], sentinel: value as string };
    else holders.push({ resource, value });
  }
  return { holders, ...(undecided ? { undecided } : {}) };
}

/** Does this path of a command's props lie in what its digest covers? */
function isDigested(path: readonly (string | number)[]): boolean {
  const [root, field] = path;
  if (!(DIGESTED_COMMAND_PROPS as readonly unknown[]).includes(root)) return false;
  return (
    root !== "connection" || field === undefined || (DIGESTED_CONNECTION_FIELDS as readonly unknown[]).includes(field)
  );
}

/** `hardened-docker:index:HardenedHost` → `HardenedHost`. */
const shortType = (type: string): string => type.split(":").pop() ?? type;

// ───────────────────────────── exemptions the components honour themselves ─────────────────────────────

const KNOWN_COMPONENT_EXEMPTIONS: ReadonlySet<string> = new Set([...RULE_IDS, ...Object.keys(COMPONENT_SAFEGUARDS)]);

/** What lifting a rule or safeguard means, for the report. */
function liftedWhat(id: string): string {
  const safeguard = COMPONENT_SAFEGUARDS[id];
  if (safeguard) return safeguard;
  const rule = ruleById(id);
  return rule
    ? `${rule.id.startsWith("hd-") ? "" : "CIS "}${rule.id} "${rule.title}" is not applied by the component (the ` +
        `live audit judges the result)`
    : `unknown rule ${id}`;
}

function componentExemptions(options: StackOptions): StackValidationPolicy {
  const name = "hd-component-exemptions";
  const now = options.now ?? (() => new Date());
  return registerMeta(
    {
      name,
      displayName: "Exemptions the components honour themselves",
      description:
        `Lists the exemptions HardenedHost and SecureDaemon honour themselves (their ` +
        `${COMPONENT_EXEMPTIONS_OUTPUT} output: CIS section 1 parts left out, SSH host keys not pinned, ` +
        `a data device allowed to be wiped), which no Docker object's labels carry; ` +
        `an invalid or expired one is a violation.`,
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "medium",
      tags: ["exemptions", "components", "stack"],
      remediationSteps:
        "Review each exemption's reason and expiry; " +
        "give what it leaves out (a data device, a pinned host key, …) and remove the exemption when you can.",
      configSchema: { properties: { unknownValues: unknownProperty(options.unknownValues) } },
      validateStack: (args, report) => {
        const { holders, undecided } = carrying(args.resources, COMPONENT_EXEMPTIONS_OUTPUT);
        if (holders.length === 0 && !undecided)
          return args.notApplicable("no component in the stack declares its own exemptions");
        for (const { resource: r, value: list } of holders) {
          const exemptions: unknown[] = Array.isArray(list) ? list : [list];
          exemptions.forEach((e, i) => {
            const problems = exemptionProblems(
              e,
              KNOWN_COMPONENT_EXEMPTIONS,
              now(),
              `${COMPONENT_EXEMPTIONS_OUTPUT}[${i}]`,
            );
            const { rule, reason, expires } = (e ?? {}) as Partial<Exemption>;
            const head = `${shortType(r.type)} "${r.name}": exemption for ${rule}`;
            const observe = (status: "exempted" | "fail", message: string) =>
              options.observer?.({
                policyName: name,
                ruleId: String(rule),
                urn: r.urn,
                type: r.type,
                name: r.name,
                status,
                message,
                ...(status === "exempted" ? { exemption: e as Exemption } : {}),
                source: "state",
              });
            if (problems.length) {
              const message = `${head} is invalid: ${problems.map((p) => p.problem).join("; ")}. It excuses nothing.`;
              observe("fail", message);
              return report(message, r.urn);
            }
            const message =
              `${head} (${expires ? `until ${expires}` : "with no expiry date"}, reason: ${reason}): ` +
              `${liftedWhat(String(rule))}.`;
            observe("exempted", message);
            report(message, r.urn);
          });
        }
        settleUnknown(undecided, "the exemptions of a component", args.getConfig<StackConfig>().unknownValues, report);
      },
    },
    {
      kind: "stack",
      ruleId: name,
      title: "Exemptions the components honour themselves",
      remediation: "Review component exemptions.",
      types: [],
    },
  );
}

// ───────────────────────────── the components' commands are intact ─────────────────────────────

function componentCommandsIntact(options: StackOptions): StackValidationPolicy {
  const name = "hd-component-commands-intact";
  return registerMeta(
    {
      name,
      displayName: "The components' commands run what they built",
      description:
        `Every command a component created (data root, audit rules, daemon.json, PIDs limit, …) ` +
        `is still in the stack and runs exactly what the component built and checked — script, input, ` +
        `environment, triggers and connection (its ${COMMAND_DIGESTS_OUTPUT} output): ` +
        `a command removed or changed afterwards — by a transformation, say — would deploy what no check saw.`,
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "high",
      tags: ["components", "integrity", "stack"],
      remediationSteps:
        "Remove the transformation (or other code) that changes or drops the component's commands; " +
        "change the component's arguments instead, so its checks see the change.",
      configSchema: { properties: { unknownValues: unknownProperty(options.unknownValues) } },
      validateStack: (args, report) => {
        const { holders, undecided: unknownDigests } = carrying(args.resources, COMMAND_DIGESTS_OUTPUT);
        if (holders.length === 0 && !unknownDigests)
          return args.notApplicable("no component in the stack created commands");
        let undecided = unknownDigests;
        for (const { resource: c, value: digests } of holders) {
          for (const [commandName, digest] of Object.entries((digests ?? {}) as Record<string, unknown>)) {
            const head = `${shortType(c.type)} "${c.name}"`;
            const child = args.resources.find(
              (r) => parentUrn(r) === c.urn && r.name === commandName && COMMAND_TYPES.includes(r.type),
            );
            // Said of the command where there is one (where a violation is reported), else of the component.
            const at = child ?? c;
            const observe = (status: "pass" | "fail" | "unknown", message: string) =>
              options.observer?.({
                policyName: name,
                ruleId: name,
                urn: at.urn,
                type: at.type,
                name: at.name,
                status,
                message,
                source: "state",
              });
            if (!child) {
              const message =
                `${head} has no "${commandName}" command (removed by a transformation?): ` +
                `what it does is not done.`;
              observe("fail", message);
              report(message, c.urn);
              continue;
            }
            const unknownInCommand = resolveProps(child.props).unknowns.find((u) => isDigested(u.path));
            if (isUnknownSentinel(digest) && unknownInCommand) {
              // Both sides wait for the same value (a container id, say): decided once it is known.
              undecided ??= unknownInCommand;
              observe(
                "unknown",
                `${head}: "${commandName}" depends on values unknown at preview ` +
                  `(${displayPath(unknownInCommand.path)})`,
              );
              continue;
            }
            // A side known while the other is not can only be a command given other values than the component's.
            if (
              isUnknownSentinel(digest) ||
              unknownInCommand ||
              commandDigest(rawTarget(child.props) as CommandProps) !== digest
            ) {
              const message =
                `${head}: its command "${commandName}" does not run what the component built and checked ` +
                `(its script, input, environment, triggers or connection changed — by a transformation?): ` +
                `what it deploys was not judged.`;
              observe("fail", message);
              report(message, child.urn);
              continue;
            }
            observe("pass", `${head}: "${commandName}" runs what the component built.`);
          }
        }
        settleUnknown(undecided, "a component's command", args.getConfig<StackConfig>().unknownValues, report);
      },
    },
    {
      kind: "stack",
      ruleId: name,
      title: "The components' commands run what they built",
      remediation: "Do not change a component's commands.",
      types: [LOCAL_COMMAND, REMOTE_COMMAND],
    },
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
        "Re-checks every automated rule on the stack's outputs. Run `pulumi refresh`, " +
        "then analyze the stack with this pack: outputs then show the running containers, " +
        "so a violation here is drift from the declared, compliant state.",
      enforcementLevel: "advisory" as EnforcementLevel,
      severity: "high",
      tags: ["drift", "stack"],
      remediationSteps:
        "Find out who changed the container outside Pulumi; " +
        "run `pulumi up` to restore the declared state (or update the program and its exemptions).",
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
            options.observer?.({
              policyName: name,
              ruleId: rule.id,
              urn: r.urn,
              type: r.type,
              name: r.name,
              status: outcome.status,
              message,
              source: "state",
            });
            if (outcome.status === "fail") report(message, r.urn);
          }
        }
        if (judged === 0) return args.notApplicable("no deployed Docker resource in the stack");
        settleUnknown(undecided, "the refreshed state", config.unknownValues, report);
      },
    },
    {
      kind: "stack",
      ruleId: name,
      title: "Refreshed state still complies (drift)",
      remediation: "Restore the declared state.",
      types: Object.keys(RESOURCE_KINDS),
    },
  );
}

export function stackPolicies(
  rules: { rule: AnyRule; kinds: ResourceKind[] }[],
  options: StackOptions,
): StackValidationPolicy[] {
  return [
    pidsLimitApplied(options),
    containersViaComponent(),
    componentCommandsIntact(options),
    drift(rules, options),
    componentExemptions(options),
  ];
}
