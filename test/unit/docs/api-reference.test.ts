/**
 * docs/api.md and the doc-comment convention behind it (scripts/api-reference.ts): the file is
 * current, every public argument has a description and a valid `@cis` tag, and the checker
 * really reports the defects it exists for (planted in an in-memory source).
 */
import { readFileSync } from "fs";
import { join } from "path";
import {
  checkApiDocs,
  citedInProse,
  collectApi,
  DEFAULT_ENTRY,
  defaultFromComment,
  expandCisToken,
  parseCisTag,
  renderApiMarkdown,
  type Api,
} from "../../../scripts/api-reference";

/** The catalog ids an argument's @cis tag stands for (ranges expanded). */
function tagIds(api: Api, at: string): string[] {
  const [iface, prop] = at.split(".");
  const p = api.interfaces.get(iface)?.properties.find((x) => x.name === prop);
  if (!p) throw new Error(`${at}: not in the API`);
  return p.cis.flatMap((t) =>
    t.tokens.flatMap((tok) => {
      const e = expandCisToken(tok);
      return "ids" in e ? e.ids : [];
    }),
  );
}

describe("the public API (src/index.ts)", () => {
  let api: Api;
  beforeAll(() => {
    api = collectApi(DEFAULT_ENTRY);
  }, 60_000);

  it("docs/api.md is the current output of `npm run docs:api`", () => {
    const committed = readFileSync(join(__dirname, "../../../docs/api.md"), "utf8");
    const fresh = renderApiMarkdown(api);
    if (committed !== fresh) {
      const a = committed.split("\n");
      const b = fresh.split("\n");
      const i = a.findIndex((line, n) => line !== b[n]);
      const at = i < 0 ? Math.min(a.length, b.length) : i;
      throw new Error(
        `docs/api.md is out of date: run \`npm run docs:api\`.\nFirst difference at line ${at + 1}:\n` +
          `  file:      ${a[at] ?? "(end)"}\n  generated: ${b[at] ?? "(end)"}`,
      );
    }
  });

  it("walks every component in export order and every interface its arguments use", () => {
    expect(api.problems).toEqual([]);
    expect(api.components.map((c) => [c.name, c.args])).toEqual([
      ["HardenedContainer", "HardenedContainerArgs"],
      ["HardenedNetwork", "HardenedNetworkArgs"],
      ["SecureDaemon", "SecureDaemonArgs"],
      ["HardenedHost", "HardenedHostArgs"],
    ]);
    expect([...api.interfaces.keys()].sort()).toEqual(
      [
        "HardenedContainerArgs",
        "HardenedPort",
        "HardenedHealthcheck",
        "Exemption",
        "HardenedNetworkArgs",
        "SecureDaemonArgs",
        "SshConnection",
        "SecureDaemonTls",
        "SecureDaemonPaths",
        "SecureDaemonProviderOptions",
        "HardenedHostArgs",
        "HardenedHostDataRoot",
        "HardenedHostAudit",
        "HardenedHostUnattendedUpgrades",
        "HardenedHostPaths",
      ].sort(),
    );
    // Through the type aliases SecureDaemonConnection / HardenedHostConnection.
    expect(api.interfaces.get("SshConnection")!.usedBy).toEqual([
      "HardenedContainerArgs.hostConnection",
      "SecureDaemonArgs.connection",
      "HardenedHostArgs.connection",
    ]);
  });

  it("every argument has a description and a @cis tag whose ids are in the catalog", () => {
    expect(checkApiDocs(api)).toEqual([]);
  });

  it("maps arguments to the rule they serve (CIS v1.6.0 numbering)", () => {
    const expected: Record<string, string[]> = {
      "HardenedContainerArgs.memory": ["5.11"],
      "HardenedContainerArgs.cpus": ["5.12"],
      "HardenedContainerArgs.readOnlyRootfs": ["5.13"],
      "HardenedPort.hostIp": ["5.14"],
      "HardenedContainerArgs.capAdd": ["5.4"],
      "HardenedContainerArgs.pidsLimit": ["5.29"],
      "HardenedContainerArgs.user": ["4.1"],
      "SecureDaemonArgs.icc": ["2.2"],
      "SecureDaemonArgs.usernsRemap": ["2.9"],
      "SecureDaemonArgs.tls": ["2.7"],
      "HardenedHostDataRoot.device": ["1.1.1"],
      "HardenedHostAudit.daemonConfig": ["1.1.11"],
    };
    for (const [at, ids] of Object.entries(expected)) expect([at, tagIds(api, at)]).toEqual([at, ids]);
    expect(tagIds(api, "HardenedHostArgs.audit")).toEqual(Array.from({ length: 16 }, (_, i) => `1.1.${i + 3}`));
    expect(api.interfaces.get("HardenedContainerArgs")!.properties.find((p) => p.name === "command")!.cis[0].kind).toBe(
      "none",
    );
  });

  it("lists each component's outputs with their doc comments", () => {
    for (const c of api.components) {
      expect(c.outputs.length).toBeGreaterThan(0);
      for (const o of c.outputs) expect([c.name, o.name, o.doc.length > 0]).toEqual([c.name, o.name, true]);
    }
    expect(api.components[0].outputs.map((o) => o.name)).toEqual([
      "container",
      "pidsLimitCommand",
      "facts",
      "containerId",
      "containerName",
    ]);
  });
});

// ───────────── the checker on planted defects ─────────────

const PLANTED_COMPONENT = `
class ComponentResource {}

/** Settings nested in the args. */
export interface PlantedInner {
  /**
   * Has an id the catalog does not know.
   * @cis 5.99
   */
  bogus: string;
}

/** Arguments of Planted. */
export interface PlantedArgs {
  /**
   * Documented and tagged (CIS 5.11). Default "256Mi".
   * @cis 5.11
   */
  good: string;
  undocumented?: string;
  /** Described but untagged. */
  untagged?: number;
  /**
   * Functional, but no reason given.
   * @cis none
   */
  noReason?: boolean;
  /**
   * Cites CIS 5.13 in prose but tags another rule.
   * @cis 5.12
   */
  mismatch?: boolean;
  /**
   * A range that runs backwards.
   * @cis 1.1.18–1.1.3
   */
  range?: string;
  /**
   * Nested settings; a union "a" | "b" and a <placeholder>.
   * @default { mode: "a" }
   * @cis none only shape
   */
  inner?: PlantedInner | "a" | "b";
}

/** A planted component. */
export class Planted extends ComponentResource {
  /** What it made. */
  public readonly made: string = "";
  private readonly hidden = 1;
  constructor(name: string, args: PlantedArgs) {
    super();
  }
}

export class Bare extends ComponentResource {
  constructor(name: string) {
    super();
  }
}
`;

function planted(component: string): Api {
  return collectApi("/virtual/planted/index.ts", {
    root: "/virtual",
    files: {
      "/virtual/planted/index.ts": 'export { Planted, Bare } from "./component";\n',
      "/virtual/planted/component.ts": component,
    },
  });
}

describe("checkApiDocs on planted defects", () => {
  let api: Api;
  beforeAll(() => {
    api = planted(PLANTED_COMPONENT);
  }, 60_000);

  it("reports each defect by Interface.property, and nothing for the documented argument", () => {
    expect(checkApiDocs(api)).toEqual([
      "Bare: the constructor has no args interface",
      "Bare: the class has no doc comment",
      "PlantedArgs.undocumented: no doc comment",
      'PlantedArgs.undocumented: no @cis tag (give the rule ids it serves, or "@cis none <why>")',
      'PlantedArgs.untagged: no @cis tag (give the rule ids it serves, or "@cis none <why>")',
      'PlantedArgs.noReason: "@cis none" needs a reason',
      "PlantedArgs.mismatch: the comment cites CIS 5.13 but @cis does not list it",
      'PlantedArgs.range: range "1.1.18–1.1.3" must run forwards within one section in @cis',
      'PlantedInner.bogus: unknown rule id "5.99" in @cis',
    ]);
  });

  it("passes once the defects are fixed", () => {
    const fixed = PLANTED_COMPONENT.replace("@cis 5.99", "@cis 5.4")
      .replace(
        "  undocumented?: string;",
        "  /**\n   * Now documented.\n   * @cis none test\n   */\n  undocumented?: string;",
      )
      .replace("/** Described but untagged. */", "/**\n   * Described.\n   * @cis 5.12\n   */")
      .replace("   * @cis none\n", "   * @cis none functional\n")
      .replace("@cis 5.12\n   */\n  mismatch", "@cis 5.12 5.13\n   */\n  mismatch")
      .replace("@cis 1.1.18–1.1.3", "@cis 1.1.3–1.1.18")
      .replace(
        "export class Bare extends ComponentResource {\n  constructor(name: string) {",
        "/** Bare. */\nexport class Bare extends ComponentResource {\n" +
          "  constructor(name: string, args: PlantedInner) {",
      );
    expect(checkApiDocs(planted(fixed))).toEqual([]);
  }, 60_000);

  it("renders rule titles, defaults, escaped cells, links to nested interfaces and public outputs only", () => {
    const md = renderApiMarkdown(api);
    expect(md).toContain(
      '| `good` | `string` | **required** | "256Mi" | `5.11` Memory is limited | Documented and tagged (CIS ' +
        '5.11). Default "256Mi". |',
    );
    expect(md).toContain("| `range` | `string` | optional | — | `1.1.18–1.1.3` (unknown rule) |");
    // The explicit @default wins; pipes are escaped; a bare <placeholder> would vanish as HTML.
    expect(md).toContain(
      '| `inner` | `PlantedInner \\| "a" \\| "b"` → [PlantedInner](#plantedinner) | optional | { mode: ' +
        '"a" } | none: only shape | Nested settings; a union "a" \\| "b" and a &lt;placeholder&gt;. |',
    );
    expect(md).toContain("Used by [`PlantedArgs.inner`](#plantedargs).");
    expect(md).toContain("| `made` | `string` | What it made. |");
    expect(md).not.toContain("hidden");
  });
});

describe("doc-comment helpers", () => {
  it("reads defaults from the comment's prose", () => {
    expect(defaultFromComment("CPU limit in CPUs (CIS 5.12). Default 1.")).toBe("1");
    expect(defaultFromComment('Go duration, e.g. "30s" (default 30s).')).toBe("30s");
    expect(defaultFromComment("Default: the resource name.")).toBe("the resource name");
    expect(defaultFromComment("dockerd's socket. Default /var/run/docker.sock.")).toBe("/var/run/docker.sock");
    expect(defaultFromComment("Read-only (CIS 5.13). Default true; false needs an exemption.")).toBe("true");
    expect(defaultFromComment("Extra labels.")).toBeUndefined();
  });

  it("parses @cis tags and expands ranges through the catalog", () => {
    expect(parseCisTag("5.12 5.11")).toEqual({ raw: "5.12 5.11", kind: "rules", tokens: ["5.12", "5.11"] });
    expect(parseCisTag("none what the container runs")).toEqual({
      raw: "none what the container runs",
      kind: "none",
      tokens: [],
      why: "what the container runs",
    });
    expect(expandCisToken("3.9–3.14")).toEqual({ ids: ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"] });
    expect(expandCisToken("hd-selinux-enabled")).toEqual({ ids: ["hd-selinux-enabled"] });
    expect(expandCisToken("2.19")).toEqual({ problem: 'unknown rule id "2.19"' });
    expect(expandCisToken("2.18–3.1")).toEqual({ problem: 'range "2.18–3.1" must run forwards within one section' });
  });

  it("finds the CIS ids a comment cites", () => {
    expect(citedInProse("Image reference — CIS 4.5 / 5.28. A tag alone needs an exemption for 4.5.")).toEqual([
      "4.5",
      "5.28",
    ]);
    expect(citedInProse("Directory of the TLS files (CIS 3.9–3.14).")).toEqual([
      "3.9",
      "3.10",
      "3.11",
      "3.12",
      "3.13",
      "3.14",
    ]);
    expect(citedInProse("/etc/docker (CIS 3.5, 3.6; certs.d below it: 3.7, 3.8).")).toEqual(["3.5", "3.6"]);
    expect(citedInProse("Privileged mode (5.5; also breaks 5.4).")).toEqual([]);
  });
});
