import { isTcpListener } from "../kit/daemon";
import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const tcpNeedsTls = defineRule({
  id: "2.7",
  slug: "tcp-requires-tls",
  severity: "critical",
  title: "Every TCP listener requires TLS client verification",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  aliases: ["cis-1.8:2.8"],
  reads: ["hosts", "tlsVerify", "tlsCaCert", "tlsCert", "tlsKey"],
  remediation:
    'Listen on TCP only with "tlsverify": true and "tlscacert", "tlscert", "tlskey" set ' +
    "in daemon.json (or --tlsverify --tlscacert … --tlscert … --tlskey …); otherwise keep " +
    "only the unix socket.",
  check(d) {
    const tcp = d.hosts.filter(isTcpListener);
    if (tcp.length === 0) return pass(d.hosts.length === 0 ? "only the default unix socket" : "no TCP listener");
    const detail = `TCP listener(s): ${tcp.join(", ")}`;
    // `tls` without `tlsverify` encrypts but accepts any client: still unauthenticated.
    if (!d.tlsVerify) return fail("tlsVerify", d.tlsVerify, "true on a daemon listening on TCP", detail);
    // Unset paths fall back to ~/.docker/*.pem of the daemon's user: require them explicitly, so
    // 3.9–3.14 can check their ownership and modes.
    const missing = (["tlsCaCert", "tlsCert", "tlsKey"] as const).filter((k) => !d[k]?.trim());
    if (missing.length > 0)
      return fail(missing[0]!, d[missing[0]!] ?? null, `set (missing: ${missing.join(", ")})`, detail);
    return pass(detail + " with TLS client verification");
  },
});
