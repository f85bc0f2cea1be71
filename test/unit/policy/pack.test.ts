import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  COMPONENT_LABEL as COMPONENT_LABEL_OF_COMPONENT,
  HARDENED_CONTAINER_TYPE as TYPE_OF_COMPONENT,
} from "../../../src/components/hardened-container";
import { HARDENED_NETWORK_TYPE } from "../../../src/components/hardened-network";
import { SAFE_CAPABILITIES } from "../../../src/rules/capabilities";
import {
  COMPONENT_LABEL,
  createPolicies,
  HARDENED_CONTAINER_TYPE,
  policyMeta,
  profileConfig,
  profileFromEnv,
  ruleEnforcement,
} from "../../../src/policy";
import { reconcileConfig } from "../../../src/check";
import { packRules } from "../../../src/policy/policies";
import { RULE_SETTINGS } from "../../../src/policy/metadata";
import { catalogFor, ruleById } from "../../../src/rules/catalog";
import { CONTAINER, NETWORK, PROVIDER, SERVICE } from "../../harness/policy";

const policies = createPolicies();

const settingsIn = (code: string) => [...code.matchAll(/settings\.(\w+)/g)].map((m) => m[1]!);

/** The text of the bracketed group opening at `start` (`(` or `{`), skipping string literals. */
function balanced(text: string, start: number): string {
  const open = text[start]!;
  const close = open === "(" ? ")" : "}";
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      i = text.indexOf("\n", i);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}
const rulePolicies = policies.filter((p) => policyMeta(p)?.kind === "rule") as ResourceValidationPolicy[];

describe("policy pack generated from the catalog", () => {
  it("has one resource policy per rule that a Pulumi resource can decide before deploy", () => {
    const ids = rulePolicies.map((p) => policyMeta(p)!.ruleId);
    expect(new Set(ids).size).toBe(ids.length);
    const decidable = catalogFor("cis-1.6.0")
      .filter((r) => ["container", "network"].includes(r.subject) && r.where !== "live" && r.where !== "none")
      .map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([...decidable, "2.7"]));
    // Live-only items (5.7 sshd, 5.23 exec) and host/image/swarm subjects are the live audit's.
    expect(ids).not.toContain("5.7");
    expect(ids).not.toContain("1.1.1");
    expect(ids).not.toContain("6.1");
    // Daemon rules: from SecureDaemon's daemon.json all of section 2 (+ SELinux, exemptions); the
    // provider tells only the daemon's listener and TLS, so only 2.7 is also decided from it.
    const daemonIds = catalogFor("cis-1.6.0")
      .filter((r) => r.subject === "daemon" && r.where !== "live" && r.where !== "none")
      .map((r) => r.id);
    expect(ids.filter((id) => ruleById(id)!.subject === "daemon").sort()).toEqual([...daemonIds].sort());
    expect(daemonIds).toEqual(
      expect.arrayContaining(["2.2", "2.9", "2.12", "hd-selinux-enabled", "hd-exemptions-daemon"]),
    );
  });

  it(
    "maps container rules to docker.Container and docker.Service, network rules to docker.Network, " +
      "daemon rules to SecureDaemon (2.7 also to the provider)",
    () => {
      const types = Object.fromEntries(rulePolicies.map((p) => [policyMeta(p)!.ruleId, policyMeta(p)!.types]));
      expect(types["5.4"]).toEqual([CONTAINER, SERVICE]);
      expect(types["7.3"]).toEqual([NETWORK]);
      expect(types["hd-exemptions-network"]).toEqual([NETWORK]);
      expect(types["2.7"]).toEqual([PROVIDER, "hardened-docker:index:SecureDaemon"]);
      expect(types["2.2"]).toEqual(["hardened-docker:index:SecureDaemon"]);
    },
  );

  it("names policies after the CIS id (cis-5.4-restrict-capabilities), uniquely and as the engine accepts", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("cis-5.4-restrict-capabilities");
    expect(names).toContain("cis-2.7-tcp-requires-tls");
    for (const p of rulePolicies) {
      const id = policyMeta(p)!.ruleId;
      expect(p.name).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
      expect(p.name.startsWith(id.startsWith("hd-") ? `${id}-` : `cis-${id}-`)).toBe(true);
    }
    expect(names).not.toContain("all");
  });

  it("gives every CIS policy framework metadata, severity and remediation steps from the rule", () => {
    for (const p of rulePolicies) {
      const rule = policyMeta(p)!.rule!;
      expect(p.remediationSteps).toBe(rule.remediation);
      expect(["low", "medium", "high", "critical"]).toContain(p.severity);
      expect(p.description).toContain(rule.title);
      if (rule.id.startsWith("hd-")) expect(p.framework).toBeUndefined();
      else
        expect(p.framework).toEqual({
          name: "CIS Docker Benchmark",
          version: "1.6.0",
          reference: rule.id,
          specification: rule.title,
        });
    }
    expect(policies.find((p) => p.name === "cis-5.5-no-privileged")!.severity).toBe("critical");
    expect(policies.find((p) => p.name === "cis-5.9-only-needed-ports")!.severity).toBe("low");
  });

  it("makes automated Level 1 items mandatory and the rest advisory (default profile cis-level1)", () => {
    for (const p of rulePolicies) {
      const rule = policyMeta(p)!.rule!;
      expect(p.enforcementLevel).toBe(rule.automated && rule.level === 1 ? "mandatory" : "advisory");
    }
    const level = (name: string) => policies.find((p) => p.name === name)!.enforcementLevel;
    expect(level("cis-5.5-no-privileged")).toBe("mandatory");
    expect(level("cis-4.5-verified-image")).toBe("advisory"); // Level 2
    expect(level("cis-5.9-only-needed-ports")).toBe("advisory"); // manual
    expect(level("hd-exemptions-valid")).toBe("mandatory"); // expired/malformed exemptions block
    expect(level("hd-containers-via-hardened-container")).toBe("advisory");
    expect(level("hd-drift-refreshed-state")).toBe("advisory");
    expect(level("cis-5.29-pids-limit-applied")).toBe("mandatory");
  });

  it("offers profiles: cis-level2 makes every automated item mandatory, advisory makes everything advisory", () => {
    const l2 = createPolicies({ profile: "cis-level2" });
    expect(l2.find((p) => p.name === "cis-4.5-verified-image")!.enforcementLevel).toBe("mandatory");
    expect(l2.find((p) => p.name === "cis-5.9-only-needed-ports")!.enforcementLevel).toBe("advisory");
    expect(createPolicies({ profile: "advisory" }).every((p) => p.enforcementLevel === "advisory")).toBe(true);
    expect(ruleEnforcement({ automated: true, level: 2 }, "cis-level1")).toBe("advisory");
    expect(profileConfig("cis-level2")["cis-4.5-verified-image"]).toBe("mandatory");
    expect(profileFromEnv({})).toBe("cis-level1");
    expect(profileFromEnv({ HARDENED_DOCKER_PROFILE: "advisory" })).toBe("advisory");
    expect(() => profileFromEnv({ HARDENED_DOCKER_PROFILE: "strict" })).toThrow(/not a profile/);
  });

  it("each policy's config schema: its settings, unknown-value handling, manual reporting, with defaults", () => {
    const schema = (name: string) => policies.find((p) => p.name === name)!.configSchema!.properties;
    expect(schema("cis-5.4-restrict-capabilities").capabilityAllowList).toMatchObject({
      type: "array",
      default: [...SAFE_CAPABILITIES],
    });
    expect(schema("cis-4.2-trusted-registries").trustedRegistries).toMatchObject({ type: "array", default: [] });
    expect(schema("cis-5.32-no-docker-socket").dockerSocketPath).toMatchObject({ default: "/var/run/docker.sock" });
    expect(schema("cis-4.5-verified-image").contentTrust).toMatchObject({ type: "boolean", default: false });
    expect(schema("cis-5.5-no-privileged").unknownValues).toMatchObject({
      enum: ["report", "fail"],
      default: "report",
    });
    expect(schema("cis-5.9-only-needed-ports").reportManual).toMatchObject({ type: "boolean", default: false });
    expect(schema("cis-5.5-no-privileged").reportManual).toBeUndefined();
    expect(schema("hd-drift-refreshed-state").capabilityAllowList).toBeDefined();
    expect(
      createPolicies({ unknownValues: "fail" }).find((p) => p.name === "cis-5.5-no-privileged")!.configSchema!
        .properties.unknownValues,
    ).toMatchObject({ default: "fail" });
    for (const p of policies) expect(Object.keys(p.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
    // Defaults are valid against the schemas (the engine validates the reconciled config).
    const config = reconcileConfig(policies);
    expect(config["cis-5.4-restrict-capabilities"]!.properties.capabilityAllowList).toEqual([...SAFE_CAPABILITIES]);
  });

  it("serialises into the analyzer info the SDK sends the engine (what `new PolicyPack` would serve)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { makeAnalyzerInfo } = require("@pulumi/policy/protoutil");
    const info = makeAnalyzerInfo("hardened-docker", "0.1.0", "advisory", { policies }, profileConfig("cis-level1"));
    const listed = info.getPoliciesList();
    expect(listed).toHaveLength(policies.length);
    const p54 = listed.find((x: { getName(): string }) => x.getName() === "cis-5.4-restrict-capabilities");
    expect(p54.getFramework().getReference()).toBe("5.4");
    expect(p54.getConfigschema().getProperties().toJavaScript().capabilityAllowList.default).toContain(
      "NET_BIND_SERVICE",
    );
    // stack policies
    expect(listed.filter((x: { getPolicyType(): number }) => x.getPolicyType() === 2)).toHaveLength(5);
  });

  it("lists, for each rule, exactly the settings its check reads (read from the rule sources)", () => {
    const dir = path.join(__dirname, "../../../src/rules");
    const used: Record<string, string[]> = {};
    const sources = readdirSync(dir, { recursive: true, encoding: "utf8" });
    for (const file of sources.filter((f) => /^(section\d|project)\/.+\.ts$/.test(f))) {
      const text = readFileSync(path.join(dir, file), "utf8");
      // Settings read by helper functions, so a rule calling one reads them too.
      const helpers = new Map<string, string[]>();
      for (const m of text.matchAll(/(?:function\s+(\w+)\s*\(|const\s+(\w+)\s*=\s*\([^)]*\)\s*(?::[^=]+)?=>)/g)) {
        const body = balanced(text, text.indexOf("{", m.index!));
        helpers.set((m[1] ?? m[2])!, settingsIn(body));
      }
      for (const m of text.matchAll(/defineRule\(/g)) {
        const block = balanced(text, m.index! + "defineRule".length);
        const id = /id:\s*"([^"]+)"/.exec(block)?.[1];
        const keys = new Set(settingsIn(block));
        for (const [name, helperKeys] of helpers)
          if (new RegExp(`\\b${name}\\(`).test(block)) helperKeys.forEach((k) => keys.add(k));
        if (id && keys.size) used[id] = [...keys].sort();
      }
    }
    expect(Object.fromEntries(Object.entries(RULE_SETTINGS).map(([k, v]) => [k, [...v].sort()]))).toEqual(used);
  });

  it("keeps the component's type token and marker label in step with the stack policies", () => {
    expect(HARDENED_CONTAINER_TYPE).toBe(TYPE_OF_COMPONENT);
    expect(COMPONENT_LABEL).toBe(COMPONENT_LABEL_OF_COMPONENT);
    expect(HARDENED_NETWORK_TYPE).toBe("hardened-docker:index:HardenedNetwork");
  });

  it("registers stack policies with a validateStack function and rule policies with validateResource", () => {
    const kinds = policies.map((p) => policyMeta(p)!.kind);
    expect(kinds.filter((k) => k === "stack")).toHaveLength(5);
    for (const p of policies) {
      const meta = policyMeta(p)!;
      if (meta.kind === "stack") expect(typeof (p as StackValidationPolicy).validateStack).toBe("function");
      else expect(typeof (p as ResourceValidationPolicy).validateResource).toBe("function");
    }
  });

  it("builds policies only for the rules given", () => {
    const only = packRules([ruleById("5.5")!, ruleById("1.1.1")!]);
    expect(only.map((e) => e.rule.id)).toEqual(["5.5"]);
  });
});
