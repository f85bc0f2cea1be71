/**
 * `npm start` on a fresh clone: installs when node_modules is missing (or older than the lock
 * file), builds when dist is missing or stale, runs `check examples/web-stack` with the extra
 * arguments, and exits with the CLI's code. Exercised on a small project of the same shape (a
 * real `npm ci` of a local dependency, a build script that writes a stand-in CLI), so it needs
 * no network and takes a few seconds.
 */
import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliArgs } = require(path.join(ROOT, "scripts/start.js")) as { cliArgs(args: string[]): string[] };

/** A stand-in CLI: prints its arguments as JSON and exits with the code given in EXIT_CODE. */
const STAND_IN =
  'process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n"); ' +
  "process.exitCode = Number(process.env.EXIT_CODE ?? 0);";
const BUILD =
  `const fs = require("fs"); fs.mkdirSync("dist/cli", { recursive: true }); fs.writeFileSync("dist/cli/main.js", ` +
  `${JSON.stringify(STAND_IN)}); fs.appendFileSync("builds.log", "build\\n");`;

describe("npm start", () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "hd-start-"));
    mkdirSync(path.join(root, "scripts"));
    cpSync(path.join(ROOT, "scripts/start.js"), path.join(root, "scripts/start.js"));
    mkdirSync(path.join(root, "src"));
    writeFileSync(path.join(root, "src/index.ts"), "export {};\n");
    mkdirSync(path.join(root, "dep"));
    writeFileSync(path.join(root, "dep/package.json"), JSON.stringify({ name: "dep", version: "1.0.0" }));
    writeFileSync(
      path.join(root, "package.json"),
      JSON.stringify({
        name: "fresh-clone",
        version: "1.0.0",
        private: true,
        scripts: { start: "node scripts/start.js", build: `node -e ${JSON.stringify(BUILD)}` },
        dependencies: { dep: "file:dep" },
      }),
    );
    const lock = spawnSync("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund", "--offline"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(lock.status).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const start = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("npm", ["start", "--silent", "--", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
  const builds = () =>
    existsSync(path.join(root, "builds.log"))
      ? readFileSync(path.join(root, "builds.log"), "utf8").split("\n").filter(Boolean).length
      : 0;

  it(
    "on a fresh clone: installs, builds, then runs check examples/web-stack with the extra arguments; " +
      "stdout is the report alone",
    () => {
      expect(existsSync(path.join(root, "node_modules"))).toBe(false);
      const r = start(["-f", "json"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('["check","examples/web-stack","-f","json"]\n');
      expect(r.stderr).toContain("npm start: installing the locked packages (npm ci)");
      expect(r.stderr).toContain("npm start: building dist (npm run build)");
      expect(existsSync(path.join(root, "node_modules/dep/package.json"))).toBe(true);
      expect(builds()).toBe(1);
    },
    60_000,
  );

  it("then neither installs nor builds again; the CLI's exit code is npm start's", () => {
    const r = start([], { EXIT_CODE: "1" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('["check","examples/web-stack"]\n');
    expect(r.stderr).toBe("");
    expect(builds()).toBe(1);
  }, 30_000);

  it("rebuilds when a source is newer than dist", () => {
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(root, "src/index.ts"), later, later);
    const r = start(["--profile", "advisory"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("npm start: building dist (npm run build)\n");
    expect(builds()).toBe(2);
  }, 30_000);

  it("reinstalls when package-lock.json is newer than the install", () => {
    const later = new Date(Date.now() + 10_000);
    utimesSync(path.join(root, "package-lock.json"), later, later);
    const r = start([]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("npm start: installing the locked packages (npm ci)");
  }, 60_000);

  it("arguments that start with a subcommand are the whole command", () => {
    expect(cliArgs([])).toEqual(["check", "examples/web-stack"]);
    expect(cliArgs(["-f", "sarif", "-o", "results.sarif"])).toEqual([
      "check",
      "examples/web-stack",
      "-f",
      "sarif",
      "-o",
      "results.sarif",
    ]);
    expect(cliArgs(["check", "examples/insecure"])).toEqual(["check", "examples/insecure"]);
    expect(cliArgs(["rules", "--section", "5"])).toEqual(["rules", "--section", "5"]);
    expect(cliArgs(["--version"])).toEqual(["--version"]);
  });

  it("package.json runs it", () => {
    expect(
      (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts
        .start,
    ).toBe("node scripts/start.js");
  });
});
