/** The config `check` hands a program: Pulumi.yaml's config block, then the stack file; secrets never decrypted. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { loadProgramConfig, readProjectFile, SECRET_PLACEHOLDER } from "../../../src/policy/stack-config";

describe("loadProgramConfig", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "hd-stack-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const project = (yaml: string) => writeFileSync(path.join(dir, "Pulumi.yaml"), `name: app\nruntime: nodejs\n${yaml}`);

  it("applies declared defaults and plain values, namespacing bare keys with the project", () => {
    project(
      "config:\n  host:\n    type: string\n    default: 10.0.0.5\n  replicas:\n    type: integer\n" +
        "    default: 3\n  docker:host: unix:///run/docker.sock\n  tags: [a, b]\n  noDefault:\n    type: string\n",
    );
    const c = loadProgramConfig(dir, readProjectFile(dir), "app", "dev");
    expect(c.values).toEqual({
      "app:host": "10.0.0.5",
      "app:replicas": "3",
      "docker:host": "unix:///run/docker.sock",
      "app:tags": '["a","b"]',
    });
    expect(c.secretKeys).toEqual([]);
    expect(c.stackFile).toBeUndefined();
  });

  it("the stack file overrides; never decrypts: secure values and declared secrets become a placeholder", () => {
    project(
      "config:\n  host:\n    default: 10.0.0.5\n  key:\n    type: string\n    secret: true\n  token:\n" +
        "    type: string\n    secret: true\n",
    );
    writeFileSync(
      path.join(dir, "Pulumi.prod.yaml"),
      "encryptionsalt: v1:abc\nconfig:\n  app:host: 10.9.9.9\n  app:token:\n    secure: v1:Zm9v:YmFy\n" +
        "  app:limits:\n    memory: 256\n",
    );
    const c = loadProgramConfig(dir, readProjectFile(dir), "app", "prod");
    expect(c.values["app:host"]).toBe("10.9.9.9");
    expect(c.values["app:token"]).toBe(SECRET_PLACEHOLDER);
    // declared secret, no value: what `config set --secret` would give
    expect(c.values["app:key"]).toBe(SECRET_PLACEHOLDER);
    expect(c.values["app:limits"]).toBe('{"memory":256}');
    expect(c.secretKeys).toEqual(["app:key", "app:token"]);
    expect(c.stackFile).toBe(path.join(dir, "Pulumi.prod.yaml"));
    expect(JSON.stringify(c)).not.toContain("v1:Zm9v");
  });

  it("follows stackConfigDir and reads nothing for a stack without a file", () => {
    project("stackConfigDir: stacks\n");
    mkdirSync(path.join(dir, "stacks"));
    writeFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), "config:\n  app:region: eu\n");
    expect(loadProgramConfig(dir, readProjectFile(dir), "app", "dev").values).toEqual({ "app:region": "eu" });
    expect(loadProgramConfig(dir, readProjectFile(dir), "app", "other").values).toEqual({});
  });

  it("names the file on invalid YAML or a config block that is not a mapping", () => {
    project("config: [1, 2]\n");
    expect(() => loadProgramConfig(dir, readProjectFile(dir), "app", "dev")).toThrow(
      /Pulumi\.yaml: "config" must be a mapping/,
    );
    project("config:\n  a: 1\n");
    writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {a: [\n");
    expect(() => loadProgramConfig(dir, readProjectFile(dir), "app", "dev")).toThrow(
      /Pulumi\.dev\.yaml: not valid YAML/,
    );
  });
});
