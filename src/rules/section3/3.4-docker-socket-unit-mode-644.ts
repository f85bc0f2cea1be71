import { filePermissionRule } from "../kit/files";

export const dockerSocketUnitPermissions = filePermissionRule({
  id: "3.4",
  slug: "docker-socket-unit-mode-644",
  title: "The docker.socket unit mode 644 or stricter",
  level: 1,
  what: "the docker.socket unit",
  location: "dockerSocketUnit",
  typical: "/lib/systemd/system/docker.socket",
  mode: 0o644,
});
