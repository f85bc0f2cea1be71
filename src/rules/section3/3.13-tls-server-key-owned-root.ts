import { fileOwnershipRule } from "../kit/files";

export const tlsKeyOwnership = fileOwnershipRule({
  id: "3.13",
  slug: "tls-server-key-owned-root",
  title: "The TLS server key owned by root:root",
  level: 1,
  what: "the TLS server key",
  location: "tlsKey",
  typical: "/etc/docker/tls/server-key.pem",
  owner: "root",
  group: "root",
});
