import { filePermissionRule } from "../kit/files";

export const etcSysconfigDockerPermissions = filePermissionRule({
  id: "3.22",
  slug: "etc-sysconfig-docker-mode-644",
  title: "/etc/sysconfig/docker mode 644 or stricter",
  level: 2,
  what: "/etc/sysconfig/docker",
  location: "etcSysconfigDocker",
  typical: "/etc/sysconfig/docker",
  mode: 0o644,
});
