import { hostNamespaceRule } from "../kit/container";

export const pidNotHost = hostNamespaceRule({
  id: "5.16",
  slug: "no-host-pid",
  title: "The container does not share the host's PID namespace",
  field: "pidMode",
  remediation: "Remove `--pid host` (Pulumi `pidMode`).",
});
