import { fileOwnershipRule } from "../kit/files";

export const dockerServiceUnitOwnership = fileOwnershipRule({
  id: "3.1",
  slug: "docker-service-unit-owned-root",
  title: "The docker.service unit owned by root:root",
  level: 1,
  what: "the docker.service unit",
  location: "dockerServiceUnit",
  typical: "/lib/systemd/system/docker.service",
  owner: "root",
  group: "root",
});
