import { filePermissionRule } from "../kit/files";

export const daemonConfigPermissions = filePermissionRule({
  id: "3.18",
  slug: "daemon-config-file-mode-644",
  title: "The daemon config file mode 644 or stricter",
  level: 2,
  what: "the daemon config file",
  location: "daemonConfig",
  typical: "/etc/docker/daemon.json",
  mode: 0o644,
});
