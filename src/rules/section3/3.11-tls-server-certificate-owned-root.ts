import { fileOwnershipRule } from "../kit/files";

export const tlsCertOwnership = fileOwnershipRule({
  id: "3.11",
  slug: "tls-server-certificate-owned-root",
  title: "The TLS server certificate owned by root:root",
  level: 1,
  what: "the TLS server certificate",
  location: "tlsCert",
  typical: "/etc/docker/tls/server-cert.pem",
  owner: "root",
  group: "root",
});
