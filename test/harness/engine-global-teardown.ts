/**
 * Jest global teardown of the `integration` project: stop the engine the global setup started
 * (dockerd, its containerd and shims, mounts, the network namespace, its directory). Runs after
 * failed tests too; a failure to stop is reported loudly, because it leaves processes behind.
 */
import { execFileSync } from "node:child_process";
import { TEST_ENGINE_SCRIPT } from "./engine-env";

export default async function engineGlobalTeardown(): Promise<void> {
  const dir = process.env.HD_TEST_ENGINE_DIR;
  if (!dir) return; // setup never got as far as starting one
  try {
    execFileSync("bash", [TEST_ENGINE_SCRIPT, "stop", dir], {
      stdio: ["ignore", "inherit", "inherit"],
      timeout: 180_000,
    });
  } finally {
    delete process.env.HD_TEST_ENGINE_DIR;
  }
}
