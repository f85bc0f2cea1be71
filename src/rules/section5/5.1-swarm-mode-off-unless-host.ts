import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

/** Any state but `inactive` means the node takes part in a swarm (`locked` and `pending` included). */
const swarmEnabled = (s: { active: boolean; state: string }): boolean =>
  s.active || !["", "inactive"].includes(s.state.trim().toLowerCase());

export const swarmModeInactive = defineRule({
  id: "5.1",
  slug: "swarm-mode-off-unless-host",
  settings: ["swarmNeeded"],
  title: "Swarm mode is off unless the host needs it",
  section: 5,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  reads: ["state", "active"],
  remediation:
    "Run `docker swarm leave` on hosts that are not meant to be swarm nodes, or set " +
    "settings.swarmNeeded where swarm is intended.",
  check(s, ctx) {
    if (!swarmEnabled(s)) return pass();
    if (ctx.settings.swarmNeeded) return pass(`swarm is ${s.state} and declared as needed (settings.swarmNeeded)`);
    return fail(
      s.active ? "active" : "state",
      s.active ? s.active : s.state,
      "swarm inactive (swarm is not declared as needed: settings.swarmNeeded is false)",
    );
  },
});
