import { fileOwnershipRule } from "../kit/files";

export const etcDefaultDockerOwnership = fileOwnershipRule({
  id: "3.19",
  slug: "etc-default-docker-owned-root",
  title: "/etc/default/docker owned by root:root",
  level: 2,
  what: "/etc/default/docker",
  location: "etcDefaultDocker",
  typical: "/etc/default/docker",
  owner: "root",
  group: "root",
});
