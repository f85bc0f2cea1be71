/**
 * Linux capabilities a HardenedContainer may add back after dropping ALL (CIS 5.4).
 * SAFE_CAPABILITIES need no exemption: they are in Docker's default set and grant no
 * control over the host, the kernel or other containers. Anything else needs an exemption
 * for 5.4 with a reason.
 */
export const SAFE_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "NET_BIND_SERVICE",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "SETFCAP",
  "SYS_CHROOT",
  "AUDIT_WRITE",
] as const;

/** Capabilities that exist but are only allowed with an exemption for 5.4. */
export const PRIVILEGED_CAPABILITIES = [
  "AUDIT_CONTROL",
  "AUDIT_READ",
  "BLOCK_SUSPEND",
  "BPF",
  "CHECKPOINT_RESTORE",
  "DAC_READ_SEARCH",
  "IPC_LOCK",
  "IPC_OWNER",
  "LEASE",
  "LINUX_IMMUTABLE",
  "MAC_ADMIN",
  "MAC_OVERRIDE",
  "MKNOD",
  "NET_ADMIN",
  "NET_BROADCAST",
  "NET_RAW",
  "PERFMON",
  "SYSLOG",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_MODULE",
  "SYS_NICE",
  "SYS_PACCT",
  "SYS_PTRACE",
  "SYS_RAWIO",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "WAKE_ALARM",
] as const;

export type SafeCapability = (typeof SAFE_CAPABILITIES)[number];
export type Capability = SafeCapability | (typeof PRIVILEGED_CAPABILITIES)[number];
export const ALL_CAPABILITIES: readonly Capability[] = [...SAFE_CAPABILITIES, ...PRIVILEGED_CAPABILITIES];
