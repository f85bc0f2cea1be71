import { failOnOffenders, type Offence } from "../kit/offenders";
import { fail, pass } from "../kit/verdicts";
import { dropAllCapabilities } from "../kit/container-fixes";
import { defineRule } from "../types";

/** Capability names as the facts carry them: upper-case, no `CAP_` prefix. */
const normaliseCapability = (cap: string): string => cap.trim().toUpperCase().replace(/^CAP_/, "");

/**
 * An allow-list setting, normalised into a set. Kept per list object (the same settings reach
 * every resource) together with a copy of the entries, so a list changed in place is read anew.
 */
const allowSets = new WeakMap<readonly string[], { entries: readonly string[]; set: ReadonlySet<string> }>();

function capabilitySet(list: readonly string[]): ReadonlySet<string> {
  const kept = allowSets.get(list);
  if (kept && kept.entries.length === list.length && kept.entries.every((e, i) => e === list[i])) return kept.set;
  const set = new Set(list.map(normaliseCapability));
  allowSets.set(list, { entries: [...list], set });
  return set;
}

const UNLISTED_CAPABILITY: Offence<string, ReadonlySet<string>> = {
  isBad: (cap, allowed) => cap === "ALL" || !allowed.has(cap),
  field: (i) => `capAdd[${i}]`,
  observed: (cap) => cap,
  expected: (allowed) => `only capabilities in settings.capabilityAllowList (${[...allowed].join(", ") || "none"})`,
  describe: (cap) => `${cap} is not allowed`,
};

export const capabilitiesRestricted = defineRule({
  id: "5.4",
  slug: "restrict-capabilities",
  settings: ["capabilityAllowList"],
  title: "Linux capabilities are dropped to an allow-list",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["privileged", "capDrop", "capAdd"],
  remediation:
    "Drop every capability and add back only allowed ones: `--cap-drop ALL --cap-add " +
    'NET_BIND_SERVICE` (Pulumi `capabilities: { drops: ["ALL"], adds: [...] }`); ' +
    "settings.capabilityAllowList lists what may be added.",
  fix: {
    summary: "drops ALL capabilities and keeps only the additions settings.capabilityAllowList allows",
    // Privileged has every capability whatever the lists say: dropping privileged needs a person.
    container: (inputs, ctx) => {
      if (inputs.privileged === true) return undefined;
      const allowed = capabilitySet(ctx.settings.capabilityAllowList);
      return dropAllCapabilities(inputs, (name) => allowed.has(name));
    },
  },
  check(c, ctx) {
    // ⚠ Privileged grants every capability regardless of CapAdd/CapDrop.
    if (c.privileged) return fail("privileged", true, "false: privileged containers have every capability");
    // ⚠ Looking at CapAdd alone misses the engine's default capability set.
    if (!c.capDrop.includes("ALL")) return fail("capDrop", c.capDrop, "contains ALL");
    if (c.capAdd.length === 0) return pass(); // nothing added back: the allow-list is not consulted
    return failOnOffenders(c.capAdd, UNLISTED_CAPABILITY, capabilitySet(ctx.settings.capabilityAllowList));
  },
});
