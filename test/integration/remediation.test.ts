/**
 * The pack's fixes hold on a real engine (issue #19 item 5): examples/insecure's containers, as
 * `check --fix` fixes them, are created and started on the test engine from the provider's create
 * body (engineCreateBody), read back as the live audit reads them, and judged: every rule a fix was
 * applied for passes live — while the same containers as written, created beside them, fail it.
 *
 * Localised for this machine as the verdict corpus is: the local test image running `sleep`, names
 * unique to this run, a user-defined network of this run for the example's `backend`, the test
 * engine's own socket for the docker socket bind, a volume of this run for redis's data.
 */
import * as path from "path";
import { checkProgram } from "../../src/policy/check";
import { engineResources } from "../../src/policy/program";
import { fixResource } from "../../src/policy/remediation";
import { DOCKER_CONTAINER } from "../../src/policy/resources";
import { ruleById } from "../../src/rules/catalog";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../../src/rules/types";
import { NOW } from "../harness/fixtures";
import {
  cleanupEngineObjects,
  containerFacts,
  createContainer,
  createNetwork,
  docker,
  engineSocketPath,
  removeVolumes,
  HOST_APPARMOR,
  TEST_IMAGE,
  uniqueName,
} from "../harness/engine";
import { engineCreateBody, engineNetworkConnects } from "../harness/pulumi-to-engine";
import { compliantContainer } from "../harness/container-inputs";

jest.setTimeout(180_000);

type Inputs = Record<string, unknown>;
const INSECURE = path.join(__dirname, "../../examples/insecure");
const CTX: RuleContext = {
  settings: { ...DEFAULT_SETTINGS, dockerSocketPath: engineSocketPath() },
  now: NOW,
  host: { apparmorEnabled: HOST_APPARMOR, selinuxEnabled: false },
};
const volumes = new Set<string>();
let network = "";

/** The inputs as this machine can create them. */
function localise(inputs: Inputs, hint: string): Inputs {
  const a = structuredClone(inputs) as Record<string, unknown> & {
    networksAdvanced?: { name: string }[];
    volumes?: { hostPath?: string; volumeName?: string; containerPath: string }[];
  };
  a.image = TEST_IMAGE;
  a.name = uniqueName(hint);
  a.command = ["sleep", "600"];
  if (a.networksAdvanced) a.networksAdvanced = a.networksAdvanced.map(() => ({ name: network }));
  for (const v of a.volumes ?? []) {
    if (v.hostPath?.endsWith("docker.sock")) v.hostPath = engineSocketPath();
    if (v.volumeName) {
      v.volumeName = `hd-it-${process.pid}-${v.volumeName}`;
      volumes.add(v.volumeName);
    }
  }
  return a;
}

/**
 * Create a container from docker.Container inputs, start it when asked (a privileged one stays
 * created: this sandbox's engine cannot grant every capability), and give its live statuses by rule.
 */
async function live(inputs: Inputs, hint: string, start: boolean): Promise<Record<string, string>> {
  const local = localise(inputs, hint);
  const id = await createContainer({ ...(engineCreateBody(local) as object), hint } as never);
  for (const n of engineNetworkConnects(local)) await docker().getNetwork(n).connect({ Container: id });
  if (start && local.privileged !== true) await docker().getContainer(id).start();
  const facts = await containerFacts(id);
  return Object.fromEntries(evaluate([facts], CTX).map((v) => [v.ruleId, v.status]));
}

beforeAll(async () => {
  network = await createNetwork("remediation");
});
afterAll(async () => {
  await cleanupEngineObjects();
  await removeVolumes(volumes);
});

describe("examples/insecure, fixed as check --fix fixes it", () => {
  let cases: { name: string; declared: Inputs; fixed: Inputs; ruleIds: string[] }[] = [];
  beforeAll(async () => {
    const result = await checkProgram(INSECURE, { fix: true, now: NOW, root: path.join(__dirname, "../..") });
    const declared = new Map(engineResources(result.run, "inputs").map((r) => [r.urn, r.props] as const));
    cases = result.fixes.map((r) => ({
      name: r.name,
      declared: declared.get(r.urn)!,
      fixed: r.fixes.at(-1)!.inputs,
      ruleIds: r.fixes.map((f) => f.ruleId),
    }));
  });

  it("fixes the three containers", () => {
    expect(cases.map((c) => `${c.name}: ${c.ruleIds.join(" ")}`).sort()).toEqual([
      "metrics-agent: 5.4 5.26",
      "redis: 5.14 5.26",
      "web: 5.4 5.14 5.15 5.26",
    ]);
  });

  it("every fixed rule passes on the running, fixed container; the container as written fails it", async () => {
    for (const c of cases) {
      const before = await live(c.declared, `${c.name}-as-written`, false);
      const after = await live(c.fixed, `${c.name}-fixed`, true);
      for (const id of c.ruleIds) {
        expect([c.name, id, before[id]]).toEqual([c.name, id, "fail"]);
        expect([c.name, id, after[id]]).toEqual([c.name, id, "pass"]);
      }
    }
  });
});

describe("the fixes for unconfined profiles", () => {
  it("5.22 (and 5.2 where the host has AppArmor) pass live once seccomp/apparmor=unconfined is removed", async () => {
    const declared = compliantContainer({
      securityOpts: ["no-new-privileges", "seccomp=unconfined", "apparmor=unconfined"],
      networksAdvanced: [{ name: "backend" }],
    });
    let inputs = declared;
    // Fixed as the pack fixes it: before deploy, knowing nothing of the host.
    const pack: RuleContext = { settings: DEFAULT_SETTINGS, now: NOW };
    for (const id of ["5.2", "5.22"]) {
      const fixed = fixResource(ruleById(id)!, { type: DOCKER_CONTAINER, name: "confined", inputs }, pack);
      expect([id, fixed?.changes.map((c) => c.input)]).toEqual([id, ["securityOpts"]]);
      inputs = fixed!.inputs;
    }
    expect(inputs.securityOpts).toEqual(["no-new-privileges"]);
    // As written, created beside the fixed one (not started: both would publish the same port).
    const before = await live(declared, "unconfined-as-written", false);
    const after = await live(inputs, "unconfined-fixed", true);
    expect([before["5.22"], after["5.22"]]).toEqual(["fail", "pass"]);
    if (HOST_APPARMOR) expect([before["5.2"], after["5.2"]]).toEqual(["fail", "pass"]);
    else expect([before["5.2"], after["5.2"]]).toEqual(["not-applicable", "not-applicable"]);
  });
});
