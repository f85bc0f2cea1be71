/**
 * What the swarm rules share. Every section 7 item is not applicable on an engine that is not in a
 * swarm (5.1 separately fails a swarm that is not needed).
 */
import type { SwarmFacts } from "../../facts/types";
import { defineRule, type Rule, type Verdict } from "../types";
import { manual, notApplicable } from "./verdicts";

/** The default swarm management port. */
export const SWARM_PORT = 2377;

/** A node that has joined a swarm; a `locked` node is in one too (its manager keys are sealed). */
const inSwarm = (s: SwarmFacts): boolean => s.active || s.state === "locked";

/**
 * The not-applicable verdict when the item does not apply to this engine, else undefined.
 * `managersOnly` names why a worker cannot be judged.
 */
export function swarmGate(s: SwarmFacts, managersOnly?: string): Verdict | undefined {
  if (!inSwarm(s)) return notApplicable(`swarm mode is not active on this engine (state: ${s.state || "unknown"})`);
  if (managersOnly && !s.isManager) return notApplicable(`this node is a worker: ${managersOnly}`);
  return undefined;
}

/** Split a swarm listen address (`IP|interface[:port]`, `[v6]:port`, bare v6) into host and port. */
export function splitListenAddr(addr: string): { host: string; port: number } {
  const a = addr.trim();
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(a);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : SWARM_PORT };
  // More than one colon without brackets: a bare IPv6 address, no port.
  if ((a.match(/:/g) ?? []).length > 1) return { host: a, port: SWARM_PORT };
  const colon = a.lastIndexOf(":");
  if (colon < 0) return { host: a, port: SWARM_PORT };
  const port = a.slice(colon + 1);
  return { host: a.slice(0, colon), port: port === "" ? SWARM_PORT : Number(port) };
}

/** The report-only swarm operations (7.6–7.9): the same gate, then guidance with what is known. */
export function swarmProcessRule(rule: {
  id: string;
  slug: string;
  title: string;
  /** The item's id in the older numbering (`cis-1.13:7.7`). */
  alias: string;
  guidance: string;
  remediation: string;
  /** Why a worker cannot be judged, for items about manager state. */
  managersOnly?: string;
}): Rule<"swarm"> {
  return defineRule({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: 7,
    automated: false,
    level: 1,
    subject: "swarm",
    where: "none",
    aliases: [rule.alias],
    reads: ["active", "state", "isManager", "autolockEnabled", "listenAddr"],
    remediation: rule.remediation,
    check: (s): Verdict =>
      swarmGate(s, rule.managersOnly) ??
      manual(rule.guidance, {
        isManager: s.isManager,
        ...(s.autolockEnabled !== undefined ? { autolockEnabled: s.autolockEnabled } : {}),
        ...(s.listenAddr !== undefined ? { listenAddr: s.listenAddr } : {}),
      }),
  });
}
