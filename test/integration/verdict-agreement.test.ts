/**
 * One verdict per configuration, for the parsing quirks where surfaces used to disagree: each case
 * is a docker.Container written as Pulumi inputs, judged (1) by the policy pack on those inputs
 * (what `check` and `pulumi preview --policy-pack` run), (2) by the live audit on the container the
 * real test engine made from the same inputs (created through the Engine API, inspected, read by
 * the audit's adapter), and (3) where HardenedContainer has the argument, by its self-check. All
 * must agree, and where the engine can show the effect it is shown: the user `+0` really is uid 0
 * (runc parses it with Go's Atoi), `no-new-privileges=1` really sets NoNewPrivs (dockerd parses
 * it with Go's ParseBool).
 */
import { containerFactsFromInspect } from "../../src/adapters/engine-api";
import { HardenedArgsError } from "../../src/components/args";
import { planHardenedContainer } from "../../src/components/hardened-container";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS, type RuleContext } from "../../src/rules/types";
import { createContainer, docker, engineSocketPath, TEST_IMAGE, uniqueName, waitForExit } from "../harness/engine";
import { byName, compliantContainer, CONTAINER, invoke, pack } from "../harness/policy";
import { engineCreateBody } from "../harness/pulumi-to-engine";

jest.setTimeout(120_000);

interface Case {
  what: string;
  /** The rule and its pack policy. */
  rule: "4.1" | "5.4" | "5.14" | "5.26";
  policy: string;
  /** docker.Container inputs changed from the compliant baseline. */
  inputs: Record<string, unknown>;
  verdict: "pass" | "fail";
  /** The same configuration as HardenedContainer arguments, where it has them. */
  component?: Record<string, unknown>;
  /** What the process inside reports, proving the engine's reading (command → expected output). */
  effect?: { command: string[]; output: string };
}

const CASES: Case[] = [
  {
    what: "user +0 (Atoi: uid 0)",
    rule: "4.1",
    policy: "cis-4.1-run-as-non-root",
    inputs: { user: "+0" },
    verdict: "fail",
    component: { user: "+0" },
    effect: { command: ["id", "-u"], output: "0" },
  },
  {
    what: "user -0:10001 (Atoi: uid 0)",
    rule: "4.1",
    policy: "cis-4.1-run-as-non-root",
    inputs: { user: "-0:10001" },
    verdict: "fail",
    component: { user: "-0:10001" },
    effect: { command: ["id", "-u"], output: "0" },
  },
  {
    what: "user 010001 (uid 10001)",
    rule: "4.1",
    policy: "cis-4.1-run-as-non-root",
    inputs: { user: "010001" },
    verdict: "pass",
    component: { user: "010001" },
    effect: { command: ["id", "-u"], output: "10001" },
  },
  {
    what: "cap-drop ALL, cap-add NET_BIND_SERVICE",
    rule: "5.4",
    policy: "cis-5.4-restrict-capabilities",
    inputs: { capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] } },
    verdict: "pass",
    component: { capAdd: ["NET_BIND_SERVICE"] },
  },
  {
    what: "cap-drop ALL, cap-add NET_RAW",
    rule: "5.4",
    policy: "cis-5.4-restrict-capabilities",
    inputs: { capabilities: { drops: ["ALL"], adds: ["NET_RAW"] } },
    verdict: "fail",
  },
  {
    what: "publishAllPorts (-P)",
    rule: "5.14",
    policy: "cis-5.14-bind-ports-to-host-address",
    inputs: { publishAllPorts: true, ports: [] },
    verdict: "fail",
  },
  ...["1", "t", "T", "TRUE", "True"].map((v): Case => ({
    what: `no-new-privileges=${v} (ParseBool: on)`,
    rule: "5.26",
    policy: "cis-5.26-no-new-privileges",
    inputs: { securityOpts: [`no-new-privileges=${v}`] },
    verdict: "pass",
    effect: { command: ["grep", "NoNewPrivs", "/proc/self/status"], output: "NoNewPrivs:\t1" },
  })),
  {
    what: "no-new-privileges:1 (legacy separator)",
    rule: "5.26",
    policy: "cis-5.26-no-new-privileges",
    inputs: { securityOpts: ["no-new-privileges:1"] },
    verdict: "pass",
    effect: { command: ["grep", "NoNewPrivs", "/proc/self/status"], output: "NoNewPrivs:\t1" },
  },
  {
    what: "no-new-privileges=0 (ParseBool: an opt-out)",
    rule: "5.26",
    policy: "cis-5.26-no-new-privileges",
    inputs: { securityOpts: ["no-new-privileges=0"] },
    verdict: "fail",
    effect: { command: ["grep", "NoNewPrivs", "/proc/self/status"], output: "NoNewPrivs:\t0" },
  },
];

function liveCtx(): RuleContext {
  return {
    settings: { ...DEFAULT_SETTINGS, dockerSocketPath: engineSocketPath() },
    host: { apparmorEnabled: false, selinuxEnabled: false },
    now: new Date(),
  };
}

/**
 * docker.Container inputs the test engine can run: the compliant baseline, on the default
 * network, with the local image.
 */
function inputsFor(c: Case): Record<string, unknown> {
  return compliantContainer({
    name: uniqueName("agree"),
    image: TEST_IMAGE,
    networkMode: "none",
    networksAdvanced: [],
    ports: [],
    command: c.effect?.command ?? ["true"],
    ...c.inputs,
  });
}

const created: string[] = [];
afterAll(async () => {
  for (const id of created)
    await docker()
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
});

describe.each(CASES)("$what", (c) => {
  const inputs = inputsFor(c);

  it(`the pack: ${c.verdict}`, async () => {
    const r = await invoke(pack(), c.policy, { type: CONTAINER, props: inputs });
    expect(byName(pack(), c.policy)).toBeDefined();
    expect(r.violations.length > 0 ? "fail" : "pass").toBe(c.verdict);
  });

  it(
    `the live audit of the container the engine made from the same inputs: ` +
      `${c.verdict}${c.effect ? `, and the engine shows it (${c.effect.output.replace("\t", " ")})` : ""}`,
    async () => {
      const id = await createContainer(engineCreateBody(inputs) as never);
      created.push(id);
      const container = docker().getContainer(id);
      if (c.effect) {
        await container.start();
        await waitForExit(id);
        const logs = (await container.logs({ stdout: true, stderr: true })).toString("latin1");
        expect(logs).toContain(c.effect.output);
      }
      const facts = containerFactsFromInspect(await container.inspect());
      const finding = evaluate([facts], liveCtx()).find((f) => f.ruleId === c.rule)!;
      expect(finding.status).toBe(c.verdict);
    },
  );

  if (c.component) {
    it(`HardenedContainer's self-check: ${c.verdict === "pass" ? "accepts it" : "refuses it, naming the rule"}`, () => {
      const args = {
        image: `registry.example.com/app@sha256:${"e".repeat(64)}`,
        user: "10001:10001",
        memory: "64Mi",
        networks: ["backend"],
        healthcheck: { test: ["CMD", "true"] },
        ...c.component,
      };
      const planned = () => planHardenedContainer("agree", args as never);
      if (c.verdict === "pass") expect(planned).not.toThrow();
      else {
        expect(planned).toThrow(HardenedArgsError);
        expect(planned).toThrow(new RegExp(`CIS ${c.rule.replace(".", "\\.")}\\b`));
      }
    });
  }
});
