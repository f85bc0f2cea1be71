/**
 * The README as data: its fenced blocks and the shell commands in them, and how each command is
 * exercised. Shared by test/unit/docs/readme.test.ts (offline commands, code blocks, coverage
 * table) and test/integration/readme-audit.test.ts (the audit commands, against the test engine).
 */
import { readFileSync } from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "../..");

export interface FencedBlock {
  lang: string;
  body: string;
  /** The nearest `sh` block before this one (what a `text` block shows the output of). */
  previousSh?: FencedBlock;
}

export function readmeBlocks(text = readFileSync(path.join(ROOT, "README.md"), "utf8")): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let previousSh: FencedBlock | undefined;
  for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const block: FencedBlock = { lang: m[1]!, body: m[2]!, ...(previousSh ? { previousSh } : {}) };
    blocks.push(block);
    if (block.lang === "sh") previousSh = block;
  }
  return blocks;
}

/** Every command line of the README's `sh` blocks, in order. */
export function readmeCommands(blocks = readmeBlocks()): string[] {
  return blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.body.split("\n"))
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** How a README command is exercised. */
export type Exercise =
  /** Run by test/unit/docs/readme.test.ts exactly as written, from the repository root. */
  | { run: "unit"; exitCode: number; setup?: "dev-stack-config" }
  /** Run by test/integration/readme-audit.test.ts exactly as written, with DOCKER_HOST = the test engine. */
  | { run: "integration"; exitCode: number }
  /** Run by CI (.ci/run or scripts/test-all.sh contains it). */
  | { run: "ci"; file: string }
  /** What it does is exercised by another test; `contains` must be in that file. */
  | { covered: string; contains: string; note: string }
  /** A smaller run of the same script (timings are not asserted). */
  | { smoke: string[] }
  /** Not runnable on this machine; the reason. */
  | { external: string };

const PULUMI =
  "the Pulumi CLI cannot be installed here (design.md); the program it runs is checked offline by `check` " +
  "(test/unit/cli/check-command.test.ts)";

export const HOW_EACH_COMMAND_IS_EXERCISED: Record<string, Exercise> = {
  "npm start": {
    covered: "test/unit/cli/start.test.ts",
    contains: '["check","examples/web-stack","-f","json"]',
    note:
      "scripts/start.js on a project of the same shape: installs when node_modules is missing or stale, " +
      "builds when dist is stale, runs check examples/web-stack with the extra arguments (what that check " +
      "prints: the README's next command, run here)",
  },
  "npm ci": { run: "ci", file: ".ci/run" },
  "npm run build": { run: "ci", file: "scripts/test-all.sh" },
  "npm test": { run: "ci", file: ".ci/run" },
  "npm run lint": { run: "ci", file: "scripts/test-all.sh" },
  "node dist/cli/main.js check examples/web-stack": { run: "unit", exitCode: 0 },
  "node dist/cli/main.js check examples/insecure": { run: "unit", exitCode: 1 },
  "node dist/cli/main.js check examples/insecure -f sarif -o results.sarif": { run: "unit", exitCode: 1 },
  "node dist/cli/main.js check . --stack dev": { run: "unit", exitCode: 0, setup: "dev-stack-config" },
  "pulumi stack init dev": { external: PULUMI },
  "pulumi config set host 10.0.0.5": { external: PULUMI },
  "pulumi config set privateAddress 10.0.0.5": { external: PULUMI },
  "pulumi config set dataDevice /dev/vdb": { external: PULUMI },
  "pulumi config set sshHostKey \"$(ssh-keyscan -t ed25519 10.0.0.5 2>/dev/null | cut -d' ' -f2-)\"": {
    external: PULUMI,
  },
  "pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519": { external: PULUMI },
  // Commands longer than a line: computed keys, the command's text split where it has a blank.
  ['pulumi config set redisImage "$(docker pull -q redis:7.4-alpine >/dev/null && ' +
  "docker inspect --format '{{index .RepoDigests 0}}' redis:7.4-alpine)\""]: {
    external: `${PULUMI}; there is no registry access here either`,
  },
  ["pulumi config set appImage registry.example.com/team/app@sha256:" + "0123456789abcdef".repeat(4)]: {
    external: PULUMI,
  },
  "pulumi up": { external: `${PULUMI}; the components' effects are proven on a real engine in test/integration/` },
  "pulumi preview --policy-pack examples/policy-pack": {
    covered: "test/unit/policy/pack-entry.test.ts",
    contains: 'cwd: path.join(ROOT, "examples/policy-pack")',
    note: "the pack is started the way the Pulumi CLI starts it and answered over gRPC as the engine asks",
  },
  "pulumi preview --policy-pack examples/policy-pack --policy-pack-config examples/policy-pack/config.example.json": {
    covered: "test/unit/policy/pack-entry.test.ts",
    contains: "config.example.json",
    note:
      "the pack started as the Pulumi CLI starts it, " +
      "configured with that file through the analyzer's Configure call",
  },
  "node dist/cli/main.js check examples/insecure -c examples/policy-pack/config.example.json": {
    run: "unit",
    exitCode: 1,
  },
  "node dist/cli/main.js check examples/insecure --fix": { run: "unit", exitCode: 1 },
  "node dist/cli/main.js audit": { run: "integration", exitCode: 1 },
  "node dist/cli/main.js audit -f sarif -o audit.sarif": { run: "integration", exitCode: 1 },
  "node dist/cli/main.js audit -H ssh://deploy@docker-1 -H ssh://deploy@docker-2": {
    covered: "test/integration/audit.test.ts",
    contains: "ssh://root@127.0.0.1:",
    note: "an ssh:// audit through a test SSH server",
  },
  ["node dist/cli/main.js audit -H tcp://docker-3:2376 --tlsverify " +
  "--tlscacert ca.pem --tlscert cert.pem --tlskey key.pem"]: {
    covered: "test/integration/audit.test.ts",
    contains: "--tlsverify",
    note: "tcp:// with TLS verification against the test engine",
  },
  "pulumi stack export > stack.json && node dist/cli/main.js audit --expect stack.json --fail-on high": {
    covered: "test/integration/audit.test.ts",
    contains: '"--expect", exportFile',
    note: "drift against a stack export shaped as `pulumi stack export` writes it",
  },
  "npx tsx bench/hardened-container.ts": { smoke: ["npx", "tsx", "bench/hardened-container.ts", "20"] },
  "npx tsx bench/policy-pack.ts --dist": { smoke: ["npx", "tsx", "bench/policy-pack.ts", "40", "--dist"] },
  "sudo npx tsx bench/audit.ts": {
    external:
      "starts its own dockerd and takes a minute; the audit it times is tested in test/integration/audit.test.ts",
  },
};

/** A README command line as argv (the offline commands have no quoting). */
export const argv = (command: string): string[] => command.split(/\s+/);
