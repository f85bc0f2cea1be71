import { filePermissionRule } from "../kit/files";

export const etcDefaultDockerPermissions = filePermissionRule({
  id: "3.20",
  slug: "etc-default-docker-mode-644",
  title: "/etc/default/docker mode 644 or stricter",
  level: 2,
  what: "/etc/default/docker",
  location: "etcDefaultDocker",
  typical: "/etc/default/docker",
  mode: 0o644,
});
