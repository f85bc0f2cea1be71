import { filePermissionRule } from "../kit/files";

export const tlsCaCertPermissions = filePermissionRule({
  id: "3.10",
  slug: "tls-ca-certificate-mode-444",
  title: "The TLS CA certificate mode 444 or stricter",
  level: 1,
  what: "the TLS CA certificate",
  location: "tlsCaCert",
  typical: "/etc/docker/tls/ca.pem",
  mode: 0o444,
});
