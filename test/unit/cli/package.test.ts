/**
 * The npm package as a user gets it: `npm pack` on a clone that was never built, installed into
 * a new project (from the tarball and the npm cache), used from a strict TypeScript program
 * compiled without skipLibCheck, and its CLI run. Plus what package.json promises: peer ranges
 * that the tested SDKs satisfy, `engines` that every locked package accepts, a license file.
 */
import { execFileSync, spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as semver from "semver";

const ROOT = path.join(__dirname, "../../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  engines: { node: string };
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: unknown; dev?: boolean }>;
};
const installed = (name: string): string =>
  (JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;

describe("package.json", () => {
  it(
    "the Pulumi SDKs are peer dependencies (one copy, the program's), " +
      "installed here at versions inside their ranges",
    () => {
      for (const sdk of ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/command"]) {
        expect(pkg.dependencies[sdk]).toBeUndefined();
        expect(pkg.peerDependencies[sdk]).toBeDefined();
        expect(pkg.devDependencies[sdk]).toBeDefined();
        expect(semver.satisfies(installed(sdk), pkg.peerDependencies[sdk]!)).toBe(true);
        expect(semver.satisfies(lock.packages[`node_modules/${sdk}`]!.version!, pkg.peerDependencies[sdk]!)).toBe(true);
      }
    },
  );

  it(
    "engines: every locked package accepts the oldest Node of each " +
      "range the package claims (no EBADENGINE on npm ci)",
    () => {
      expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true); // the Node these tests run on
      const oldest = pkg.engines.node.split("||").map((range) => semver.minVersion(range)!.version);
      expect(oldest).toContain("20.17.0");
      const refusing: string[] = [];
      for (const [name, p] of Object.entries(lock.packages)) {
        const node = p.engines && typeof p.engines === "object" ? (p.engines as { node?: unknown }).node : undefined;
        if (name === "" || typeof node !== "string") continue;
        for (const v of oldest)
          if (!semver.satisfies(v, node)) refusing.push(`${name}@${p.version} (node ${node}) refuses ${v}`);
      }
      expect(refusing).toEqual([]);
    },
  );

  it("types the published declarations import are dependencies; ssh2, imported at run time, too", () => {
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(["@types/dockerode", "@types/ssh2", "ssh2", "dockerode", "tsx"]),
    );
  });

  it("prepack builds; the package ships dist, docs, README and the Apache-2.0 LICENSE", () => {
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "docs", "README.md", "LICENSE"]));
    const license = readFileSync(path.join(ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004/);
    expect(license).toContain("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
    expect(license).toContain("END OF TERMS AND CONDITIONS");
  });

  it(".gitignore covers what the README's commands write", () => {
    const ignored = (file: string) => spawnSync("git", ["check-ignore", "-q", file], { cwd: ROOT }).status === 0;
    for (const f of ["results.sarif", `${pkg.name}-${pkg.version}.tgz`, "dist/index.js", "node_modules/x"])
      expect([f, ignored(f)]).toEqual([f, true]);
  });
});

describe("npm pack of an unbuilt clone, installed into a strict TypeScript project", () => {
  let work = "";
  beforeAll(() => (work = mkdtempSync(path.join(tmpdir(), "hd-pack-"))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ships a built dist and a working bin; its declarations compile with strict and no skipLibCheck", () => {
    // The clone: the repository's files (no dist), with the installed node_modules beside them.
    const clone = path.join(work, "clone");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    for (const f of files) {
      if (!existsSync(path.join(ROOT, f))) continue; // deleted in the working tree
      mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(clone, f));
    }
    expect(existsSync(path.join(clone, "dist"))).toBe(false);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"));
    const npm = (args: string[], cwd: string) =>
      execFileSync("npm", args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_update_notifier: "false" },
      });
    const tarball = npm(["pack", "--silent", "--pack-destination", work], clone).trim().split("\n").pop()!;
    expect(tarball).toBe(`${pkg.name}-${pkg.version}.tgz`);
    const listing = execFileSync("tar", ["-tzf", path.join(work, tarball)], { encoding: "utf8" });
    for (const f of [
      "package/dist/cli/main.js",
      "package/dist/index.d.ts",
      "package/dist/scripts/sh/daemon-apply.sh",
      "package/LICENSE",
      "package/README.md",
      "package/docs/cis-coverage.md",
    ])
      expect(listing).toContain(f);
    expect(listing).not.toContain("package/src/");

    // A user's project: the tarball and the SDKs at the versions tested here, from the npm cache where it has them.
    const project = path.join(work, "project");
    mkdirSync(project);
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
    );
    const at = (name: string) => `${name}@${installed(name)}`;
    npm(
      [
        "install",
        "--prefer-offline",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        path.join(work, tarball),
        at("@pulumi/pulumi"),
        at("@pulumi/docker"),
        at("@pulumi/command"),
        at("typescript"),
        at("@types/node"),
      ],
      project,
    );
    // One SDK copy: the program's.
    expect(existsSync(path.join(project, "node_modules", pkg.name, "node_modules", "@pulumi", "pulumi"))).toBe(false);

    writeFileSync(
      path.join(project, "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        "import { CATALOG, HardenedContainer, HardenedNetwork, runAudit, " +
          'type HardenedContainerArgs } from "hardened-docker";',
        'import { renderAuditTable } from "hardened-docker/audit";',
        "",
        'const backend = new HardenedNetwork("backend", { subnet: "10.42.1.0/24" });',
        'const args: HardenedContainerArgs = { image: `registry.example.com/app@sha256:${"0".repeat(64)}`, ' +
          'memory: "256Mi", networks: [backend], healthcheck: { test: ' +
          '["CMD", "/app/health"], interval: "10s" } };',
        'const app = new HardenedContainer("app", args);',
        "export const containerId: pulumi.Output<string> = app.containerId;",
        "export const rules: number = CATALOG.length;",
        "export const audit: typeof runAudit = runAudit;",
        "export const table: typeof renderAuditTable = renderAuditTable;",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          esModuleInterop: true,
          types: ["node"],
        },
        files: ["index.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", project], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);

    // The pack's and check's entries type-check too, but only with skipLibCheck: @pulumi/policy 1.21's
    // own index.d.ts re-exports names its proxy.d.ts lacks (not this package's declarations).
    writeFileSync(
      path.join(project, "pack.ts"),
      'import { createPolicies } from "hardened-docker/policy";\n' +
        'import { checkProgram } from "hardened-docker/check";\n' +
        "export const n: number = createPolicies().length;\nexport const c: typeof checkProgram = checkProgram;\n",
    );
    writeFileSync(
      path.join(project, "tsconfig.pack.json"),
      JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { skipLibCheck: true }, files: ["pack.ts"] }),
    );
    const tscPack = spawnSync(
      process.execPath,
      [path.join(project, "node_modules/typescript/bin/tsc"), "-p", path.join(project, "tsconfig.pack.json")],
      { encoding: "utf8" },
    );
    expect(tscPack.stdout + tscPack.stderr).toBe("");

    // The entries Node resolves through the exports map; the pack's entry loads no engine emulation.
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        'for (const e of ["hardened-docker", "hardened-docker/policy", "hardened-docker/check", ' +
          '"hardened-docker/audit"]) require(e); process.stdout.write("ok")',
      ],
      { cwd: project, encoding: "utf8" },
    );
    expect(probe.stderr).toBe("");
    expect(probe.stdout).toBe("ok");
    const packOnly = spawnSync(
      process.execPath,
      [
        "-e",
        'require("hardened-docker/policy"); ' +
          "process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) " +
          "=> /[\\/]policy[\\/](engine|check|program)\\.js$/.test(k))))",
      ],
      { cwd: project, encoding: "utf8" },
    );
    expect(packOnly.stdout).toBe("[]");

    // The bin, as `npx hardened-docker`: its version, and a check of the user's program.
    const bin = path.join(project, "node_modules/.bin/hardened-docker");
    expect(execFileSync(bin, ["--version"], { encoding: "utf8" })).toBe(`${pkg.version}\n`);
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    const check = spawnSync(bin, ["check", ".", "-f", "json"], { cwd: project, encoding: "utf8" });
    expect(check.stderr).toBe("");
    const report = JSON.parse(check.stdout) as { plan: { type: string; name: string }[]; exitCode: number };
    expect(report.plan.map((r) => `${r.type} ${r.name}`)).toEqual(
      expect.arrayContaining(["hardened-docker:index:HardenedContainer app", "docker:index/container:Container app"]),
    );
    expect(check.status).toBe(report.exitCode);
  }, 240_000);
});
