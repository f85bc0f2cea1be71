/**
 * The daemon's field map: each DaemonFacts field ↔ the SecureDaemon argument that sets it ↔ the
 * daemon.json key(s) it is read from (dockerd's flags set the same keys; see
 * adapters/daemon-config) ↔ SecureDaemon's registered inputs (daemon.json as judged, and the
 * flags: every field comes from both). The live audit reads daemon.json and dockerd's command line
 * on the host, not the Engine API. (The Docker provider tells a few of these fields: ./provider.)
 */
import type { DaemonFacts } from "../facts/types";
import type { FieldSources, FieldTable } from "./types";

/** SecureDaemon's registered inputs (SecureDaemonInputs) that feed every configuration field. */
const CONFIG: FieldSources["inputs"] = ["daemonJson", "dockerdFlags"];

/** Every DaemonFacts field, in the facts' order. */
export const DAEMON_FIELDS = {
  kind: {},
  origin: {},
  source: { inputs: ["configFile"] },
  rootless: { inputs: CONFIG, daemonJson: ["rootless"] },
  icc: { arguments: ["icc"], inputs: CONFIG, daemonJson: ["icc"] },
  logLevel: { arguments: ["logLevel"], inputs: CONFIG, daemonJson: ["log-level", "debug"] },
  iptables: { arguments: ["iptables"], inputs: CONFIG, daemonJson: ["iptables"] },
  insecureRegistries: { arguments: ["insecureRegistries"], inputs: CONFIG, daemonJson: ["insecure-registries"] },
  storageDriver: { arguments: ["storageDriver"], inputs: CONFIG, daemonJson: ["storage-driver"] },
  hosts: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["hosts"] },
  tls: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["tls", "tlsverify"] },
  tlsVerify: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["tlsverify"] },
  tlsCaCert: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["tlscacert"] },
  tlsCert: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["tlscert"] },
  tlsKey: { arguments: ["tls"], inputs: CONFIG, daemonJson: ["tlskey"] },
  defaultUlimits: { arguments: ["defaultUlimits"], inputs: CONFIG, daemonJson: ["default-ulimits"] },
  usernsRemap: { arguments: ["usernsRemap"], inputs: CONFIG, daemonJson: ["userns-remap"] },
  cgroupParent: { arguments: ['extraConfig["cgroup-parent"]'], inputs: CONFIG, daemonJson: ["cgroup-parent"] },
  storageOpts: { arguments: ['extraConfig["storage-opts"]'], inputs: CONFIG, daemonJson: ["storage-opts"] },
  authorizationPlugins: {
    arguments: ["authorizationPlugins"],
    inputs: CONFIG,
    daemonJson: ["authorization-plugins"],
  },
  logDriver: { arguments: ["logDriver"], inputs: CONFIG, daemonJson: ["log-driver"] },
  logOpts: { arguments: ["logOpts"], inputs: CONFIG, daemonJson: ["log-opts"] },
  noNewPrivileges: { arguments: ["noNewPrivileges"], inputs: CONFIG, daemonJson: ["no-new-privileges"] },
  liveRestore: { arguments: ["liveRestore"], inputs: CONFIG, daemonJson: ["live-restore"] },
  userlandProxy: { arguments: ["userlandProxy"], inputs: CONFIG, daemonJson: ["userland-proxy"] },
  seccompProfile: { arguments: ["seccompProfile"], inputs: CONFIG, daemonJson: ["seccomp-profile"] },
  experimental: { arguments: ["experimental"], inputs: CONFIG, daemonJson: ["experimental"] },
  selinuxEnabled: { arguments: ["selinuxEnabled"], inputs: CONFIG, daemonJson: ["selinux-enabled"] },
  dataRoot: { arguments: ["dataRoot"], inputs: CONFIG, daemonJson: ["data-root"] },
  // Engine labels carry the exemptions (and the labels argument's own).
  labels: { arguments: ["exemptions", "labels"], inputs: CONFIG, daemonJson: ["labels"] },
  // Any other daemon.json key, verbatim.
  extra: { arguments: ["extraConfig"], inputs: CONFIG },
} as const satisfies FieldTable<DaemonFacts>;
