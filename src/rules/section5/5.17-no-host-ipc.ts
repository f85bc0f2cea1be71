import { hostNamespaceRule } from "../kit/container";

export const ipcNotHost = hostNamespaceRule({
  id: "5.17",
  slug: "no-host-ipc",
  title: "The container does not share the host's IPC namespace",
  field: "ipcMode",
  remediation: "Remove `--ipc host` (Pulumi `ipcMode`); use `private` or `shareable`.",
});
