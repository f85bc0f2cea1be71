/**
 * examples/policy-pack is a ready pack: started the way `pulumi preview --policy-pack` starts it,
 * it serves the analyzer over gRPC. This test talks to it as the engine does: analyzer info,
 * configure (with schema defaults), analyze, analyze stack.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { pathToFileURL } from "url";
import { createPolicies, UNKNOWN_STRING } from "../../../src/policy";
import { reconcileConfig } from "../../../src/check";
import { commandDigest } from "../../../src/scripts/command-digest";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.join(__dirname, "../../..");
const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_CODES: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

let child: ChildProcess;
let client: { [method: string]: (req: unknown, cb: (err: unknown, resp: unknown) => void) => void; close(): void };

const call = <T>(method: string, req: unknown) =>
  new Promise<T>((resolve, reject) => client[method]!(req, (err, resp) => (err ? reject(err) : resolve(resp as T))));

beforeAll(async () => {
  // One process (tsx as a loader, not its CLI, which would fork): the pid we stop is the pack's.
  child = spawn(
    process.execPath,
    ["--import", pathToFileURL(path.join(ROOT, "node_modules/tsx/dist/loader.mjs")).href, "index.ts"],
    {
      cwd: path.join(ROOT, "examples/policy-pack"),
      env: { ...process.env, HARDENED_DOCKER_PROFILE: "cis-level1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`the pack did not print its port: ${out} ${err}`)), 30_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`the pack exited (${code}): ${err}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 40_000);

afterAll(() => {
  client?.close();
  if (child?.pid && child.exitCode === null) process.kill(child.pid);
});

/** The engine's Configure call: every policy's config (schema defaults, then the user's file), validated first. */
async function configure(user?: Record<string, unknown>): Promise<void> {
  const req = new analyzerPb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, c] of Object.entries(reconcileConfig(createPolicies(), "advisory", undefined, user as never))) {
    const pc = new analyzerPb.PolicyConfig();
    pc.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript(c.properties));
    map.set(name, pc);
  }
  await call("configure", req);
}

function analyzeRequest(props: Record<string, unknown>) {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType("docker:index/container:Container");
  req.setName("web");
  req.setUrn("urn:pulumi:dev::app::docker:index/container:Container::web");
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(new analyzerPb.AnalyzerResourceOptions());
  return req;
}

type Diag = { getPolicyname(): string; getEnforcementlevel(): number; getMessage(): string };

it("serves every policy of the pack with its metadata and the profile as initial config", async () => {
  const info = await call<{
    getName(): string;
    getVersion(): string;
    getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[];
    getInitialconfigMap(): { get(k: string): { getEnforcementlevel(): number } };
  }>("getAnalyzerInfo", new Empty());
  expect(info.getName()).toBe("hardened-docker");
  expect(info.getVersion()).toBe("0.1.0");
  const names = info.getPoliciesList().map((p) => p.getName());
  expect(names).toEqual(createPolicies().map((p) => p.name));
  expect(LEVEL_NAMES[info.getInitialconfigMap().get("cis-5.5-no-privileged").getEnforcementlevel()]).toBe("mandatory");
}, 20_000);

it("after configure (defaults applied), analyzes a container like the engine asks it to", async () => {
  await configure();
  const resp = await call<{ getDiagnosticsList(): Diag[] }>(
    "analyze",
    analyzeRequest({
      image: UNKNOWN_STRING,
      privileged: true,
      capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] },
    }),
  );
  const diags = resp
    .getDiagnosticsList()
    .map((d) => ({ policy: d.getPolicyname(), level: LEVEL_NAMES[d.getEnforcementlevel()], message: d.getMessage() }));
  expect(diags).toContainEqual(expect.objectContaining({ policy: "cis-5.5-no-privileged", level: "mandatory" }));
  // The unknown image: reported by the SDK as advisory "can't run … during preview".
  expect(diags.find((d) => d.policy === "cis-4.5-verified-image")).toMatchObject({
    level: "advisory",
    message: expect.stringContaining(
      "can't run policy 'cis-4.5-verified-image' from policy pack 'hardened-docker@v0.1.0' during preview",
    ),
  });
  // 5.4's allow-list came from the configured default (NET_BIND_SERVICE allowed): only privileged mode breaks it.
  expect(diags.find((d) => d.policy === "cis-5.4-restrict-capabilities")!.message).toContain("privileged = true");
}, 20_000);

it(
  "configured with examples/policy-pack/config.example.json (what " +
    "--policy-pack-config passes), applies its settings",
  async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const user = require(path.join(ROOT, "examples/policy-pack/config.example.json")) as Record<string, unknown>;
    await configure(user);
    const image = `ghcr.io/acme/tool@sha256:${"c".repeat(64)}`;
    const resp = await call<{ getDiagnosticsList(): Diag[] }>(
      "analyze",
      analyzeRequest({ image, capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE", "CHOWN"] } }),
    );
    const diags = resp.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage() }));
    // trustedRegistries from the file: ghcr.io is not on it.
    expect(diags.find((d) => d.policy === "cis-4.2-trusted-registries")?.message).toContain("ghcr.io");
    // capabilityAllowList from the file: NET_BIND_SERVICE only, so CHOWN (allowed by default) is a violation.
    const caps = diags.filter((d) => d.policy === "cis-5.4-restrict-capabilities");
    expect(caps).toHaveLength(1);
    expect(caps[0]!.message).toContain("CHOWN");
  },
  20_000,
);

it(
  "analyzes a stack as the engine asks it to: a component's secret command digest, " +
    "and its command changed by a transformation",
  async () => {
    await configure();
    const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
    const stack = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
    const component = "urn:pulumi:dev::app::hardened-docker:index:SecureDaemon::d";
    const built = {
      connection: { host: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" },
      create: "#!/bin/sh\necho apply",
    };
    const resource = (type: string, name: string, urn: string, parent: string, props: Record<string, unknown>) => {
      const r = new analyzerPb.AnalyzerResource();
      r.setType(type);
      r.setName(name);
      r.setUrn(urn);
      r.setParent(parent);
      r.setProperties(Struct.fromJavaScript(props));
      r.setOptions(new analyzerPb.AnalyzerResourceOptions());
      return r;
    };
    const analyzeStack = async (command: Record<string, unknown>) => {
      const req = new analyzerPb.AnalyzeStackRequest();
      req.setResourcesList([
        // The digest as the engine holds a secret output (a log option may make the apply script secret).
        resource("hardened-docker:index:SecureDaemon", "d", component, stack, {
          commandDigests: { "d-apply": { ...SECRET, value: commandDigest(built) } },
        }),
        resource(
          "command:remote:Command",
          "d-apply",
          "urn:pulumi:dev::app::hardened-docker:index:SecureDaemon$command:remote:Command::d-apply",
          component,
          command,
        ),
      ]);
      const resp = await call<{ getDiagnosticsList(): Diag[] }>("analyzeStack", req);
      return resp
        .getDiagnosticsList()
        .filter((d) => d.getPolicyname() === "hd-component-commands-intact")
        .map((d) => d.getMessage());
    };
    // The provider's outputs echo its inputs, with its own defaults and results beside them.
    expect(
      await analyzeStack({
        ...built,
        connection: { ...built.connection, privateKey: { ...SECRET, value: "key" }, dialErrorLimit: 10 },
        stdout: "done",
      }),
    ).toEqual([]);
    const changed = await analyzeStack({ ...built, create: `echo '{"icc": true}' > /etc/docker/daemon.json` });
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(
      'SecureDaemon "d": its command "d-apply" does not run what the component built and checked',
    );
  },
  20_000,
);

it(
  "remediates as the engine asks it to, for the policies the config sets to remediate " +
    "(what --policy-pack-config passes), with the setting the config gives",
  async () => {
    await configure({
      "cis-5.15-bounded-restarts": "remediate",
      "cis-5.14-bind-ports-to-host-address": { enforcementLevel: "remediate", portBindAddress: "10.0.0.5" },
    });
    const resp = await call<{
      getRemediationsList(): {
        getPolicyname(): string;
        getProperties(): { toJavaScript(): Record<string, unknown> };
      }[];
    }>(
      "remediate",
      analyzeRequest({
        image: "redis:7",
        restart: "always",
        ports: [{ internal: 6379, external: 6379 }],
        capabilities: { adds: ["SYS_ADMIN"] },
      }),
    );
    const rs = resp.getRemediationsList();
    // 5.4 has a fix too, but its policy is not at remediate: it only validates.
    expect(rs.map((r) => r.getPolicyname())).toEqual([
      "cis-5.14-bind-ports-to-host-address",
      "cis-5.15-bounded-restarts",
    ]);
    expect(rs.at(-1)!.getProperties().toJavaScript()).toEqual({
      image: "redis:7",
      restart: "on-failure",
      maxRetryCount: 5,
      ports: [{ internal: 6379, external: 6379, ip: "10.0.0.5" }],
      capabilities: { adds: ["SYS_ADMIN"] },
    });
  },
  20_000,
);
