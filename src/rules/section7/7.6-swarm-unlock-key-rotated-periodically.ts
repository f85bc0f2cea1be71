import { swarmProcessRule } from "../kit/swarm";

export const unlockKeyRotation = swarmProcessRule({
  id: "7.6",
  slug: "swarm-unlock-key-rotated-periodically",
  alias: "cis-1.13:7.7",
  title: "Swarm unlock key is rotated periodically",
  guidance:
    "Confirm the autolock unlock key is rotated on a schedule (`docker swarm unlock-key " +
    "--rotate`) and the new key stored safely.",
  remediation: "Rotate the unlock key periodically: `docker swarm unlock-key --rotate` on a manager.",
  managersOnly: "the unlock key exists only on managers",
});
