/**
 * The pack fixes what it safely can (issue #19), through @pulumi/policy's own Remediate RPC — what
 * `pulumi preview/up --policy-pack` calls for policies at enforcement level `remediate` before it
 * validates — fed protobuf requests as the engine sends them (secrets and unknowns encoded as on
 * the wire), and the corrected inputs then validated through the SDK's Analyze RPC.
 */
import type { Policies } from "@pulumi/policy";
import { fixResource } from "../../../src/policy/remediation";
import { DOCKER_CONTAINER } from "../../../src/policy/resources";
import { DEFAULT_SETTINGS } from "../../../src/rules/types";
import { ruleById } from "../../../src/rules/catalog";
import { NOW } from "../../harness/fixtures";
import { CONTAINER, compliantContainer, pack, sdkAnalyze, UNKNOWN } from "../../harness/policy";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const sdkServer = require("@pulumi/policy/server") as {
  makeRemediateRpcFun(name: string, version: string, level: string, policies: Policies): RpcFun;
};
/* eslint-enable @typescript-eslint/no-require-imports */
type RpcFun = (call: { request: unknown }, callback: (err: unknown, resp?: unknown) => void) => Promise<void>;

/** The engine's wire encoding of a secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET, value });

interface Remediation {
  policyName: string;
  properties?: Record<string, unknown>;
  diagnostic: string;
}

/** One Remediate call: the remediations in the order the SDK ran them. */
async function sdkRemediate(policies: Policies, props: Record<string, unknown>): Promise<Remediation[]> {
  const req = new analyzerproto.AnalyzeRequest();
  req.setType(CONTAINER);
  req.setProperties(structproto.Struct.fromJavaScript(props));
  req.setUrn(`urn:pulumi:dev::app::${CONTAINER}::web`);
  req.setName("web");
  req.setOptions(new analyzerproto.AnalyzerResourceOptions());
  const remediate = sdkServer.makeRemediateRpcFun("hardened-docker", "0.0.0", "advisory", policies);
  const resp = await new Promise<{ getRemediationsList(): unknown[] }>((resolve, reject) =>
    remediate({ request: req }, (err, r) => (err ? reject(err) : resolve(r as never))),
  );
  return (
    resp.getRemediationsList() as {
      getPolicyname(): string;
      getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
      getDiagnostic(): string;
    }[]
  ).map((r) => ({
    policyName: r.getPolicyname(),
    properties: r.getProperties()?.toJavaScript(),
    diagnostic: r.getDiagnostic(),
  }));
}

const remediating = (): Policies => pack({ profile: "remediate-safe" });

/** A container written the usual way: each of these inputs breaks a rule that has a safe fix. */
const usual = () =>
  compliantContainer({
    securityOpts: ["apparmor=unconfined", "seccomp=unconfined", "no-new-privileges=false"],
    capabilities: { adds: ["NET_BIND_SERVICE", "SYS_ADMIN"], drops: [] },
    ports: [
      { internal: 8080, external: 8080 },
      { internal: 9090, external: 9090, ip: "10.0.0.5" },
    ],
    restart: "always",
    envs: secret(["DB_PASSWORD=hunter2", "MODE=prod"]),
  });

describe("remediation through the SDK's Remediate RPC", () => {
  it("fixes each rule it safely can, in the pack's order, and keeps secrets secret", async () => {
    const rs = await sdkRemediate(remediating(), usual());
    expect(rs.map((r) => r.policyName)).toEqual([
      "cis-5.2-apparmor-profile",
      "cis-5.4-restrict-capabilities",
      "cis-5.14-bind-ports-to-host-address",
      "cis-5.15-bounded-restarts",
      "cis-5.22-seccomp-enabled",
      "cis-5.26-no-new-privileges",
    ]);
    const final = rs.at(-1)!.properties!;
    expect(final.securityOpts).toEqual(["no-new-privileges:true"]);
    expect(final.capabilities).toEqual({ adds: ["NET_BIND_SERVICE"], drops: ["ALL"] });
    expect(final.ports).toEqual([
      { internal: 8080, external: 8080, ip: "127.0.0.1" },
      { internal: 9090, external: 9090, ip: "10.0.0.5" },
    ]);
    expect(final).toMatchObject({ restart: "on-failure", maxRetryCount: 5 });
    // The secret input the fixes do not touch comes back as it came: still a secret.
    expect(final.envs).toEqual(secret(["DB_PASSWORD=hunter2", "MODE=prod"]));
    for (const r of rs) expect(JSON.stringify(r.properties)).not.toMatch(/"DB_PASSWORD=hunter2"[^}]*$/);
  });

  it("the fixed inputs pass the fixed rules when the engine validates them", async () => {
    const final = (await sdkRemediate(remediating(), usual())).at(-1)!.properties!;
    const plain = { ...final, envs: ["DB_PASSWORD=hunter2", "MODE=prod"] };
    const { diagnostics } = await sdkAnalyze(remediating(), { type: CONTAINER, props: plain });
    const fixed = ["5.2-", "5.4-", "5.14-", "5.15-", "5.22-", "5.26-"].map((id) => `cis-${id}`);
    expect(diagnostics.filter((d) => fixed.some((f) => d.policyName.startsWith(f)))).toEqual([]);
  });

  it("a changed input that held a secret stays secret as a whole", async () => {
    const securityOpts = secret(["no-new-privileges", "apparmor=unconfined"]);
    const rs = await sdkRemediate(remediating(), compliantContainer({ securityOpts }));
    expect(rs.map((r) => r.policyName)).toEqual(["cis-5.2-apparmor-profile"]);
    expect(rs[0]!.properties!.securityOpts).toEqual(secret(["no-new-privileges"]));
  });

  it("leaves what needs a person: a privileged container keeps its options, and 5.5 stays a violation", async () => {
    const props = compliantContainer({ privileged: true, securityOpts: ["apparmor=unconfined", "no-new-privileges"] });
    const rs = await sdkRemediate(remediating(), props);
    expect(rs.map((r) => r.policyName)).toEqual([]);
    const { diagnostics } = await sdkAnalyze(remediating(), { type: CONTAINER, props });
    expect(diagnostics.map((d) => d.policyName)).toEqual(
      expect.arrayContaining(["cis-5.5-no-privileged", "cis-5.2-apparmor-profile", "cis-5.4-restrict-capabilities"]),
    );
  });

  it("does not fix an exempted rule, nor one that reads a value unknown at preview", async () => {
    const exempted = compliantContainer({
      restart: "always",
      labels: [
        {
          label: "hardened-docker.exemption.5.15",
          value: JSON.stringify({ reason: "a supervisor restarts it on purpose", expires: "2099-01-01" }),
        },
      ],
    });
    expect(await sdkRemediate(remediating(), exempted)).toEqual([]);
    const unknown = compliantContainer({
      restart: UNKNOWN,
      securityOpts: ["no-new-privileges", "apparmor=unconfined"],
    });
    expect((await sdkRemediate(remediating(), unknown)).map((r) => r.policyName)).toEqual(["cis-5.2-apparmor-profile"]);
  });

  it("remediates only under `remediate`: the default profile validates and changes nothing", async () => {
    expect(await sdkRemediate(pack(), usual())).toEqual([]);
  });

  it("binds ports to the address the setting names (the 5.14 policy's config: portBindAddress)", () => {
    const settings = { ...DEFAULT_SETTINGS, portBindAddress: "10.1.2.3" };
    const fixed = fixResource(
      ruleById("5.14")!,
      {
        type: DOCKER_CONTAINER,
        name: "web",
        inputs: compliantContainer({ ports: [{ internal: 80, external: 8080 }] }),
      },
      { settings, now: NOW },
    );
    expect(fixed?.inputs.ports).toEqual([{ internal: 80, external: 8080, ip: "10.1.2.3" }]);
    // A wildcard is no address to bind to: no fix rather than a fix that fixes nothing.
    const wildcard = { ...DEFAULT_SETTINGS, portBindAddress: "0.0.0.0" };
    const none = fixResource(
      ruleById("5.14")!,
      {
        type: DOCKER_CONTAINER,
        name: "web",
        inputs: compliantContainer({ ports: [{ internal: 80, external: 8080 }] }),
      },
      { settings: wildcard, now: NOW },
    );
    expect(none).toBeUndefined();
  });
});
