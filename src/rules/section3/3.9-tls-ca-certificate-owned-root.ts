import { fileOwnershipRule } from "../kit/files";

export const tlsCaCertOwnership = fileOwnershipRule({
  id: "3.9",
  slug: "tls-ca-certificate-owned-root",
  title: "The TLS CA certificate owned by root:root",
  level: 1,
  what: "the TLS CA certificate",
  location: "tlsCaCert",
  typical: "/etc/docker/tls/ca.pem",
  owner: "root",
  group: "root",
});
