import { fileOwnershipRule } from "../kit/files";

export const etcSysconfigDockerOwnership = fileOwnershipRule({
  id: "3.21",
  slug: "etc-sysconfig-docker-owned-root",
  title: "/etc/sysconfig/docker owned by root:root",
  level: 2,
  what: "/etc/sysconfig/docker",
  location: "etcSysconfigDocker",
  typical: "/etc/sysconfig/docker",
  owner: "root",
  group: "root",
});
