import { filePermissionRule } from "../kit/files";

export const containerdSocketPermissions = filePermissionRule({
  id: "3.24",
  slug: "containerd-socket-mode-660-stricter",
  title: "The containerd socket mode 660 or stricter",
  level: 1,
  what: "the containerd socket",
  location: "containerdSocket",
  typical: "/run/containerd/containerd.sock",
  mode: 0o660,
});
