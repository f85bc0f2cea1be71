import type { MountFacts } from "../../facts/types";
import { describeMount } from "../kit/container";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { defineRule } from "../types";

const SHARED_PROPAGATION: Offence<MountFacts> = {
  isBad: (m) => m.propagation === "shared" || m.propagation === "rshared",
  field: (i) => `mounts[${i}].propagation`,
  observed: (m) => m.propagation,
  expected: "private, rprivate, slave or rslave",
  describe: (m) => `${describeMount(m)} propagation ${m.propagation}`,
};

export const noSharedPropagation = defineRule({
  id: "5.20",
  slug: "no-shared-propagation",
  title: "No mount uses shared propagation",
  section: 5,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["mounts"],
  remediation:
    "Use the default (rprivate) or slave propagation: drop `shared`/`rshared` from bind " +
    "options (Pulumi `mounts[].bindOptions.propagation`).",
  check(c) {
    return failOnOffenders(c.mounts, SHARED_PROPAGATION);
  },
});
