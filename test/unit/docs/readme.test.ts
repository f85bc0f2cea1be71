/**
 * The README stays true: every command in it is exercised (run here, in the integration suite,
 * by CI, or by a named test), the outputs it shows are what the commands print, and the code it
 * shows is code from the example programs that `check` runs.
 */
import { spawnSync } from "child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { planHardenedContainer } from "../../../src/components/hardened-container";
import { argv, HOW_EACH_COMMAND_IS_EXERCISED, readmeBlocks, readmeCommands, ROOT } from "../../harness/readme";

const blocks = readmeBlocks();
const commands = readmeCommands(blocks);
/** Runs of whitespace as one blank: a formatter may wrap the quoted code differently. */
const squash = (text: string): string => text.replace(/\s+/g, " ");

function runCommand(command: string): { code: number; out: string; err: string } {
  const [program, ...args] = argv(command);
  if (!existsSync(path.join(ROOT, "dist/cli/main.js")))
    throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  const r = spawnSync(program === "node" ? process.execPath : program!, args, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("README commands", () => {
  it("has the commands this test knows about, and each one is exercised somewhere", () => {
    expect(commands.length).toBeGreaterThan(15);
    const unknown = commands.filter((c) => !(c in HOW_EACH_COMMAND_IS_EXERCISED));
    expect(unknown).toEqual([]); // a new README command needs an entry in test/harness/readme.ts
    const stale = Object.keys(HOW_EACH_COMMAND_IS_EXERCISED).filter((c) => !commands.includes(c));
    expect(stale).toEqual([]);
    for (const command of commands) {
      const how = HOW_EACH_COMMAND_IS_EXERCISED[command]!;
      if ("run" in how && how.run === "ci")
        expect(readFileSync(path.join(ROOT, how.file), "utf8")).toContain(
          command.replace(/^npm run /, "npm run --silent "),
        );
      if ("covered" in how)
        expect(squash(readFileSync(path.join(ROOT, how.covered), "utf8"))).toContain(squash(how.contains));
    }
  });

  const offline = commands.filter((c) => {
    const how = HOW_EACH_COMMAND_IS_EXERCISED[c];
    return how && "run" in how && how.run === "unit";
  });

  it.each(offline)(
    "%s",
    (command) => {
      const how = HOW_EACH_COMMAND_IS_EXERCISED[command] as { exitCode: number; setup?: string };
      const written: string[] = [];
      try {
        if (how.setup === "dev-stack-config") {
          // What the README's `pulumi config set` lines leave in Pulumi.dev.yaml (the key encrypted).
          const file = path.join(ROOT, "Pulumi.dev.yaml");
          if (existsSync(file)) throw new Error(`${file} exists: this test will not overwrite it`);
          writeFileSync(
            file,
            `encryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy\nconfig:\n  web-stack:host: 10.0.0.5\n` +
              `  web-stack:privateAddress: 10.0.0.5\n  web-stack:dataDevice: /dev/vdb\n` +
              `  web-stack:sshHostKey: ssh-ed25519 ` +
              `AAAAC3NzaC1lZDI1NTE5AAAAIBBCl9+q1eRAQnQVrXPrBqThBMTMSvberGfL3iNM9K8g\n  web-stack:sshPrivateKey:\n` +
              `    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB\n` +
              `  web-stack:redisImage: redis@sha256:${"e".repeat(64)}\n` +
              `  web-stack:appImage: registry.example.com/team/app@sha256:${"0123456789abcdef".repeat(4)}\n`,
          );
          written.push(file);
        }
        const output = / -o (\S+)/.exec(command)?.[1];
        if (output) written.push(path.join(ROOT, output));
        const r = runCommand(command);
        expect({ code: r.code, err: r.err }).toEqual({ code: how.exitCode, err: "" });
        if (output) expect(JSON.parse(readFileSync(path.join(ROOT, output), "utf8")).version).toBe("2.1.0");
        if (how.setup === "dev-stack-config") {
          expect(r.out).toMatch(/\n0 mandatory violation\(s\)/);
          expect(r.out).toContain(`redis@sha256:${"e".repeat(64)}`); // the stack's config reached the program
        }
        // The outputs the README shows after this command are what it prints.
        for (const b of blocks.filter(
          (x) => x.lang === "text" && x.previousSh?.body.split("\n").map((l) => l.trim())[0] === command,
        )) {
          const missing = b.body.split("\n").filter((line) => line.trim() !== "" && !r.out.includes(line));
          expect(missing).toEqual([]);
        }
      } finally {
        for (const f of written) rmSync(f, { force: true });
      }
    },
    120_000,
  );

  it("shows each output after the command that prints it", () => {
    const shown = blocks.filter(
      (b) => b.lang === "text" && b.previousSh && /^node dist\/cli\/main\.js check /.test(b.previousSh.body.trim()),
    );
    expect(shown.length).toBe(3); // check examples/web-stack, examples/insecure, --fix
  });

  const smokes = commands.filter((c) => "smoke" in (HOW_EACH_COMMAND_IS_EXERCISED[c] ?? {}));
  it.each(smokes)(
    "%s (a smaller run: it completes and prints its ratio)",
    (command) => {
      const [program, ...args] = (HOW_EACH_COMMAND_IS_EXERCISED[command] as { smoke: string[] }).smoke;
      const r = spawnSync(program!, args, { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
      expect(r.stderr.replace(/^.*ExperimentalWarning.*$/gm, "").trim()).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/ratio[^\n]*\d+\.\d+×/);
    },
    240_000,
  );
});

describe("README code", () => {
  const web = readFileSync(path.join(ROOT, "examples/web-stack/index.ts"), "utf8");

  it("every TypeScript block is code from examples/web-stack, which check runs in CI", () => {
    const ts = blocks.filter((b) => b.lang === "ts");
    expect(ts.length).toBeGreaterThanOrEqual(2);
    for (const b of ts) expect(web).toContain(b.body.trimEnd());
  });

  it("the exemption error it shows is the component's", () => {
    const shown = blocks.find((b) => b.lang === "text" && b.body.includes("invalid arguments"))!.body.trim();
    let message = "";
    try {
      planHardenedContainer("redis", {
        image: `redis:7.4-alpine@sha256:${"a".repeat(64)}`,
        memory: "256Mi",
        networks: ["backend"],
        healthcheck: { test: ["CMD", "redis-cli", "ping"] },
        readOnlyRootfs: false,
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(shown);
  });
});

describe("README coverage table", () => {
  it("is what `npm run docs` generates from the catalog, the pack and the components' @cis tags", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { coverageTable, withCoverage } =
      require("../../../scripts/readme-coverage") as typeof import("../../../scripts/readme-coverage");
    const { collectApi, DEFAULT_ENTRY } =
      require("../../../scripts/api-reference") as typeof import("../../../scripts/api-reference");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const table = coverageTable(collectApi(DEFAULT_ENTRY));
    expect(table).toMatch(/\| 5 Container runtime \| 32 \(26\) \| \d+: HardenedContainer \d+/);
    expect(withCoverage(readme, table) === readme ? "up to date" : "stale: run `npm run docs`").toBe("up to date");
  }, 60_000);
});
