import { filePermissionRule } from "../kit/files";

export const dockerServiceUnitPermissions = filePermissionRule({
  id: "3.2",
  slug: "docker-service-unit-mode-644",
  title: "The docker.service unit mode 644 or stricter",
  level: 1,
  what: "the docker.service unit",
  location: "dockerServiceUnit",
  typical: "/lib/systemd/system/docker.service",
  mode: 0o644,
});
