import { filePermissionRule } from "../kit/files";

export const tlsKeyPermissions = filePermissionRule({
  id: "3.14",
  slug: "tls-server-key-mode-exactly",
  title: "The TLS server key mode exactly 400",
  level: 1,
  what: "the TLS server key",
  location: "tlsKey",
  typical: "/etc/docker/tls/server-key.pem",
  mode: 0o400,
  exactMode: true,
});
