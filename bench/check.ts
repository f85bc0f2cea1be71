/**
 * Benchmark: `hardened-docker check` of a program declaring N raw docker.Containers (100, 1,000,
 * 5,000), as shipped (dist/cli/main.js, `npm run build` first), against the same check with the
 * Pulumi SDK run as it is (the baseline: PULUMI_DEBUG_PROMISE_LEAKS=1 keeps its per-promise leak
 * tracking, a stack trace captured for each of ~320 promises per container, and the stack it sends
 * with every registration; see leanSdk in src/policy/program.ts). Plus examples/web-stack.
 *
 * Each run is a child process of its own, one after another (peak RSS is per process): wall time
 * from spawn to exit, as a user sees it, and the child's peak RSS (process.resourceUsage().maxRSS,
 * read by the child as it ends). Prints both sides and the ratios (targets for 1,000 containers:
 * ≤ 5 s and ≤ 600 MB; web-stack ≤ 2 s). This machine is shared: read the ratios, not the digits.
 *
 * Run: npx tsx bench/check.ts [sizes, e.g. 100,1000] [--no-baseline]
 *   (the SDK's default run of 5,000 containers takes minutes and GBs: leave 5000 out to skip it)
 */
import { spawn } from "child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");
const args = process.argv.slice(2);
const SIZES = (args.find((a) => /^\d+(,\d+)*$/.test(a)) ?? "100,1000,5000").split(",").map(Number);
const BASELINE = !args.includes("--no-baseline");

interface Measure {
  ms: number;
  rssMb: number;
  code: number | null;
  summary: string;
}

/** A Pulumi project of `count` raw containers (a fifth of them privileged, so there is something to report). */
function rawProgram(base: string, count: number): string {
  const dir = path.join(base, `raw-${count}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: raw-${count}\nruntime: nodejs\n`);
  writeFileSync(
    path.join(dir, "index.ts"),
    [
      'import * as docker from "@pulumi/docker";',
      "",
      `for (let i = 0; i < ${count}; i++) {`,
      "  new docker.Container(`app-${i}`, {",
      '    image: "registry.example.com/team/app:1.4",',
      "    ports: [{ internal: 8080, external: 10000 + i }],",
      "    memory: 256,",
      '    envs: ["MODE=prod"],',
      "    privileged: i % 5 === 0,",
      "  });",
      "}",
      "",
    ].join("\n"),
  );
  // The program resolves the SDKs as a user's project would: from its own node_modules.
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** One `check` in a child process of its own: wall time from spawn to exit, and the child's peak RSS. */
function checkOnce(target: string, baseline: boolean, reportFile: string): Promise<Measure> {
  // The CLI's own entry (runCli), then the child reports its peak RSS on stderr as it ends.
  const child = `const { runCli } = require(${JSON.stringify(CLI)});
runCli(process.argv.slice(1)).then((code) => {
  process.stderr.write("\\nBENCH " + JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }) + "\\n");
  process.exitCode = code;
});`;
  const env = { ...process.env };
  if (baseline) env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
  else delete env.PULUMI_DEBUG_PROMISE_LEAKS;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const p = spawn(process.execPath, ["-e", child, "check", target, "-o", reportFile], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const m = /^BENCH (.*)$/m.exec(err);
      if (!m)
        return reject(new Error(`check ${target} ended without its measure (exit ${code}):\n${err.slice(-2000)}`));
      const { maxRssKb } = JSON.parse(m[1]!) as { maxRssKb: number };
      resolve({ ms, rssMb: maxRssKb / 1024, code, summary: out.split("\n").find((l) => /violation/.test(l)) ?? "" });
    });
  });
}

const fmt = (m: Measure | undefined) =>
  m ? `${(m.ms / 1000).toFixed(2).padStart(7)} s ${m.rssMb.toFixed(0).padStart(6)} MB` : "        —         ";
const ratio = (check: number, baseline: number | undefined) =>
  baseline === undefined ? "    — " : `${(check / baseline).toFixed(2).padStart(5)}×`;

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${path.relative(process.cwd(), CLI)} is missing: npm run build first`);
  const base = mkdtempSync(path.join(os.tmpdir(), "hd-bench-check-"));
  try {
    const report = path.join(base, "report.txt");
    const targets: [string, string][] = [
      ["examples/web-stack", path.join(ROOT, "examples", "web-stack")],
      ...SIZES.map((n): [string, string] => [`${n.toLocaleString("en")} raw containers`, rawProgram(base, n)]),
    ];
    console.log(
      `check, each run a child process (node ${process.version}, ${os.cpus().length} CPUs); ` +
        `baseline = the Pulumi SDK as it is (PULUMI_DEBUG_PROMISE_LEAKS=1)`,
    );
    console.log(
      `${"program".padEnd(22)} ${"baseline: wall, peak RSS".padEnd(26)} ` +
        `${"check: wall, peak RSS".padEnd(26)} time ratio  RSS ratio`,
    );
    for (const [label, target] of targets) {
      const baseline = BASELINE ? await checkOnce(target, true, report) : undefined;
      const lean = await checkOnce(target, false, report);
      if (baseline && baseline.summary !== lean.summary)
        throw new Error(
          `${label}: the two runs disagree:\n  baseline: ${baseline.summary}\n  check:    ${lean.summary}`,
        );
      console.log(
        `${label.padEnd(22)} ${fmt(baseline).padEnd(26)} ${fmt(lean).padEnd(26)} ` +
          `${ratio(lean.ms, baseline?.ms).padEnd(10)} ${ratio(lean.rssMb, baseline?.rssMb)}`,
      );
    }
    console.log(
      "targets: 1,000 raw containers ≤ 5 s and ≤ 600 MB; examples/web-stack ≤ 2 s (time ratio = check / baseline)",
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
