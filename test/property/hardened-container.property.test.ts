/**
 * Property: for arbitrary arguments, HardenedContainer either refuses them with errors that each
 * name a field, or renders a docker.Container whose facts pass every automated container rule
 * that is not exempted. The rendered inputs are re-read through the adapter (as the policy pack
 * would see them) and also checked against invariants written out here independently of the catalog.
 */
import fc from "fast-check";
import { containerFactsFromPulumiInputs } from "../../src/adapters/pulumi-container";
import { HardenedArgsError } from "../../src/components/args";
import { ALL_CAPABILITIES, SAFE_CAPABILITIES } from "../../src/rules/capabilities";
import { planHardenedContainer, type HardenedContainerArgs } from "../../src/components/hardened-container";
import { evaluate } from "../../src/rules/evaluate";
import { DEFAULT_SETTINGS } from "../../src/rules/types";

const NOW = new Date("2026-11-28T12:00:00Z");
const DIGEST = "sha256:" + "e".repeat(64);
const REASON = "reviewed in the security design doc";

const exemptable = [
  "4.1",
  "4.5",
  "4.6",
  "5.2",
  "5.4",
  "5.5",
  "5.6",
  "5.8",
  "5.10",
  "5.13",
  "5.14",
  "5.15",
  "5.16",
  "5.17",
  "5.18",
  "5.22",
  "5.25",
  "5.26",
  "5.27",
  "5.30",
  "5.31",
  "5.32",
  "9.9",
];

/** Undefined most of the time: each weakening is rare, so many generated argument sets are acceptable. */
const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: arb, weight: 1 });
/** A good value most of the time, otherwise anything from `arb`. */
const mostly = <T>(good: T, arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(good), weight: 4 }, { arbitrary: arb, weight: 1 });

const hostIp = fc.constantFrom("127.0.0.1", "10.0.0.5", "0.0.0.0", "::", "[::]", "::1", "", "localhost", "fe80::1");
const port = fc.record(
  {
    internal: mostly(8080, fc.integer({ min: 0, max: 70000 })),
    external: mostly(18080, fc.integer({ min: 0, max: 70000 })),
    hostIp: mostly("127.0.0.1", hostIp),
  },
  { requiredKeys: ["internal", "external", "hostIp"] },
);
const size = fc.constantFrom("64Mi", "256Mi", "1Gi", "5Mi", "256M", "0", "1Ki", "lots", "1048576");
const hostPath = fc.constantFrom(
  "/srv/data",
  "/etc",
  "/etc/nginx",
  "/var/run/docker.sock",
  "/run",
  "/usr/share",
  "/proc",
  "/home/app",
  "relative/path",
  "/",
);

const args: fc.Arbitrary<HardenedContainerArgs> = fc.record(
  {
    image: mostly(
      `registry.example.com/app@${DIGEST}`,
      fc.constantFrom("redis:7", "nginx", `ghcr.io/acme/api:1.0@${DIGEST}`),
    ),
    memory: mostly("256Mi", size),
    cpus: rarely(fc.double({ min: -1, max: 8, noNaN: true })),
    pidsLimit: rarely(fc.integer({ min: -5, max: 100000 })),
    user: rarely(fc.constantFrom("10001", "10001:10001", "root", "0", "0:0", "app", "nobody", "a b", "$(id)")),
    capAdd: rarely(fc.subarray([...ALL_CAPABILITIES.slice(0, 20), "NOT_A_CAP"] as never[])),
    networks: mostly(
      ["backend"],
      fc.array(fc.constantFrom("backend", "frontend", "bridge", "default"), { maxLength: 3 }),
    ),
    ports: rarely(fc.array(port, { maxLength: 3 })),
    tmpfs: rarely(fc.dictionary(fc.constantFrom("/tmp", "/run", "relative"), size, { maxKeys: 2 })),
    binds: rarely(
      fc.array(
        fc.record({ hostPath, containerPath: fc.constantFrom("/data", "/host"), readOnly: rarely(fc.boolean()) }),
        { maxLength: 2 },
      ),
    ),
    readOnlyRootfs: rarely(fc.boolean()),
    restart: rarely(
      fc.oneof(
        fc.record({ policy: fc.constant("on-failure" as const), maxRetries: fc.integer({ min: -1, max: 8 }) }),
        fc.constant({ policy: "no" as const }),
      ),
    ),
    healthcheck: mostly(
      { test: ["CMD", "/bin/true"] } as { test: string[] } | undefined,
      fc.option(fc.record({ test: fc.constantFrom(["CMD-SHELL", "wget -q localhost"], []) }), { nil: undefined }),
    ),
    hostNamespaces: rarely(
      fc.record(
        { network: fc.boolean(), pid: fc.boolean(), ipc: fc.boolean(), userns: fc.boolean() },
        { requiredKeys: [] },
      ),
    ),
    privileged: rarely(fc.boolean()),
    seccompProfile: rarely(fc.constantFrom("unconfined", "/etc/docker/seccomp.json", "bad profile")),
    apparmorProfile: rarely(fc.constantFrom("unconfined", "docker-default", "my-profile")),
    noNewPrivileges: rarely(fc.boolean()),
    cgroupParent: rarely(fc.constantFrom("/custom", "system.slice")),
    devices: rarely(fc.array(fc.record({ hostPath: fc.constantFrom("/dev/fuse", "/dev/sda") }), { maxLength: 1 })),
    exemptions: rarely(
      fc.array(
        fc.record({
          rule: fc.constantFrom(...exemptable),
          reason: fc.constantFrom(REASON, "short"),
          expires: rarely(fc.constantFrom("2027-01-01", "2026-01-01", "soon")),
        }),
        { maxLength: 6 },
      ),
    ),
  },
  { requiredKeys: ["image", "memory", "networks", "healthcheck"] },
) as fc.Arbitrary<HardenedContainerArgs>;

/** Every error line starts with the argument it is about (`memory`, `ports[0].hostIp`, `tmpfs["/tmp"]`, …). */
const NAMES_A_FIELD = /^(?:[a-zA-Z]+(?:\[[^\]]+\]|\.[a-zA-Z]+)*)(?: = |: | \(rule )/;
const ARG_NAME_LIST =
  "image name memory cpus pidsLimit user capAdd networks ports tmpfs volumes binds readOnlyRootfs restart " +
  "healthcheck env labels exemptions hostNamespaces privileged seccompProfile apparmorProfile noNewPrivileges " +
  "cgroupParent devices ulimits dockerHost";
const ARG_NAMES = new RegExp(`^(${ARG_NAME_LIST.split(" ").join("|")})\\b`);

describe("HardenedContainer (property)", () => {
  it(
    "either refuses with errors naming a field, " +
      "or renders a container that passes every non-exempted automated rule",
    () => {
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(args, (a) => {
          let plan;
          try {
            plan = planHardenedContainer("prop", a, { now: NOW });
          } catch (e) {
            expect(e).toBeInstanceOf(HardenedArgsError);
            for (const line of (e as HardenedArgsError).problems) {
              expect(line).toMatch(NAMES_A_FIELD);
              expect(line).toMatch(ARG_NAMES);
            }
            refused++;
            return;
          }
          accepted++;
          const exempt = new Set((a.exemptions ?? []).map((x) => x.rule));
          // Re-read what would be deployed, the way the policy pack reads a docker.Container.
          const rendered = plan.containerArgs as unknown as Record<string, unknown>;
          const facts = containerFactsFromPulumiInputs(rendered, "prop");
          const ctx = { settings: { ...DEFAULT_SETTINGS, capabilityAllowList: [...SAFE_CAPABILITIES] }, now: NOW };
          for (const f of evaluate([facts], ctx)) {
            if (f.subject === "container" && f.automated && f.status === "fail")
              expect([f.ruleId, exempt.has(f.ruleId)]).toEqual([f.ruleId, true]);
          }
          // Invariants stated without the catalog.
          expect((rendered.capabilities as { drops: string[] }).drops).toEqual(["ALL"]);
          expect(rendered.memory as number).toBeGreaterThanOrEqual(6);
          expect(
            Number(
              (rendered.labels as { label: string; value: string }[]).find(
                (l) => l.label === "hardened-docker.pids-limit",
              )?.value,
            ),
          ).toBeGreaterThan(0);
          if (!exempt.has("5.26")) expect(rendered.securityOpts).toContain("no-new-privileges:true");
          if (!exempt.has("5.13")) expect(rendered.readOnly).toBe(true);
          if (!exempt.has("5.5")) expect(rendered.privileged).toBe(false);
          for (const p of (rendered.ports ?? []) as { ip: string; external: number }[]) {
            if (!exempt.has("5.14")) expect(["", "0.0.0.0", "::", "[::]"]).not.toContain(p.ip);
            if (!exempt.has("5.8")) expect(p.external).toBeGreaterThanOrEqual(1024);
          }
          if (!exempt.has("4.1")) expect(["root", "0", "0:0"]).not.toContain(rendered.user);
        }),
        { numRuns: 400, seed: 20261128 },
      );
      // The generator must exercise both outcomes, or the property says little.
      expect(accepted).toBeGreaterThan(10);
      expect(refused).toBeGreaterThan(10);
    },
  );
});
