import { filePermissionRule } from "../kit/files";

export const tlsCertPermissions = filePermissionRule({
  id: "3.12",
  slug: "tls-server-certificate-mode-444",
  title: "The TLS server certificate mode 444 or stricter",
  level: 1,
  what: "the TLS server certificate",
  location: "tlsCert",
  typical: "/etc/docker/tls/server-cert.pem",
  mode: 0o444,
});
