import type { DaemonFacts, FactsOf, HostFacts, SubjectKind, SwarmFacts } from "../facts/types";
import type { VulnReport } from "../facts/vulns";
import type { Benchmark } from "./benchmarks";
import { SAFE_CAPABILITIES } from "./capabilities";

/** Outcome of one rule on one subject. */
export type Verdict =
  | { status: "pass"; detail?: string }
  | {
      status: "fail";
      /** The fact field that breaks the rule, e.g. `capDrop` or `ports[0].hostIp`. */
      field: string;
      /** What was observed (kept JSON-serialisable). */
      observed: unknown;
      /** What compliance requires, in words. */
      expected: string;
      detail?: string;
    }
  | { status: "not-applicable"; why: string }
  | {
      status: "manual";
      /** What a person has to check. */
      guidance: string;
      /** Data that helps the person (e.g. the published ports for 5.9). */
      report?: unknown;
    };

export type VerdictStatus = Verdict["status"];

/**
 * The oldest Docker Engine 1.2.2 accepts by default: 28.3.3 fixed CVE-2025-54388 (a firewalld reload
 * made published ports reachable from other hosts, however they were bound: what 5.14 relies on).
 * Every older line is out of support.
 */
export const MINIMUM_ENGINE_VERSION = "28.3.3";

/** Settings an organisation can tune; every field has a safe default (see DEFAULT_SETTINGS). */
export interface RuleSettings {
  /**
   * 5.4: capabilities a container may add back after dropping ALL (default: SAFE_CAPABILITIES, for
   * every surface alike).
   */
  capabilityAllowList: string[];
  /** 1.1.2: users allowed in the `docker` group / owning the socket. */
  trustedDockerUsers: string[];
  /** 4.2: registries or repository prefixes images may come from (empty = not configured → manual). */
  trustedRegistries: string[];
  /**
   * 1.2.2: minimum acceptable engine version (dotted numbers, e.g. "28.3.3"); undefined = report only.
   * Default MINIMUM_ENGINE_VERSION.
   */
  minimumEngineVersion?: string;
  /** 5.32: the Docker socket path on the host (any path ending in docker.sock also counts). */
  dockerSocketPath: string;
  /** 5.1: swarm mode is needed on this host. */
  swarmNeeded: boolean;
  /** 7.1: manager failures the swarm must tolerate (manager count should be 2f+1). */
  swarmFaultTolerance: number;
  /** 2.10: a non-default cgroup parent was deliberately confirmed. */
  cgroupParentConfirmed: boolean;
  /** 2.13: log drivers that keep logs on the host only (fail unless shipped elsewhere). */
  localOnlyLogDrivers: string[];
  /** 5.14's fix: the host address a port published on every interface is bound to instead. */
  portBindAddress: string;
}

export const DEFAULT_SETTINGS: RuleSettings = {
  capabilityAllowList: [...SAFE_CAPABILITIES],
  trustedDockerUsers: ["root"],
  trustedRegistries: [],
  minimumEngineVersion: MINIMUM_ENGINE_VERSION,
  dockerSocketPath: "/var/run/docker.sock",
  swarmNeeded: false,
  swarmFaultTolerance: 1,
  cgroupParentConfirmed: false,
  localOnlyLogDrivers: ["json-file", "local", "none"],
  portBindAddress: "127.0.0.1",
};

/** Everything a rule may consult besides the subject's own facts. Rules do no I/O. */
export interface RuleContext {
  settings: RuleSettings;
  /** The daemon the subject runs on, when known (e.g. 5.26 accepts daemon-wide no-new-privileges). */
  daemon?: DaemonFacts;
  /** The host, when known (LSM support for 5.2/5.3, socket path). */
  host?: Pick<HostFacts, "apparmorEnabled" | "selinuxEnabled"> & Partial<HostFacts>;
  /** Swarm state, when known (2.15 is n/a in swarm mode). */
  swarm?: SwarmFacts;
  /** 4.5: `DOCKER_CONTENT_TRUST=1` in the deploying environment. */
  contentTrust?: boolean;
  /**
   * 4.4: vulnerability scanners' reports (Trivy, Grype; src/adapters/vuln-report.ts), matched to
   * images by digest. An image none covers stays manual.
   */
  vulnReports?: readonly VulnReport[];
  /** Clock for exemption expiry (injected so rules stay pure). */
  now: Date;
  /**
   * The benchmark version a report is for: `evaluate` judges that version's rules. Unset (the
   * components' self-checks): every rule of every version, the strictest reading.
   */
  benchmark?: Benchmark;
}

export type CisLevel = 1 | 2;

/** Where a rule can be decided (see shared/cis-docker-benchmark.md). */
export type Decidable = "decl" | "live" | "both" | "none";

export interface Rule<K extends SubjectKind = SubjectKind> {
  /**
   * The stable key: the CIS Docker Benchmark v1.6.0 id (e.g. "5.4"), or a project id prefixed `hd-`
   * (./benchmarks.ts). With the slug it names the rule's file: `section5/5.4-restrict-capabilities.ts`.
   */
  id: string;
  /**
   * The policy name's last part (`cis-5.4-<slug>`, what pack configs name) and of the rule's file
   * name (`section5/5.4-<slug>.ts`). Never change it: pack configs name the policy.
   */
  slug: string;
  /** Where the usual severity (by level, automated or manual) is too low: a failure hands over the host. */
  severity?: "critical";
  /** The settings this rule reads (ctx.settings.*): the pack exposes exactly these in its policy's config. */
  settings?: (keyof RuleSettings)[];
  /** Short title in our own words. */
  title: string;
  /** CIS section 1–7. */
  section: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** Automated (scored) in CIS, or Manual. */
  automated: boolean;
  level: CisLevel;
  subject: K;
  where: Decidable;
  /**
   * Ids of the same item in other benchmark numberings: a later version's (`cis-1.8:2.13`, see
   * ./benchmarks.ts) or an older one's (`cis-1.13:5.25`).
   */
  aliases?: string[];
  /** The benchmark versions that have this item, when not all of them (./benchmarks.ts). */
  benchmarks?: Benchmark[];
  /** Fact fields this rule reads; lets the policy pack report "unknown at preview" precisely. */
  reads?: string[];
  /** What to change to comply. */
  remediation: string;
  /** A fix safe without knowing the workload, where there is one (the pack's `remediate` level, `check --fix`). */
  fix?: RuleFix;
  check(facts: FactsOf<K>, ctx: RuleContext): Verdict;
}

/**
 * A rule's fix, over the Pulumi inputs of a `docker.Container` (the resource users write by hand).
 * It changes only inputs that feed the facts its rule reads, and returns a changed copy — or
 * undefined where no change is safe without a person (e.g. `privileged`, a mounted docker socket).
 * It is applied only where its rule fails, and kept only if the rule then passes
 * (src/policy/remediation.ts).
 */
export interface RuleFix {
  /** What the fix changes, in words (shown by `check --fix`). */
  summary: string;
  container(inputs: Readonly<Record<string, unknown>>, ctx: RuleContext): Record<string, unknown> | undefined;
}

/** Any rule, whatever its subject (for lists). */
export type AnyRule = { [K in SubjectKind]: Rule<K> }[SubjectKind];

// Verdict constructors live in the rules' kit; re-exported here for the modules that judge with rules.
export { fail, manual, notApplicable, pass } from "./kit/verdicts";

/** Define a rule with its subject type inferred (keeps `check` typed by subject). */
export function defineRule<K extends SubjectKind>(rule: Rule<K>): Rule<K> {
  return rule;
}
