/**
 * Every resource policy of the pack, called as the engine calls it, in the same five situations:
 * passing, failing, exempted, expired exemption, and inputs unknown at preview. A table gives,
 * per rule, the one input change that breaks it; the rest is generated, so a rule added to the
 * catalog without a row here fails the completeness test.
 */
import {
  CONTAINER_INPUT_FIELDS,
  NETWORK_INPUT_FIELDS,
  PROVIDER_INPUT_FIELDS,
  SECURE_DAEMON_INPUT_FIELDS,
} from "../../../src/adapters/pulumi-resources";
import { policyMeta } from "../../../src/policy";
import { SECURE_DAEMON_TYPE } from "../../../src/adapters/pulumi-tokens";
import { readRoots } from "../../../src/policy/resources";
import type { AnyRule } from "../../../src/rules/types";
import { COMPLIANT_DAEMON_JSON } from "../../harness/fixtures";
import {
  compliantContainer,
  CONTAINER,
  exemptionLabel,
  invoke,
  NETWORK,
  pack,
  PROVIDER,
  UNKNOWN,
} from "../../harness/policy";

const policies = pack();
const FUTURE = "2027-01-31";
const PAST = "2026-10-31";
const REASON = "documented operational need for this service";

interface Row {
  type: string;
  base: Record<string, unknown>;
  /** The input change that breaks the rule; null = this resource type cannot break it. */
  breaks: Record<string, unknown> | null;
}

const container = (breaks: Record<string, unknown> | null): Row => ({
  type: CONTAINER,
  base: compliantContainer(),
  breaks,
});
const network = (breaks: Record<string, unknown> | null): Row => ({
  type: NETWORK,
  base: { name: "backend", driver: "overlay", options: { encrypted: "" } },
  breaks,
});
const PROVIDER_OK = { host: "tcp://10.0.0.12:2376", caMaterial: "CA", certMaterial: "CERT", keyMaterial: "KEY" };
/** A compliant daemon.json as SecureDaemon writes it (its registered inputs: SecureDaemonInputs). */
const DAEMON_OK: Record<string, unknown> = { ...COMPLIANT_DAEMON_JSON, labels: [] };
const daemonInputs = (config: Record<string, unknown>) => ({
  daemonJson: JSON.stringify(config),
  configFile: "/etc/docker/daemon.json",
  dockerdFlags: [],
});
/** `undefined` removes a daemon.json key. */
const daemon = (breaks: Record<string, unknown> | null): Row => ({
  type: SECURE_DAEMON_TYPE,
  base: daemonInputs(DAEMON_OK),
  breaks: breaks && { daemonJson: daemonInputs({ ...DAEMON_OK, ...breaks }).daemonJson },
});

const ROWS: Record<string, Row> = {
  "2.1": daemon({ "userns-remap": undefined }),
  "2.2": daemon({ icc: true }),
  "2.3": daemon({ "log-level": "debug" }),
  "2.4": daemon({ iptables: false }),
  "2.5": daemon({ "insecure-registries": ["10.0.0.9:5000"] }),
  "2.6": daemon({ "storage-driver": "aufs" }),
  "2.7": {
    type: PROVIDER,
    base: PROVIDER_OK,
    breaks: { caMaterial: undefined, certMaterial: undefined, keyMaterial: undefined },
  }, // SecureDaemon: test/unit/policy/secure-daemon-policies.test.ts
  "2.8": daemon({ "default-ulimits": { nofile: { Name: "nofile", Soft: 1048576, Hard: 1048576 } } }),
  "2.9": daemon({ "userns-remap": undefined }),
  "2.10": daemon({ "cgroup-parent": "/custom" }),
  "2.11": daemon({ "storage-opts": ["dm.basesize=20G"] }),
  "2.12": daemon({ "authorization-plugins": [] }),
  "2.13": daemon({ "log-driver": "json-file" }),
  "2.14": daemon({ "no-new-privileges": false }),
  "2.15": daemon({ "live-restore": false }),
  "2.16": daemon({ "userland-proxy": true }),
  // a custom profile: a question; unconfined fails outright
  "2.17": daemon({ "seccomp-profile": "/etc/docker/seccomp-custom.json" }),
  "2.18": daemon({ experimental: true }),
  "hd-selinux-enabled": daemon({ "selinux-enabled": false }),
  "hd-exemptions-daemon": daemon({ labels: ["hardened-docker.exemption.2.2={not json"] }),
  "4.1": container({ user: "0:0" }),
  "4.2": container({ image: "docker.io/someone/tool:1" }),
  "4.5": container({ image: "registry.example.com/team/api:1.0" }),
  "4.6": container({ healthcheck: undefined }),
  "5.2": container({ securityOpts: ["no-new-privileges:true", "apparmor=unconfined"] }),
  "5.3": container({ securityOpts: ["no-new-privileges:true", "label=disable"] }),
  "5.4": container({ capabilities: { drops: [], adds: [] } }),
  "5.5": container({ privileged: true }),
  "5.6": container({ volumes: [{ hostPath: "/boot", containerPath: "/boot" }] }),
  "5.8": container({ ports: [{ internal: 22, external: 22, ip: "127.0.0.1" }] }),
  "5.9": container({
    ports: [
      { internal: 8080, external: 18080, ip: "127.0.0.1" },
      { internal: 9000, external: 19000, ip: "127.0.0.1" },
    ],
  }),
  "5.10": container({ networkMode: "host", networksAdvanced: [] }),
  "5.11": container({ memory: 0 }),
  "5.12": container({ cpus: undefined }),
  "5.13": container({ readOnly: false }),
  "5.14": container({ ports: [{ internal: 8080, external: 18080, ip: "::" }] }),
  "5.15": container({ restart: "on-failure", maxRetryCount: 0 }),
  "5.16": container({ pidMode: "host" }),
  "5.17": container({ ipcMode: "host" }),
  "5.18": container({ devices: [{ hostPath: "/dev/fuse" }] }),
  "5.19": container({ ulimits: [{ name: "nofile", soft: 1024, hard: 2048 }] }),
  "5.20": container({
    mounts: [{ type: "bind", source: "/srv", target: "/srv", readOnly: true, bindOptions: { propagation: "shared" } }],
  }),
  "5.21": container(null), // @pulumi/docker cannot set the UTS namespace
  "5.22": container({ securityOpts: ["no-new-privileges:true", "seccomp:unconfined"] }),
  "5.25": container({ cgroupParent: "/docker-custom" }),
  "5.26": container({ securityOpts: ["no-new-privileges=false"] }),
  "5.27": container({ healthcheck: undefined }),
  "5.28": container({ image: "registry.example.com/team/api:1.0" }),
  "5.29": container({ labels: [] }),
  "5.30": container({ networkMode: undefined, networksAdvanced: [] }),
  "5.31": container({ usernsMode: "host" }),
  "5.32": container({ mounts: [{ type: "bind", source: "/run", target: "/host-run", readOnly: true }] }),
  "7.3": network({ options: {} }),
  "hd-exemptions": container({
    labels: [{ label: "hardened-docker.pids-limit", value: "256" }, exemptionLabel("5.13", { reason: "short" })],
  }),
  "hd-exemptions-network": network({ labels: [exemptionLabel("7.3", "{not json")] }),
};

const FIELDS: Record<string, Readonly<Record<string, readonly string[]>>> = {
  [CONTAINER]: CONTAINER_INPUT_FIELDS,
  [NETWORK]: NETWORK_INPUT_FIELDS,
  [PROVIDER]: PROVIDER_INPUT_FIELDS,
  [SECURE_DAEMON_TYPE]: SECURE_DAEMON_INPUT_FIELDS,
};

const rulePolicies = policies
  .filter((p) => policyMeta(p)?.kind === "rule")
  .map((p) => ({ name: p.name, rule: policyMeta(p)!.rule! }));

/** Apply overrides; `undefined` removes an input, and labels merge (the PIDs-limit label stays unless replaced). */
function props(row: Row, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row.base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The resource with an exemption label added: a label input, or an engine label in SecureDaemon's daemon.json. */
function withLabel(
  row: Row,
  overrides: Record<string, unknown>,
  label: { label: string; value: string },
): Record<string, unknown> {
  const p = props(row, overrides);
  if (row.type === SECURE_DAEMON_TYPE) {
    const config = JSON.parse(p.daemonJson as string) as { labels?: string[] };
    config.labels = [...(config.labels ?? []), `${label.label}=${label.value}`];
    return { ...p, daemonJson: JSON.stringify(config) };
  }
  p.labels = [...((p.labels as unknown[]) ?? []), label];
  return p;
}

/** Manual rules whose compliant baseline is a plain pass. */
const MANUAL_THAT_CAN_PASS = new Set(["2.17"]);

const VALIDITY_POLICY: Record<string, string> = {
  [NETWORK]: "hd-exemptions-network-valid",
  [SECURE_DAEMON_TYPE]: "hd-exemptions-daemon-valid",
};

/** Inputs whose value the rule reads (through the adapter's input → fact table). */
function inputsRead(rule: AnyRule, type: string): string[] {
  const roots = readRoots(rule) ?? [];
  return Object.entries(FIELDS[type]!)
    .filter(([, facts]) => facts.some((f) => roots.includes(f)))
    .map(([input]) => input);
}

const cases = rulePolicies.map(({ name, rule }) => [name, rule] as const);

it("has a row for every rule policy of the pack", () => {
  expect(rulePolicies.map((p) => p.rule.id).sort()).toEqual(Object.keys(ROWS).sort());
});

describe.each(cases)("%s", (name, rule) => {
  const row = ROWS[rule.id]!;
  const call = (p: Record<string, unknown>, config?: Record<string, Record<string, unknown>>) =>
    invoke(policies, name, { type: row.type, name: "subject", props: p }, config);
  const manualOn = { [name]: { reportManual: true } };

  it("passes on the compliant baseline (config defaults applied)", async () => {
    const result = await call(props(row), rule.automated ? undefined : manualOn);
    // A manual item is a question (asked only with reportManual), unless the data settles it (2.17's default profile).
    if (rule.automated || MANUAL_THAT_CAN_PASS.has(rule.id)) expect(result).toEqual({ violations: [] });
    else expect(result).toEqual({ violations: [expect.stringMatching(/^\[manual review\]/)] });
  });

  if (row.breaks) {
    it("fails when its input breaks it", async () => {
      const result = await call(props(row, row.breaks!), rule.automated ? undefined : manualOn);
      expect(result.violations).toHaveLength(1);
      if (!rule.automated) expect(result.violations[0]).toMatch(/^\[manual review\]/);
    });

    if (rule.automated && row.type !== PROVIDER && !rule.id.startsWith("hd-exemptions")) {
      it("a valid exemption label excuses the failure", async () => {
        expect(
          await call(withLabel(row, row.breaks!, exemptionLabel(rule.id, { reason: REASON, expires: FUTURE }))),
        ).toEqual({ violations: [] });
      });

      it("an expired exemption excuses nothing (and the exemption policy reports it)", async () => {
        const p = withLabel(row, row.breaks!, exemptionLabel(rule.id, { reason: REASON, expires: PAST }));
        expect((await call(p)).violations).toHaveLength(1);
        const validity = VALIDITY_POLICY[row.type] ?? "hd-exemptions-valid";
        expect((await invoke(policies, validity, { type: row.type, props: p })).violations[0]).toContain(
          `expired on ${PAST}`,
        );
      });
    }
  }

  it("is undecided, never a silent pass, when what it reads is unknown at preview", async () => {
    const inputs = inputsRead(rule, row.type);
    const p = props(row, row.breaks ?? {});
    for (const input of inputs) p[input] = UNKNOWN;
    const result = await call(p);
    if (inputs.length === 0) {
      expect(result).toEqual({ violations: [] }); // nothing it reads can be unknown (5.21)
      return;
    }
    expect(result.violations).toEqual([]);
    expect(result.unknown?.message).toMatch(/value at \.\w+ can't be known during preview/);
    const failClosed = await call(p, { [name]: { unknownValues: "fail" } });
    expect(failClosed.violations[0]).toContain("Failing closed");
  });

  it("throws notApplicable for a resource type it does not judge", async () => {
    const foreign =
      row.type === CONTAINER
        ? { type: NETWORK, props: { name: "n" } }
        : { type: CONTAINER, props: compliantContainer() };
    expect((await invoke(policies, name, foreign)).notApplicable).toMatch(/only applies to/);
  });
});
