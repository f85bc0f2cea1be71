import { swarmGate } from "../kit/swarm";
import { manual } from "../kit/verdicts";
import { defineRule } from "../types";

export const swarmSecrets = defineRule({
  id: "7.4",
  slug: "swarm-secrets-hold-service-secrets",
  title: "Swarm secrets hold service secrets",
  section: 7,
  automated: false,
  level: 1,
  subject: "swarm",
  where: "both",
  aliases: ["cis-1.13:7.5"],
  reads: ["active", "state"],
  remediation:
    "Store credentials with `docker secret create` and grant them to services with " +
    "`--secret`, instead of environment variables, images or bind-mounted files.",
  check(s) {
    return (
      swarmGate(s) ??
      manual(
        "Check that services receive credentials as swarm secrets (`docker secret ls`, " +
          "`docker service inspect`), not through environment variables, images or bind mounts.",
      )
    );
  },
});
