/** Small predicates several rule sections share (one definition each, so sections cannot disagree). */
import { isIPv4, isIPv6 } from "net";
import { parseGoAtoi } from "../facts/normalise";

/**
 * True when a `user[:group]` string runs the process as root. The user part alone decides:
 * `root`, or a numeric UID of zero as runc parses it (Go's Atoi: `0`, `00`, `+0`, `-0`). A root
 * *group* with a non-root user is not root.
 */
export function isRootUser(user: string | undefined): boolean {
  if (user === undefined) return false;
  const trimmed = user.trim();
  const colon = trimmed.indexOf(":");
  const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
  return name === "root" || parseGoAtoi(name) === 0;
}

/** Host address with IPv6 brackets and zone removed. */
export function bareAddress(hostIp: string): string {
  let ip = hostIp.trim();
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  const zone = ip.indexOf("%");
  return zone < 0 ? ip : ip.slice(0, zone);
}

/**
 * An address that binds every interface: empty, `0.0.0.0`, or any spelling of the all-zero
 * IPv6 address (`::`, `[::]`, `::0`, `0:0:…:0`, `::ffff:0.0.0.0`). Interface names are not wildcards.
 */
export function isWildcardAddress(hostIp: string): boolean {
  const ip = bareAddress(hostIp).toLowerCase();
  if (ip === "") return true;
  if (isIPv4(ip)) return ip === "0.0.0.0";
  if (isIPv6(ip)) return /^[0:.]*$/.test(ip) || ip === "::ffff:0.0.0.0";
  return false;
}
