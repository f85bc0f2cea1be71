import { fileOwnershipRule } from "../kit/files";

export const dockerSocketOwnership = fileOwnershipRule({
  id: "3.15",
  slug: "docker-socket-owned-root-docker",
  title: "The Docker socket owned by root:docker",
  level: 1,
  what: "the Docker socket",
  location: "dockerSocket",
  typical: "/var/run/docker.sock",
  owner: "root",
  group: "docker",
});
