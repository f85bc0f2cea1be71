/** Where the test engine lives and how its `env` file reads; shared by the global setup/teardown and the helpers. */
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");
export const TEST_ENGINE_SCRIPT = join(REPO_ROOT, "scripts", "test-engine.sh");
/** Parent of the per-run engine directories (git-ignored). */
export const ENGINE_ROOT = join(REPO_ROOT, ".test-engine");

/** DIR/env as written by `test-engine.sh start`: KEY=value lines. */
export function parseEngineEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  if (!env.DOCKER_HOST) throw new Error(`test engine env file has no DOCKER_HOST:\n${text}`);
  return env;
}
