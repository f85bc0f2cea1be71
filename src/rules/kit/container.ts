/** What several section 5 (container runtime) rules share. */
import type { MountFacts, PortBinding } from "../../facts/types";
import { bareAddress } from "../predicates";
import { defineRule, type Rule } from "../types";
import { fail, pass } from "./verdicts";

/** A namespace/network mode that joins the host's (`host`, case and blanks ignored). */
export const isHostMode = (mode: string): boolean => mode.trim().toLowerCase() === "host";

/** `127.0.0.1:8080->8080/tcp`, `[::1]:80->80/tcp`, `*:8080->8080/tcp` (all interfaces). */
export function formatPort(p: PortBinding): string {
  const ip = bareAddress(p.hostIp);
  const host = ip === "" ? "*" : ip.includes(":") ? `[${ip}]` : ip;
  return `${host}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

export const describeMount = (m: MountFacts): string =>
  `${m.type} ${m.source || "(none)"} -> ${m.target}${m.readOnly ? " (ro)" : " (rw)"}`;

/** A rule that only forbids joining one host namespace (5.16 PID, 5.17 IPC, 5.21 UTS, 5.31 user). */
export function hostNamespaceRule(rule: {
  id: string;
  slug: string;
  title: string;
  field: "pidMode" | "ipcMode" | "utsMode" | "usernsMode";
  remediation: string;
}): Rule<"container"> {
  const { field } = rule;
  return defineRule({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: 5,
    automated: true,
    level: 1,
    subject: "container",
    where: "both",
    reads: [field],
    remediation: rule.remediation,
    check(c) {
      return isHostMode(c[field])
        ? fail(field, c[field], 'not "host" (a private or container-shared namespace)')
        : pass();
    },
  });
}
