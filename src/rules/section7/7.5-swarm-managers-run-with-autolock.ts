import { swarmGate } from "../kit/swarm";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const autolock = defineRule({
  id: "7.5",
  slug: "swarm-managers-run-with-autolock",
  title: "Swarm managers run with autolock",
  section: 7,
  automated: true,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.6"],
  reads: ["active", "state", "isManager", "autolockEnabled"],
  remediation:
    "Enable autolock: `docker swarm update --autolock=true` (or `docker swarm init " +
    "--autolock`), and keep the unlock key offline.",
  check(s) {
    // Only an autolocked swarm can be in the `locked` state.
    if (s.state === "locked") return pass("the node is locked: autolock is enabled");
    const gate = swarmGate(s, "autolock protects the managers' Raft keys, which workers do not hold");
    if (gate) return gate;
    if (s.autolockEnabled === true) return pass();
    return fail(
      "autolockEnabled",
      s.autolockEnabled ?? null,
      "true",
      s.autolockEnabled === undefined ? "autolock not set: swarm defaults to autolock disabled" : undefined,
    );
  },
});
