import { filePermissionRule } from "../kit/files";

export const dockerSocketPermissions = filePermissionRule({
  id: "3.16",
  slug: "docker-socket-mode-660-stricter",
  title: "The Docker socket mode 660 or stricter",
  level: 1,
  what: "the Docker socket",
  location: "dockerSocket",
  typical: "/var/run/docker.sock",
  mode: 0o660,
});
