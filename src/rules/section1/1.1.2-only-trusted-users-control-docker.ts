import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const onlyTrustedDockerUsers = defineRule({
  id: "1.1.2",
  slug: "only-trusted-users-control-docker",
  settings: ["trustedDockerUsers"],
  title: "Only trusted users control the Docker daemon",
  section: 1,
  automated: true,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["dockerGroupMembers", "locations.dockerSocket", "files"],
  remediation:
    "Remove untrusted users from the docker group (gpasswd -d USER docker), chown the " +
    "socket to root, or add the user to settings.trustedDockerUsers if they are meant to " +
    "have root-equivalent access.",
  check(h, ctx) {
    const trusted = new Set(ctx.settings.trustedDockerUsers);
    const badMembers = h.dockerGroupMembers.filter((u) => !trusted.has(u));
    const socket = h.locations.dockerSocket;
    const owner = socket !== undefined ? h.files[socket]?.owner : undefined;
    const badOwner = owner !== undefined && !trusted.has(owner) ? owner : undefined;
    if (badMembers.length === 0 && badOwner === undefined) return pass();
    const untrusted = [...new Set([...badMembers, ...(badOwner ? [badOwner] : [])])];
    const expected = `only users in trustedDockerUsers (${[...trusted].join(", ") || "none"})`;
    const parts = [
      ...(badMembers.length ? [`docker group members: ${badMembers.join(", ")}`] : []),
      ...(badOwner ? [`owner of ${socket}: ${badOwner}`] : []),
    ];
    const field = badMembers.length ? "dockerGroupMembers" : `files["${socket}"].owner`;
    return fail(field, untrusted, expected, `untrusted ${parts.join("; ")}`);
  },
});
