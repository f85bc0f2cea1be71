import { hostNamespaceRule } from "../kit/container";

export const usernsNotHost = hostNamespaceRule({
  id: "5.31",
  slug: "no-host-userns",
  title: "The container does not share the host's user namespace",
  field: "usernsMode",
  remediation: "Remove `--userns host` (Pulumi `usernsMode`) so the daemon's userns-remap applies.",
});
