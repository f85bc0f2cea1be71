/**
 * From a Pulumi resource (type token + props as the policy engine hands them over) to the
 * catalog's verdict on one rule: resource type → adapter → facts → `runRule`, with exemption
 * labels honoured and values unknown at preview kept apart from known ones. No rule logic here.
 */
import { containerFactsFromPulumiInputs } from "../adapters/pulumi-container";
import {
  networkFactsFromPulumiInputs,
  providerDaemonFacts,
  secureDaemonFacts,
  serviceFactsFromPulumiInputs,
} from "../adapters/pulumi-resources";
import {
  CONTAINER_INPUT_FIELDS,
  NETWORK_INPUT_FIELDS,
  PROVIDER_INPUT_FIELDS,
  PROVIDER_KNOWN_FIELDS,
  SECURE_DAEMON_INPUT_FIELDS,
  SERVICE_INPUT_FIELDS,
} from "../fields";
import {
  DOCKER_CONTAINER,
  DOCKER_NETWORK,
  DOCKER_PROVIDER,
  DOCKER_SERVICE,
  LOCAL_COMMAND,
  REMOTE_COMMAND,
  SECURE_DAEMON_TYPE,
} from "../adapters/pulumi-tokens";
import { EXEMPTION_LABEL_PREFIX, type Exemption, type LabelExemptions } from "../exemptions";
import type { Facts, SubjectKind } from "../facts/types";
import { exemptionsOfLabels } from "../rules/catalog";
import { labelsOf, runRule } from "../rules/evaluate";
import type { AnyRule, RuleContext, Verdict } from "../rules/types";
import { displayPath, factFieldsAt, resolveProps, type UnknownAt } from "./unknowns";

export { DOCKER_CONTAINER, DOCKER_NETWORK, DOCKER_PROVIDER, DOCKER_SERVICE, LOCAL_COMMAND, REMOTE_COMMAND };
/**
 * The command resources the components create (HardenedContainer's PIDs limit: local, or on the Docker host over SSH).
 */
export const COMMAND_TYPES: readonly string[] = [LOCAL_COMMAND, REMOTE_COMMAND];

/** How the pack reads one Pulumi resource type. */
export interface ResourceKind {
  type: string;
  /** How messages name it, e.g. `docker.Container`. */
  label: string;
  subject: Extract<SubjectKind, "container" | "network" | "daemon">;
  /** Input path → fact fields (see the adapters). */
  fields: Readonly<Record<string, readonly string[]>>;
  /**
   * Stand-ins for required inputs that are unknown (rules reading them are undecided, so these never decide anything).
   */
  placeholders?: Readonly<Record<string, unknown>>;
  /** Facts, or why this resource cannot be judged. */
  toFacts(props: Record<string, unknown>, name: string): Facts | { notJudged: string };
  /** Fact fields this source actually tells (undefined = all); rules reading others do not apply. */
  knownFields?: readonly string[];
  /** Whether exemption labels can be set on it. */
  labels: boolean;
  /**
   * Its state is not refreshed from the engine (a component): drift is the live audit's job, not the drift policy's.
   */
  declarationOnly?: boolean;
}

const PLACEHOLDER_IMAGE = "unknown.invalid/unknown-at-preview:unknown";

export const RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  [DOCKER_CONTAINER]: {
    type: DOCKER_CONTAINER,
    label: "docker.Container",
    subject: "container",
    fields: CONTAINER_INPUT_FIELDS,
    placeholders: { image: PLACEHOLDER_IMAGE },
    toFacts: (props, name) => containerFactsFromPulumiInputs(props, name),
    labels: true,
  },
  [DOCKER_SERVICE]: {
    type: DOCKER_SERVICE,
    label: "docker.Service",
    subject: "container",
    fields: SERVICE_INPUT_FIELDS,
    placeholders: { "taskSpec.containerSpec.image": PLACEHOLDER_IMAGE },
    toFacts: (props, name) => serviceFactsFromPulumiInputs(props, name),
    labels: true,
  },
  [DOCKER_NETWORK]: {
    type: DOCKER_NETWORK,
    label: "docker.Network",
    subject: "network",
    fields: NETWORK_INPUT_FIELDS,
    toFacts: (props, name) => networkFactsFromPulumiInputs(props, name),
    labels: true,
  },
  [DOCKER_PROVIDER]: {
    type: DOCKER_PROVIDER,
    label: "docker provider",
    subject: "daemon",
    fields: PROVIDER_INPUT_FIELDS,
    toFacts: (props, name) =>
      providerDaemonFacts(props, name) ?? {
        notJudged:
          "the provider sets no host: it connects to DOCKER_HOST of the deploying environment, " +
          "which the stack does not show",
      },
    knownFields: PROVIDER_KNOWN_FIELDS,
    labels: false,
  },
  // The project's own component: the daemon.json it will write (its exemptions are engine labels in it).
  [SECURE_DAEMON_TYPE]: {
    type: SECURE_DAEMON_TYPE,
    label: "SecureDaemon",
    subject: "daemon",
    fields: SECURE_DAEMON_INPUT_FIELDS,
    // No inputs at all: the component refused its arguments (the deployment stops at its error),
    // so nothing of it will be deployed to judge. Inputs without daemonJson are unreadable: judged so.
    toFacts: (props, name) =>
      Object.keys(props).length > 0
        ? secureDaemonFacts(props, name)
        : {
            notJudged:
              "the component registered no inputs: its arguments were refused (see its error), " +
              "so nothing of it is deployed",
          },
    labels: true,
    declarationOnly: true,
  },
};

/** Resource types whose facts have this subject. */
export function typesForSubject(subject: SubjectKind): string[] {
  return Object.values(RESOURCE_KINDS)
    .filter((k) => k.subject === subject)
    .map((k) => k.type);
}

/** The fact fields a rule reads, by their root (`securityOptions.apparmorProfile` → `securityOptions`). */
const readRootsCache = new WeakMap<object, readonly string[] | undefined>();
export function readRoots(rule: AnyRule): readonly string[] | undefined {
  if (!readRootsCache.has(rule))
    readRootsCache.set(
      rule,
      rule.reads?.map((r) => r.split(/[.[]/)[0]!),
    );
  return readRootsCache.get(rule);
}

/** Does this kind of resource tell everything the rule reads? */
export function kindCanDecide(kind: ResourceKind, rule: AnyRule): boolean {
  if (rule.subject !== kind.subject) return false;
  if (!kind.knownFields) return true;
  const roots = readRoots(rule);
  return roots !== undefined && roots.every((r) => kind.knownFields!.includes(r));
}

export interface UnknownInput extends UnknownAt {
  /** Fact fields it leaves undecided. */
  fields: string[];
}

/** One resource, read once and shared by every policy that judges it. */
export interface ResolvedResource {
  kind: ResourceKind;
  name: string;
  facts?: Facts;
  /** Why there are no facts: an unreadable input (`error`) or a resource this pack cannot judge (`not-judged`). */
  problem?: { kind: "error" | "not-judged"; message: string };
  unknowns: UnknownInput[];
  /** Fact fields some unknown value feeds; `*` = all (the inputs could not be read without them). */
  unknownFields: ReadonlySet<string>;
  exemptions: LabelExemptions;
  /** Clock for exemption expiry, fixed for the whole resource. */
  now: Date;
  /**
   * Filled by the policies: the rule context with the pack's defaults, and outcomes by rule id (kept only when
   * exemptions need reporting).
   */
  baseCtx?: RuleContext;
  outcomes?: Map<string, RuleOutcome>;
  /**
   * Filled by the pack: every rule's outcome by its place in the
   * pack, with what it was judged with (see policies.ts judgeAll).
   */
  judged?: { with: unknown[]; outcomes: RuleOutcome[] };
}

/**
 * Read a resource's props (plain, or the SDK's unknown-checking
 * proxy) into facts. Undefined for types the pack does not judge.
 */
export function resolveResource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  now: Date,
): ResolvedResource | undefined {
  const kind = RESOURCE_KINDS[type];
  if (!kind) return undefined;
  const { known, unknowns } = resolveProps(props);
  const withFields: UnknownInput[] = unknowns.map((u) => ({ ...u, fields: factFieldsAt(u.path, kind.fields) }));
  const unknownFields = new Set(withFields.flatMap((u) => u.fields));
  const input = unknowns.length && kind.placeholders ? withPlaceholders(known, unknowns, kind.placeholders) : known;
  // One literal, every field present: one object shape for all resources (no spreads: this runs per resource).
  const resolved = (
    facts: Facts | undefined,
    problem: ResolvedResource["problem"],
    fields: ReadonlySet<string>,
    exemptions: LabelExemptions,
  ): ResolvedResource => ({
    kind,
    name,
    facts,
    problem,
    unknowns: withFields,
    unknownFields: fields,
    exemptions,
    now,
    baseCtx: undefined,
    outcomes: undefined,
    judged: undefined,
  });
  const noExemptions = (): LabelExemptions => ({ valid: new Map(), problems: [] });
  let facts: Facts | { notJudged: string };
  try {
    facts = kind.toFacts(input, name);
  } catch (err) {
    // Without the unknown values the inputs may not parse: then nothing can be decided yet.
    if (unknowns.length) return resolved(undefined, undefined, new Set(["*"]), noExemptions());
    return resolved(undefined, { kind: "error", message: (err as Error).message }, unknownFields, noExemptions());
  }
  // Without the unknown values it may only look unjudgeable (e.g. a provider whose host is unknown).
  if ("notJudged" in facts && unknowns.length) return resolved(undefined, undefined, new Set(["*"]), noExemptions());
  if ("notJudged" in facts)
    return resolved(undefined, { kind: "not-judged", message: facts.notJudged }, unknownFields, noExemptions());
  return resolved(facts, undefined, unknownFields, exemptionsOf(labelsOf(facts), now));
}

/** exemptionsFromLabels, spared where no label is an exemption (most resources): the answer is then empty. */
function exemptionsOf(labels: Record<string, string>, now: Date): LabelExemptions {
  for (const key in labels) if (key.startsWith(EXEMPTION_LABEL_PREFIX)) return exemptionsOfLabels(labels, now);
  return { valid: new Map(), problems: [] };
}

function withPlaceholders(
  known: Record<string, unknown>,
  unknowns: UnknownAt[],
  placeholders: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const copy = structuredClone(known);
  for (const u of unknowns) {
    const key = u.path.join(".");
    if (!(key in placeholders)) continue;
    let node: Record<string, unknown> = copy;
    for (const p of u.path.slice(0, -1)) {
      if (node[p] === null || typeof node[p] !== "object") node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[u.path[u.path.length - 1]!] = placeholders[key];
  }
  return copy;
}

export type RuleOutcome =
  | { status: "pass"; verdict: Verdict }
  | { status: "fail"; verdict: Extract<Verdict, { status: "fail" }> }
  | { status: "manual"; verdict: Extract<Verdict, { status: "manual" }> }
  | { status: "not-applicable"; why: string }
  | { status: "exempted"; verdict: Extract<Verdict, { status: "fail" }>; exemption: Exemption }
  | { status: "unknown"; unknowns: UnknownInput[] }
  | { status: "error"; message: string };

/**
 * The catalog's verdict on one resource for one rule. A rule that reads a value unknown at
 * preview is `unknown` (never a pass); a failure is `exempted` only by a valid, current
 * exemption label, and `unknown` while the labels themselves are unknown.
 */
export function judgeRule(res: ResolvedResource, rule: AnyRule, ctx: RuleContext): RuleOutcome {
  if (res.problem)
    return res.problem.kind === "error"
      ? { status: "error", message: res.problem.message }
      : { status: "not-applicable", why: res.problem.message };
  if (res.unknownFields.size) {
    const roots = readRoots(rule);
    const hit =
      res.unknownFields.has("*") || roots === undefined
        ? res.unknowns
        : res.unknowns.filter((u) => u.fields.some((f) => roots.includes(f)));
    if (hit.length) return { status: "unknown", unknowns: hit };
  }
  const verdict = runRule(rule, res.facts!, ctx);
  switch (verdict.status) {
    case "fail": {
      const exemption = res.exemptions.valid.get(rule.id);
      if (exemption) return { status: "exempted", verdict, exemption };
      const labelsUnknown = res.unknowns.filter((u) => u.fields.includes("labels"));
      if (labelsUnknown.length) return { status: "unknown", unknowns: labelsUnknown };
      return { status: "fail", verdict };
    }
    case "manual":
      return { status: "manual", verdict };
    case "not-applicable":
      return { status: "not-applicable", why: verdict.why };
    default:
      return verdict.detail === undefined ? PLAIN_PASS : { status: "pass", verdict };
  }
}

/** A pass without detail says nothing of its own: one outcome serves them all (most rules on most resources). */
const PLAIN_PASS: RuleOutcome = Object.freeze({ status: "pass", verdict: Object.freeze({ status: "pass" }) });

/** `ports[0].ip, image` — the unknown inputs, for messages. */
export const describeUnknowns = (unknowns: readonly UnknownAt[]): string =>
  [...new Set(unknowns.map((u) => displayPath(u.path)))].join(", ");
