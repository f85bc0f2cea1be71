/**
 * The README's live-audit commands, exactly as written, against the test engine (DOCKER_HOST,
 * which is what the README's bare `audit` reads), as root so the host is read too.
 */
import { spawnSync } from "child_process";
import { existsSync, readFileSync, rmSync } from "fs";
import * as path from "path";
import { argv, HOW_EACH_COMMAND_IS_EXERCISED, readmeCommands, ROOT } from "../harness/readme";

const audits = readmeCommands().filter((c) => {
  const how = HOW_EACH_COMMAND_IS_EXERCISED[c];
  return how && "run" in how && how.run === "integration";
});

it("the README has audit commands to run", () => {
  expect(audits.length).toBeGreaterThanOrEqual(2);
});

it.each(audits)("%s", (command) => {
  const { exitCode } = HOW_EACH_COMMAND_IS_EXERCISED[command] as { exitCode: number };
  const [, ...args] = argv(command);
  const output = / -o (\S+)/.exec(command)?.[1];
  try {
    const r = spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect({ code: r.status, err: r.stderr }).toEqual({ code: exitCode, err: "" });
    if (output) {
      const log = JSON.parse(readFileSync(path.join(ROOT, output), "utf8"));
      expect(log.version).toBe("2.1.0");
      expect(log.runs[0].results.length).toBeGreaterThan(0);
    } else {
      // The table: per host, counts by CIS section, then the failures (the test engine is not hardened).
      expect(r.stdout).toMatch(/Section|section/);
      expect(r.stdout).toMatch(/\b2\.9\b|\b2\.2\b/);
    }
  } finally {
    if (output && existsSync(path.join(ROOT, output))) rmSync(path.join(ROOT, output));
  }
});
