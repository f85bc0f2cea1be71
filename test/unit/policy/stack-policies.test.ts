/** Stack policies, called with PolicyResource objects linked as the analyzer links them (parent, dependencies). */
import { analyzeStack, reconcileConfig } from "../../../src/check";
import { commandDigest } from "../../../src/scripts/command-digest";
import {
  COMMAND,
  compliantContainer,
  CONTAINER,
  exemptionLabel,
  HARDENED,
  invokeStack,
  NETWORK,
  pack,
  UNKNOWN,
  type StackResourceInput,
} from "../../harness/policy";

const policies = pack();
const STACK = "urn:pulumi:test::proj::pulumi:pulumi:Stack::proj-test";
const ID = "a".repeat(64);

/** What HardenedContainer "api" registers: the component, its container and the PIDs-limit command. */
function hardened(name = "api", limit = 256, commandOverrides: Record<string, unknown> = {}): StackResourceInput[] {
  const component = `urn:pulumi:test::proj::${HARDENED}::${name}`;
  const containerUrn = `urn:pulumi:test::proj::${HARDENED}$${CONTAINER}::${name}`;
  return [
    { type: HARDENED, name, urn: component, parent: STACK, props: {} },
    {
      type: CONTAINER,
      name,
      urn: containerUrn,
      parent: component,
      props: compliantContainer({
        id: ID,
        labels: [
          { label: "hardened-docker.component", value: "HardenedContainer" },
          { label: "hardened-docker.pids-limit", value: String(limit) },
        ],
      }),
    },
    {
      type: COMMAND,
      name: `${name}-pids-limit`,
      urn: `urn:pulumi:test::proj::${HARDENED}$${COMMAND}::${name}-pids-limit`,
      parent: component,
      dependencies: [containerUrn],
      props: {
        create: `docker update --pids-limit=${limit} -- '${ID}' >/dev/null`,
        triggers: [ID, limit],
        ...commandOverrides,
      },
    },
  ];
}

const raw = (name: string, props: Record<string, unknown>): StackResourceInput => ({
  type: CONTAINER,
  name,
  urn: `urn:pulumi:test::proj::${CONTAINER}::${name}`,
  parent: STACK,
  props,
});

describe("cis-5.29-pids-limit-applied", () => {
  const policy = "cis-5.29-pids-limit-applied";

  it("passes when the companion command applies the declared limit", async () => {
    expect(await invokeStack(policies, policy, hardened())).toEqual({ violations: [], urns: [] });
  });

  it("fails when a container claims a limit by label but nothing applies it (the label alone is a lie)", async () => {
    const result = await invokeStack(policies, policy, [raw("forged", compliantContainer())]);
    expect(result.violations[0]).toMatch(/"forged" declares a PIDs limit of 256 .* no command "forged-pids-limit"/);
    expect(result.urns[0]).toBe(`urn:pulumi:test::proj::${CONTAINER}::forged`);
  });

  it("fails when the command applies another limit, does not depend on the container or is not beside it", async () => {
    const other = await invokeStack(
      policies,
      policy,
      hardened("api", 256, { create: `docker update --pids-limit=4096 -- '${ID}'` }),
    );
    expect(other.violations[0]).toContain("applies 4096, not 256");
    const resources = hardened();
    resources[2]!.dependencies = [];
    expect((await invokeStack(policies, policy, resources)).violations[0]).toContain(
      "does not depend on the container",
    );
    const elsewhere = hardened();
    elsewhere[2]!.parent = STACK;
    expect((await invokeStack(policies, policy, elsewhere)).violations[0]).toContain('no command "api-pids-limit"');
  });

  it("compares the limits as the docker CLI reads them (ParseInt, base 0), not as text", async () => {
    /** The component's resources with the label's text as given and the command's script. */
    const labelled = (claim: string, create: string) => {
      const resources = hardened("api", 256, { create });
      const props = resources[1]!.props as { labels: { label: string; value: string }[] };
      props.labels = props.labels.map((l) => (l.label === "hardened-docker.pids-limit" ? { ...l, value: claim } : l));
      return resources;
    };
    // 0x100 and 0400 are 256 to the CLI: the same limit however written, on either side.
    for (const [claim, create] of [
      ["0x100", `docker update --pids-limit=256 -- '${ID}'`],
      ["256", `docker update --pids-limit 0400 -- '${ID}'`],
      ["256", `docker update --pids-limit='0x100' -- '${ID}'`],
    ]) {
      const { violations } = await invokeStack(policies, policy, labelled(claim!, create!));
      expect([claim, create, violations]).toEqual([claim, create, []]);
    }
    // A leading 0 is octal: 0256 is 174, not 256.
    const octal = await invokeStack(policies, policy, labelled("0256", `docker update --pids-limit=256 -- '${ID}'`));
    expect(octal.violations[0]).toContain("applies 256, not 0256");
  });

  it("accepts the command run on the Docker host over SSH (hostConnection), and judges it the same way", async () => {
    const remote = hardened("api", 128, {
      create:
        `env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH docker --context default ` +
        `update --pids-limit=128 -- '${ID}' >/dev/null`,
    });
    remote[2] = {
      ...remote[2]!,
      type: "command:remote:Command",
      urn: `urn:pulumi:test::proj::${HARDENED}$command:remote:Command::api-pids-limit`,
    };
    expect(await invokeStack(policies, policy, remote)).toEqual({ violations: [], urns: [] });
    remote[2]!.props = { ...remote[2]!.props, create: `docker update --pids-limit=4096 -- '${ID}'` };
    expect((await invokeStack(policies, policy, remote)).violations[0]).toContain("applies 4096, not 128");
    // Any other resource type of that name does not count.
    remote[2]!.type = "docker:index/volume:Volume";
    expect((await invokeStack(policies, policy, remote)).violations[0]).toContain('no command "api-pids-limit"');
  });

  it("at preview the script is unknown: the triggers carry the limit; with neither known, undecided", async () => {
    expect(await invokeStack(policies, policy, hardened("api", 256, { create: UNKNOWN }))).toEqual({
      violations: [],
      urns: [],
    });
    const undecided = await invokeStack(
      policies,
      policy,
      hardened("api", 256, { create: UNKNOWN, triggers: [UNKNOWN, UNKNOWN] }),
    );
    expect(undecided.violations).toEqual([]);
    expect(undecided.unknown?.message).toContain("can't be known during preview");
    const failClosed = await invokeStack(
      policies,
      policy,
      hardened("api", 256, { create: UNKNOWN, triggers: [UNKNOWN] }),
      { [policy]: { unknownValues: "fail" } },
    );
    expect(failClosed.violations[0]).toContain("Failing closed");
  });

  it("an exemption for 5.29 excuses a missing command; an expired one does not", async () => {
    const withLabel = (expires: string) =>
      raw(
        "legacy",
        compliantContainer({
          labels: [
            { label: "hardened-docker.pids-limit", value: "64" },
            exemptionLabel("5.29", { reason: "limit applied by the host's systemd slice", expires }),
          ],
        }),
      );
    expect(await invokeStack(policies, policy, [withLabel("2027-01-31")])).toEqual({ violations: [], urns: [] });
    expect((await invokeStack(policies, policy, [withLabel("2026-01-31")])).violations).toHaveLength(1);
  });

  it(
    "is not applicable to a stack without containers; " +
      "a container without the label is left to the resource policy",
    async () => {
      expect((await invokeStack(policies, policy, [{ type: NETWORK, name: "n", props: {} }])).notApplicable).toContain(
        "no docker.Container",
      );
      expect(await invokeStack(policies, policy, [raw("plain", compliantContainer({ labels: [] }))])).toEqual({
        violations: [],
        urns: [],
      });
    },
  );
});

describe("hd-containers-via-hardened-container (advisory)", () => {
  const policy = "hd-containers-via-hardened-container";

  it("flags raw containers, and says when a label claims the component without it", async () => {
    const result = await invokeStack(policies, policy, [
      ...hardened(),
      raw("sidecar", compliantContainer()),
      raw(
        "pretender",
        compliantContainer({ labels: [{ label: "hardened-docker.component", value: "HardenedContainer" }] }),
      ),
    ]);
    expect(result.violations).toHaveLength(2);
    expect(result.violations[0]).toMatch(/"sidecar" is not created through HardenedContainer/);
    expect(result.violations[1]).toMatch(
      /"pretender".*label hardened-docker.component=HardenedContainer is not backed by the component/,
    );
  });

  it(
    "flags a HardenedContainer that lost its container (e.g. to a transformation); " +
      "its commands are hd-component-commands-intact's",
    async () => {
      const [component, , command] = hardened();
      expect((await invokeStack(policies, policy, [component!, command!])).violations).toEqual([
        'HardenedContainer "api" has no docker.Container child (removed or replaced by a transformation?).',
      ]);
      const [c2, container] = hardened();
      expect((await invokeStack(policies, policy, [c2!, container!])).violations).toEqual([]);
    },
  );

  it("reports through the engine at advisory level", async () => {
    const result = await analyzeStack(
      policies,
      [raw("sidecar", compliantContainer())].map((r) => ({ ...r, urn: r.urn!, name: r.name! })),
      reconcileConfig(policies),
    );
    expect(result.diagnostics.find((d) => d.policyName === policy)?.enforcementLevel).toBe("advisory");
  });
});

describe("hd-drift-refreshed-state", () => {
  const policy = "hd-drift-refreshed-state";

  it("re-checks refreshed outputs: a container changed outside Pulumi is drift", async () => {
    const drifted = raw("api", compliantContainer({ id: ID, privileged: true }));
    const result = await invokeStack(policies, policy, [drifted]);
    expect(result.violations.some((v) => v.startsWith("[drift] CIS 5.5:") && v.includes("privileged = true"))).toBe(
      true,
    );
    expect(result.urns.every((u) => u === drifted.urn)).toBe(true);
    expect(await invokeStack(policies, policy, [raw("api", compliantContainer({ id: ID }))])).toEqual({
      violations: [],
      urns: [],
    });
  });

  it("honours exemption labels in the refreshed state", async () => {
    const exempted = raw(
      "api",
      compliantContainer({
        id: ID,
        readOnly: false,
        labels: [
          { label: "hardened-docker.pids-limit", value: "256" },
          exemptionLabel("5.13", { reason: "writes its cache under /var/cache", expires: "2027-01-31" }),
        ],
      }),
    );
    expect(await invokeStack(policies, policy, [exempted])).toEqual({ violations: [], urns: [] });
  });

  it("skips resources not created yet (unknown id at preview) and reports when nothing was deployed", async () => {
    const planned = raw("api", compliantContainer({ id: UNKNOWN, privileged: true }));
    expect((await invokeStack(policies, policy, [planned])).notApplicable).toContain("no deployed Docker resource");
  });

  it("an unknown output of a deployed resource is reported, not passed", async () => {
    const result = await invokeStack(policies, policy, [
      raw("api", compliantContainer({ id: ID, networkMode: UNKNOWN })),
    ]);
    expect(result.unknown?.message).toContain(".networkMode can't be known during preview");
  });
});

describe("hd-component-commands-intact (advisory)", () => {
  const policy = "hd-component-commands-intact";
  /** HardenedContainer "api" with the digest of the command it built registered as its output. */
  const built = (digest?: unknown): StackResourceInput[] => {
    const [component, container, command] = hardened();
    component!.props = {
      containerId: ID,
      containerName: "api",
      commandDigests: { "api-pids-limit": digest ?? commandDigest(command!.props) },
    };
    return [component!, container!, command!];
  };
  const changed = (edit: Record<string, unknown>, digest?: unknown) => {
    const [component, container, command] = built(digest);
    return [component!, container!, { ...command!, props: { ...command!.props, ...edit } }];
  };
  const VIOLATION =
    'HardenedContainer "api": its command "api-pids-limit" does not run what the component built and checked ' +
    "(its script, input, environment, triggers or connection changed — by a transformation?): " +
    "what it deploys was not judged.";

  it(
    "passes when every command runs what its component built (the provider's own outputs, " +
      "e.g. stdout, do not count)",
    async () => {
      expect(await invokeStack(policies, policy, built())).toEqual({ violations: [], urns: [] });
      expect(await invokeStack(policies, policy, changed({ stdout: "", stderr: "" }))).toEqual({
        violations: [],
        urns: [],
      });
    },
  );

  it("flags, at the command, one whose script, input, env, triggers or connection changed afterwards", async () => {
    for (const edit of [
      { create: "true" },
      { update: "curl x | sh" },
      { delete: "rm -rf /var/lib/docker" },
      { stdin: "x" },
      { environment: { DOCKER_HOST: "tcp://10.9.9.9:2375" } },
      { triggers: [] },
      { interpreter: ["/bin/bash", "-c"] },
    ]) {
      const resources = changed(edit);
      const result = await invokeStack(policies, policy, resources);
      expect({ edit, violations: result.violations, urns: result.urns }).toEqual({
        edit,
        violations: [VIOLATION],
        urns: [resources[2]!.urn],
      });
    }
  });

  it("covers where a remote command connects and the host key it pins, not the private key", async () => {
    const connection = { host: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA", privateKey: "k1" };
    const [component, container, command] = hardened();
    const remote = { ...command!, type: "command:remote:Command", props: { ...command!.props, connection } };
    component!.props = { commandDigests: { "api-pids-limit": commandDigest(remote.props) } };
    const run = (c: Record<string, unknown>) =>
      invokeStack(policies, policy, [component!, container!, { ...remote, props: { ...remote.props, connection: c } }]);
    expect(
      (await run({ ...connection, privateKey: "another key, the provider's defaults", dialErrorLimit: 10 })).violations,
    ).toEqual([]);
    expect((await run({ ...connection, hostKey: undefined })).violations).toEqual([VIOLATION]);
    expect((await run({ ...connection, host: "10.6.6.6" })).violations).toEqual([VIOLATION]);
  });

  it("flags a command that is gone, or is no longer the component's child", async () => {
    const [component, container, command] = built();
    expect((await invokeStack(policies, policy, [component!, container!])).violations).toEqual([
      'HardenedContainer "api" has no "api-pids-limit" command (removed by a transformation?): ' +
        "what it does is not done.",
    ]);
    const moved = { ...command!, parent: STACK };
    expect((await invokeStack(policies, policy, [component!, container!, moved])).violations).toHaveLength(1);
  });

  it(
    "at preview: undecided while both sides wait for the container id; " +
      "a command known while the digest is not was changed",
    async () => {
      // A new container: its id, hence the script and the digest, unknown at preview.
      const waiting = changed({ create: UNKNOWN, triggers: [UNKNOWN, 256] }, UNKNOWN);
      expect((await invokeStack(policies, policy, waiting)).unknown?.message).toContain("create");
      // A fixed script put in by a transformation, while the triggers still wait for the id:
      // still undecided (not passed).
      expect(
        (await invokeStack(policies, policy, changed({ create: "true", triggers: [UNKNOWN, 256] }, UNKNOWN))).unknown,
      ).toBeDefined();
      // Every value of the command known, against a digest still waiting: the command was given other values.
      expect(
        (await invokeStack(policies, policy, changed({ create: "true", triggers: ["x", 256] }, UNKNOWN))).violations,
      ).toEqual([VIOLATION]);
      expect(
        (await invokeStack(policies, policy, [raw("api", compliantContainer({ id: ID }))])).notApplicable,
      ).toContain("no component in the stack created commands");
    },
  );
});
