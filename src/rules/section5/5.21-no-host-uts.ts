import { hostNamespaceRule } from "../kit/container";

export const utsNotHost = hostNamespaceRule({
  id: "5.21",
  slug: "no-host-uts",
  title: "The container does not share the host's UTS namespace",
  field: "utsMode",
  remediation: "Remove `--uts host` (the Pulumi docker.Container has no UTS setting, so only other tooling sets it).",
});
