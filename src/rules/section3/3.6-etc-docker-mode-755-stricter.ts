import { filePermissionRule } from "../kit/files";

export const etcDockerPermissions = filePermissionRule({
  id: "3.6",
  slug: "etc-docker-mode-755-stricter",
  title: "/etc/docker mode 755 or stricter",
  level: 1,
  what: "/etc/docker",
  location: "etcDocker",
  typical: "/etc/docker",
  mode: 0o755,
});
