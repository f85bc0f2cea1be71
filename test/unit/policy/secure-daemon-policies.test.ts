/**
 * The pack judges the project's own SecureDaemon: its registered inputs are the daemon.json its
 * self-check judged (a weakened one is caught), and its exemptions (engine labels in daemon.json)
 * are honoured exactly as the live audit honours them. That the apply command really writes this
 * daemon.json is hd-component-commands-intact's check (stack-policies.test.ts).
 */
import { installMocks } from "../../harness/pulumi-mocks";
import { analyzeResource, reconcileConfig } from "../../../src/check";
import { NOW } from "../../harness/fixtures";
import { invoke, pack, UNKNOWN } from "../../harness/policy";

installMocks();
// Loaded after installMocks (an import would be hoisted above it).
type SecureDaemonModule = typeof import("../../../src/components/secure-daemon");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planSecureDaemon, secureDaemonInputs } = require("../../../src/components/secure-daemon") as SecureDaemonModule;

const SECURE_DAEMON = "hardened-docker:index:SecureDaemon";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
const connection = {
  host: "10.0.0.5",
  privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nX\n-----END OPENSSH PRIVATE KEY-----\n",
  hostKey: HOST_KEY,
};
const exemption2_12 = {
  rule: "2.12",
  reason: "no authorization plugin packaged for this distribution yet",
  expires: "2027-06-30",
};

/** What `new SecureDaemon("docker-1", args)` registers as its inputs. */
const planned = (args: Record<string, unknown> = {}) => ({
  type: SECURE_DAEMON,
  name: "docker-1",
  props: secureDaemonInputs(
    planSecureDaemon("docker-1", { connection, exemptions: [exemption2_12], ...args }, { now: NOW }),
  ) as unknown as Record<string, unknown>,
});
const edited = (edit: (config: Record<string, unknown>) => void) => {
  const r = planned();
  const config = JSON.parse(r.props.daemonJson as string) as Record<string, unknown>;
  edit(config);
  return { ...r, props: { ...r.props, daemonJson: JSON.stringify(config) } };
};

describe("SecureDaemon in the policy pack", () => {
  const policies = pack({ now: () => NOW });

  it("a planned SecureDaemon passes every daemon policy; its 2.12 exemption excuses 2.12", async () => {
    const result = await analyzeResource(
      policies,
      { ...planned(), urn: `urn:pulumi:t::p::${SECURE_DAEMON}::docker-1` },
      reconcileConfig(policies),
    );
    expect(result.diagnostics.filter((d) => d.policyName !== "hd-exemptions-in-use")).toEqual([]);
    const judged = policies.filter((p) => "validateResource" in p && p.name.startsWith("cis-2.")).length;
    expect(judged).toBeGreaterThan(10);
    expect(result.notApplicable.filter((n) => n.policyName.startsWith("cis-2.")).length).toBeLessThan(judged);
    // The exemptions report names what it excuses.
    const report = await invoke(policies, "hd-exemptions-in-use", planned());
    expect(report.violations[0]).toMatch(
      /SecureDaemon "docker-1": exemption for 2\.12 \(until 2027-06-30, reason: no authorization plugin/,
    );
  });

  it("catches a weakened daemon.json in the component's inputs (e.g. edited by a transformation)", async () => {
    const icc = await invoke(
      policies,
      "cis-2.2-inter-container-traffic-default-bridge",
      edited((c) => (c.icc = true)),
    );
    expect(icc.violations).toHaveLength(1);
    expect(icc.violations[0]).toContain("icc");
    const userns = await invoke(
      policies,
      "cis-2.9-user-namespace-remapping-enabled",
      edited((c) => delete c["userns-remap"]),
    );
    expect(userns.violations).toHaveLength(1);
    // Removing the exemption label makes the missing authorization plugin a violation.
    const noLabel = await invoke(
      policies,
      "cis-2.12-authorization-plugin-guards-client-commands",
      edited((c) => (c.labels = [])),
    );
    expect(noLabel.violations).toHaveLength(1);
  });

  it("an expired exemption excuses nothing", async () => {
    const later = pack({ now: () => new Date("2027-07-01T00:00:00Z") });
    expect(
      (await invoke(later, "cis-2.12-authorization-plugin-guards-client-commands", planned())).violations,
    ).toHaveLength(1);
    const validity = await invoke(later, "hd-exemptions-daemon-valid", planned());
    expect(validity.violations[0]).toMatch(/2\.12.*expired/);
  });

  it("unreadable inputs are a violation naming the resource; unknown ones are reported at preview", async () => {
    const broken = await invoke(policies, "cis-2.2-inter-container-traffic-default-bridge", {
      type: SECURE_DAEMON,
      name: "docker-1",
      props: { daemonJson: "{not json" },
    });
    expect(broken.violations[0]).toMatch(/docker-1/);
    const unknown = await invoke(policies, "cis-2.2-inter-container-traffic-default-bridge", {
      type: SECURE_DAEMON,
      name: "docker-1",
      props: { daemonJson: UNKNOWN, dockerdFlags: [] },
    });
    expect(unknown.unknown?.message).toContain("daemonJson");
  });

  it(
    "a component that refused its arguments (no inputs) is not judged; " +
      "inputs stripped of daemonJson are unreadable, not skipped",
    async () => {
      const refused = await invoke(policies, "cis-2.2-inter-container-traffic-default-bridge", {
        type: SECURE_DAEMON,
        name: "docker-1",
        props: {},
      });
      expect(refused.violations).toEqual([]);
      expect(refused.notApplicable).toContain("its arguments were refused");
      const stripped = await invoke(policies, "cis-2.2-inter-container-traffic-default-bridge", {
        type: SECURE_DAEMON,
        name: "docker-1",
        props: { configFile: "/etc/docker/daemon.json", dockerdFlags: [] },
      });
      expect(stripped.violations[0]).toMatch(/docker-1.*daemonJson/);
    },
  );
});
