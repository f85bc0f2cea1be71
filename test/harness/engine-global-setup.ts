/**
 * Jest global setup of the `integration` project: start one throw-away dockerd (in a network
 * namespace of its own, see scripts/test-engine.sh) for the whole run, and hand its address to
 * the test workers through process.env (workers are spawned after this runs, so they inherit it).
 *
 * The engine lives in .test-engine/<jest pid>/ (git-ignored). Engines left behind by earlier runs
 * that were killed before their teardown (their jest pid is gone) are stopped first.
 *
 * Environment: HD_DAEMON_CONFIG — a daemon.json for the engine (default: none).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_ROOT, TEST_ENGINE_SCRIPT, parseEngineEnv } from "./engine-env";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function run(args: string[], timeoutMs: number): string {
  return execFileSync("bash", [TEST_ENGINE_SCRIPT, ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    // stderr goes straight to the terminal: the script's errors (not root, missing packages,
    // dockerd log tail) must be visible as they are.
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Stop engines of earlier runs whose jest process no longer exists. */
function stopStaleEngines(): void {
  if (!existsSync(ENGINE_ROOT)) return;
  for (const entry of readdirSync(ENGINE_ROOT)) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    try {
      run(["stop", join(ENGINE_ROOT, entry)], 120_000);
    } catch {
      // reported on stderr by the script; a stale engine must not block this run
    }
  }
}

export default async function engineGlobalSetup(): Promise<void> {
  stopStaleEngines();
  const dir = join(ENGINE_ROOT, String(process.pid));
  const args = ["start", dir, ...(process.env.HD_DAEMON_CONFIG ? [process.env.HD_DAEMON_CONFIG] : [])];
  try {
    run(args, 180_000);
  } catch (err) {
    throw new Error(
      `the test engine did not start (scripts/test-engine.sh ${args.join(" ")}): ` +
        `see the messages above. ${(err as Error).message.split("\n")[0]}`,
    );
  }
  const env = parseEngineEnv(readFileSync(join(dir, "env"), "utf8"));
  // Tell the teardown which engine to stop, and the tests where it is.
  process.env.HD_TEST_ENGINE_DIR = dir;
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}
