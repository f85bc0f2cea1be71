import { fileOwnershipRule } from "../kit/files";

export const etcDockerOwnership = fileOwnershipRule({
  id: "3.5",
  slug: "etc-docker-owned-root-root",
  title: "/etc/docker owned by root:root",
  level: 1,
  what: "/etc/docker",
  location: "etcDocker",
  typical: "/etc/docker",
  owner: "root",
  group: "root",
});
