/** Running a Pulumi program offline under the mock runtime and collecting what the engine would see. */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { engineResources, resolveProgram, runProgramOffline, type ProgramRun } from "../../../src/policy/program";
import { commandDigest } from "../../../src/scripts/command-digest";

const ROOT = path.join(__dirname, "../../..");
const examples = (name: string) => path.join(ROOT, "examples", name);

describe("runProgramOffline on examples/insecure", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgramOffline(examples("insecure"));
  });

  it("collects every resource with engine-style URNs under the root stack", () => {
    expect(run.errors).toEqual([]);
    expect(run.project).toBe("insecure-example");
    const names = run.resources.map((r) => `${r.type}::${r.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "pulumi:pulumi:Stack::insecure-example-check",
        "pulumi:providers:docker::docker-host",
        "docker:index/network:Network::backend",
        "docker:index/container:Container::web",
        "docker:index/container:Container::redis",
        "docker:index/service:Service::worker",
      ]),
    );
    const web = run.resources.find((r) => r.name === "web")!;
    expect(web.urn).toBe("urn:pulumi:check::insecure-example::docker:index/container:Container::web");
    expect(web.parent).toBe("urn:pulumi:check::insecure-example::pulumi:pulumi:Stack::insecure-example-check");
  });

  it("records inputs as an analyzer sees them, the explicit provider and dependencies", () => {
    const web = run.resources.find((r) => r.name === "web")!;
    expect(web.inputs).toMatchObject({
      image: "registry.example.com/team/app:latest",
      restart: "always",
      ports: [{ internal: 8080, external: 80 }],
    });
    expect(web.provider).toBe("urn:pulumi:check::insecure-example::pulumi:providers:docker::docker-host");
    const redis = run.resources.find((r) => r.name === "redis")!;
    // The network's name flowed through the mocks (state echoes inputs).
    expect(redis.inputs.networksAdvanced).toEqual([{ name: "backend" }]);
    expect(redis.dependencies).toContain("urn:pulumi:check::insecure-example::docker:index/network:Network::backend");
    const resources = engineResources(run, "inputs");
    expect(resources.find((r) => r.name === "web")!.provider).toMatchObject({
      type: "pulumi:providers:docker",
      props: { host: "tcp://10.0.0.5:2375" },
    });
  });

  it("knows where in the program each resource is declared", () => {
    const web = run.resources.find((r) => r.name === "web")!;
    expect(web.location?.file).toBe(path.join(examples("insecure"), "index.ts"));
    expect(web.location?.line).toBeGreaterThan(10);
    const redis = run.resources.find((r) => r.name === "redis")!;
    expect(redis.location!.line).toBeGreaterThan(web.location!.line);
  });
});

describe("runProgramOffline on examples/secure", () => {
  it(
    "collects the components' children with their parents, the PIDs-limit command with the container's id, " +
      "and the components' registered outputs",
    async () => {
      const run = await runProgramOffline(examples("secure"), { stack: "dev" });
      expect(run.errors).toEqual([]);
      const container = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "api")!;
      expect(container.urn).toBe(
        "urn:pulumi:dev::secure-example::hardened-docker:index:HardenedContainer$docker:index/container:Container::api",
      );
      expect(container.parent).toBe("urn:pulumi:dev::secure-example::hardened-docker:index:HardenedContainer::api");
      const command = run.resources.find((r) => r.type === "command:local:Command" && r.name === "api-pids-limit")!;
      expect(command.inputs.create).toMatch(/^docker update --pids-limit=128 -- '[0-9a-f]{64}'/);
      expect(command.dependencies).toContain(container.urn);
      // Secrets (env values) are plain for the analyzer; networks resolved from the HardenedNetworks.
      expect(container.inputs.envs).toEqual(["DATABASE_HOST=cache"]);
      expect(container.inputs.networksAdvanced).toEqual([{ name: "front" }, { name: "data" }]);
      // Children declared inside the component point at the user's line that created the component.
      expect(container.location?.file).toBe(path.join(examples("secure"), "index.ts"));
      // A component's outputs are what it registers with registerOutputs, as the engine's state holds them.
      const component = run.resources.find(
        (r) => r.type === "hardened-docker:index:HardenedContainer" && r.name === "api",
      )!;
      expect(component.outputs).toEqual({
        containerId: expect.stringMatching(/^[0-9a-f]{64}$/),
        containerName: "api",
        commandDigests: { "api-pids-limit": commandDigest(command.inputs) },
      });
      expect(command.inputs.create).toContain(component.outputs.containerId as string);
    },
  );
});

describe("program errors and resolution", () => {
  const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-program-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports a program that throws instead of crashing", async () => {
    const file = path.join(dir, "throws.ts");
    writeFileSync(
      file,
      'import * as docker from "@pulumi/docker";\nnew docker.Network("n", {});\nthrow new Error("boom at line 3");\n',
    );
    const run = await runProgramOffline(file);
    expect(run.errors.join("\n")).toContain("boom at line 3");
  });

  it("resolves a directory through Pulumi.yaml's main and name", () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: tmp-project\nruntime: nodejs\nmain: throws.ts\n");
    expect(resolveProgram(dir)).toEqual({
      entry: path.join(dir, "throws.ts"),
      project: "tmp-project",
      projectDir: dir,
      projectFile: {
        file: path.join(dir, "Pulumi.yaml"),
        doc: { name: "tmp-project", runtime: "nodejs", main: "throws.ts" },
      },
    });
    expect(() => resolveProgram(path.join(dir, "missing"))).toThrow(/program not found/);
  });
});
