/**
 * Benchmark: the live audit (`hardened-docker audit`: engine + host probes + the whole catalog)
 * on a real engine with 0, 10, 50 and 100 containers — half running, a quarter created (never
 * started), a quarter exited. Prints the audit's wall time (median of 3) and the audit process's
 * peak RSS for each, and the cost per container. Target: 100 containers in under 2 s, under 150 MB.
 *
 * Run as root: npx tsx bench/audit.ts [--keep]
 * It starts its own dockerd with scripts/test-engine.sh (in .test-engine/bench-<pid>, its own
 * network namespace) and stops it at the end (--keep leaves it running and prints DOCKER_HOST).
 *
 * Each measurement runs in a fresh child process (peak RSS is per process, and only grows), which
 * loads the audit modules first and then times `runAudit` alone. The children run under tsx, whose
 * loader is in that RSS too: the 0-container row is the fixed cost. A last line times the CLI end
 * to end (process start and tsx compiling the sources included).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";

const ROOT = join(__dirname, "..");
const SIZES = [0, 10, 50, 100];
const ROUNDS = 3;

async function child(host: string): Promise<void> {
  const { runAudit } = await import("../src/audit/run");
  const times: number[] = [];
  let containers = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    const report = await runAudit({ hosts: [host] });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const h = report.hosts[0]!;
    if (h.error) throw new Error(h.error.message);
    containers = h.counts!.containers;
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      ms: times[Math.floor(ROUNDS / 2)],
      first: times[0],
      containers,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }) + "\n",
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3]!);
  const keep = process.argv.includes("--keep");
  const dir = join(ROOT, ".test-engine", `bench-${process.pid}`);
  const script = join(ROOT, "scripts", "test-engine.sh");
  execFileSync("bash", [script, "start", dir], { stdio: ["ignore", "ignore", "inherit"] });
  const env = Object.fromEntries(
    readFileSync(join(dir, "env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const host = env.DOCKER_HOST!;
  const docker = new Docker({ socketPath: host.slice("unix://".length) });
  try {
    const rows: { n: number; ms: number; rss: number }[] = [];
    let made = 0;
    for (const n of SIZES) {
      // Top up to n containers: running, created, running, exited, …
      const batch: Promise<void>[] = [];
      for (; made < n; made++) {
        const i = made;
        batch.push(
          (async () => {
            const kind = i % 4 === 1 ? "created" : i % 4 === 3 ? "exited" : "running";
            const c = await docker.createContainer({
              Image: env.HD_TEST_IMAGE,
              name: `bench-${i}`,
              Cmd: kind === "exited" ? ["true"] : ["sleep", "3600"],
              HostConfig: { Memory: 32 * 1024 * 1024 },
            });
            if (kind !== "created") await c.start();
            if (kind === "exited") await c.wait();
          })(),
        );
        if (batch.length >= 10) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
      const r = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [__filename, "--child", host], {
        encoding: "utf8",
        cwd: ROOT,
      });
      if (r.status !== 0) throw new Error(`audit child failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
        ms: number;
        first: number;
        containers: number;
        maxRssMb: number;
      };
      if (m.containers !== n) throw new Error(`expected ${n} containers, the audit saw ${m.containers}`);
      rows.push({ n, ms: m.ms, rss: m.maxRssMb });
      console.log(
        `${String(n).padStart(4)} containers: audit ${m.ms.toFixed(0).padStart(5)} ms (median of ${ROUNDS}; ` +
          `first ${m.first.toFixed(0)} ms)   peak RSS ${m.maxRssMb.toFixed(0)} MB`,
      );
    }
    // End to end, as a person runs it: process start, tsx compiling the sources, the audit, the table.
    const t0 = Date.now();
    const cliRun = spawnSync(
      join(ROOT, "node_modules", ".bin", "tsx"),
      [join(ROOT, "src", "cli", "main.ts"), "audit", "-H", host, "--fail-on", "none"],
      { encoding: "utf8", cwd: ROOT },
    );
    if (cliRun.status !== 0) throw new Error(`hardened-docker audit exited ${cliRun.status}: ${cliRun.stderr}`);
    console.log(
      `hardened-docker audit (CLI, end to end under tsx) ` +
        `with ${SIZES[SIZES.length - 1]} containers: ${Date.now() - t0} ms`,
    );
    const base = rows[0]!;
    const top = rows[rows.length - 1]!;
    const perMs = (top.ms - base.ms) / top.n;
    const perKb = ((top.rss - base.rss) * 1024) / top.n;
    console.log(
      `per container: ${perMs.toFixed(1)} ms, ${perKb.toFixed(0)} KB RSS (fixed cost ${base.ms.toFixed(0)} ms, ` +
        `${base.rss.toFixed(0)} MB)`,
    );
    console.log(
      `target 100 containers < 2000 ms and < 150 MB: ${top.ms < 2000 && top.rss < 150 ? "met" : "NOT met"} ` +
        `(${top.ms.toFixed(0)} ms, ${top.rss.toFixed(0)} MB)`,
    );
  } finally {
    if (keep) console.log(`engine kept: DOCKER_HOST=${host}; stop it with: bash scripts/test-engine.sh stop ${dir}`);
    else execFileSync("bash", [script, "stop", dir], { stdio: ["ignore", "ignore", "inherit"] });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
