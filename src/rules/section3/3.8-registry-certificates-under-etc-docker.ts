import { filePermissionRule } from "../kit/files";

export const registryCertFilesPermissions = filePermissionRule({
  id: "3.8",
  slug: "registry-certificates-under-etc-docker",
  title: "Registry certificates under /etc/docker/certs.d mode 444 or stricter",
  level: 1,
  what: "registry certificates under /etc/docker/certs.d",
  location: "registryCertFiles",
  typical: "/etc/docker/certs.d/*/*",
  mode: 0o444,
});
