import { fileOwnershipRule } from "../kit/files";

export const daemonConfigOwnership = fileOwnershipRule({
  id: "3.17",
  slug: "daemon-config-file-owned-root",
  title: "The daemon config file owned by root:root",
  level: 2,
  what: "the daemon config file",
  location: "daemonConfig",
  typical: "/etc/docker/daemon.json",
  owner: "root",
  group: "root",
});
