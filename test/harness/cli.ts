/** The `hardened-docker` command run in the test's process, its output captured. */
import { runCli } from "../../src/cli/main";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** What `hardened-docker ARGV` prints and the exit code it returns. */
export async function cli(...argv: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/**
 * The same with fresh modules, so each `check` runs its program again (Node caches a program once
 * loaded) and sees the environment as it is now.
 */
export async function freshCli(...argv: string[]): Promise<CliRun> {
  jest.resetModules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded afresh after resetModules
  const fresh = require("../../src/cli/main") as typeof import("../../src/cli/main");
  let out = "";
  let err = "";
  const code = await fresh.runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
