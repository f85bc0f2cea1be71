import { fileOwnershipRule } from "../kit/files";

export const registryCertFilesOwnership = fileOwnershipRule({
  id: "3.7",
  slug: "registry-certificates-under-etc-docker",
  title: "Registry certificates under /etc/docker/certs.d owned by root:root",
  level: 1,
  what: "registry certificates under /etc/docker/certs.d",
  location: "registryCertFiles",
  typical: "/etc/docker/certs.d/*/*",
  owner: "root",
  group: "root",
});
