import { fileOwnershipRule } from "../kit/files";

export const dockerSocketUnitOwnership = fileOwnershipRule({
  id: "3.3",
  slug: "docker-socket-unit-owned-root",
  title: "The docker.socket unit owned by root:root",
  level: 1,
  what: "the docker.socket unit",
  location: "dockerSocketUnit",
  typical: "/lib/systemd/system/docker.socket",
  owner: "root",
  group: "root",
});
