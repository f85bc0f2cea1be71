/** What several section 2 (daemon configuration) rules share. */
import type { DaemonFacts } from "../../facts/types";
import type { Verdict } from "../types";
import { fail, pass } from "./verdicts";

/** Listener schemes that are not reachable over the network (`fd://` = systemd socket activation). */
const LOCAL_LISTENER = /^(unix|fd|npipe):\/\//i;

/**
 * A listener dockerd serves over TCP. dockerd reads an address without a scheme
 * (`0.0.0.0:2375`, `:2375`) as TCP, so anything that is not unix/fd/npipe counts;
 * an empty entry means the default unix socket.
 */
export function isTcpListener(host: string): boolean {
  const h = host.trim();
  return h !== "" && !LOCAL_LISTENER.test(h);
}

/**
 * A check that the daemon does not use a storage driver Docker removed (2.6 aufs, 2.6.1
 * devicemapper). No driver configured passes: dockerd picks a supported one.
 */
export function storageDriverIsNot(driver: string, removedIn: string): (d: DaemonFacts) => Verdict {
  return (d) => {
    const configured = d.storageDriver?.trim().toLowerCase();
    if (configured === undefined || configured === "")
      return pass(`no storage driver configured: dockerd picks one (${driver} was removed in ${removedIn})`);
    return configured === driver
      ? fail("storageDriver", d.storageDriver, `a driver other than ${driver} (overlay2)`)
      : pass();
  };
}
