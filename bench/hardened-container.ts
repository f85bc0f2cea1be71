/**
 * Benchmark: 1,000 HardenedContainers vs 1,000 equivalent raw docker.Containers under the Pulumi
 * mock runtime, in the same process. Prints wall time for each and the ratio (target ≤ 1.5×).
 * Run: npx tsx bench/hardened-container.ts [count per round]   (3 alternating rounds, median ratio)
 * The SDK's own cost dominates both sides (see design.md); run with --stack-trace-limit=0 to see it shrink.
 */
import * as pulumi from "@pulumi/pulumi";
import { compliantContainer } from "../test/harness/container-inputs";

const COUNT = Number(process.argv[2] ?? 1000);
let registered = 0;
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered++;
      return { id: registered.toString(16).padStart(64, "0"), state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "bench",
  "bench",
  false,
);

// Loaded only after setMocks above, so both modules register their resources with the mock runtime.
type HardenedContainerModule = typeof import("../src/components/hardened-container");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after setMocks (see above)
const docker = require("@pulumi/docker") as typeof import("@pulumi/docker");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after setMocks (see above)
const { HardenedContainer } = require("../src/components/hardened-container") as HardenedContainerModule;

const IMAGE = "registry.example.com/team/api@sha256:" + "d".repeat(64);

/** The docker.Container a careful person would write by hand for the same container. */
function raw(i: number) {
  return new docker.Container(
    `raw-${i}`,
    compliantContainer({
      image: IMAGE,
      name: `raw-${i}`,
      ports: [{ internal: 8080, external: 10000 + (i % 50000), ip: "127.0.0.1", protocol: "tcp" }],
    }) as unknown as import("@pulumi/docker").ContainerArgs,
  );
}

function hardened(i: number) {
  return new HardenedContainer(`hc-${i}`, {
    image: IMAGE,
    memory: "256Mi",
    networks: ["backend"],
    ports: [{ internal: 8080, external: 10000 + (i % 50000), hostIp: "127.0.0.1" }],
    healthcheck: { test: ["CMD", "/bin/true"] },
  });
}

async function run(label: string, make: (i: number) => pulumi.Resource, count = COUNT): Promise<number> {
  const before = registered;
  const start = process.hrtime.bigint();
  const resources = Array.from({ length: count }, (_, i) => make(i));
  // Wait until every registration has resolved.
  await Promise.all(resources.map((r) => new Promise((resolve) => (r as pulumi.CustomResource).urn.apply(resolve))));
  while (true) {
    const n = registered;
    await new Promise((r) => setTimeout(r, 20));
    if (registered === n) break;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${label.padEnd(26)} ${count} in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each, ` +
      `${registered - before} resources registered)`,
  );
  return ms;
}

const ROUNDS = 3;

(async () => {
  await run("warm-up (both)", (i) => (i % 2 ? raw(900000 + i) : hardened(900000 + i)), 100);
  // Alternate the two sides so drift in machine load (or in the SDK's heap) hits both alike;
  // each round gets its own names.
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const rawMs = await run(`raw docker.Container #${r + 1}`, (i) => raw(r * COUNT + i));
    const hcMs = await run(`HardenedContainer #${r + 1}`, (i) => hardened(r * COUNT + i));
    ratios.push(hcMs / rawMs);
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `ratio HardenedContainer / raw per round: ${ratios.map((x) => x.toFixed(2)).join(", ")}; ` +
      `median ${ratios[1].toFixed(2)}× (target ≤ 1.5×)`,
  );
})();
