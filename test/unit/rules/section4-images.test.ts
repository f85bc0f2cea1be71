import { parseImageRef } from "../../../src/facts/image-ref";
import type { ContainerFacts } from "../../../src/facts/types";
import { matchAllowList } from "../../../src/rules/kit/images";
import { SECTION_4 } from "../../../src/rules/section4";
import { nonRootUser } from "../../../src/rules/section4/4.1-run-as-non-root";
import { trustedRegistries } from "../../../src/rules/section4/4.2-trusted-registries";
import { contentTrust } from "../../../src/rules/section4/4.5-verified-image";
import { healthcheckDefined } from "../../../src/rules/section4/4.6-healthcheck-defined";
import { DEFAULT_SETTINGS, type AnyRule, type Rule, type Verdict } from "../../../src/rules/types";
import { container, ctx, image } from "../../harness/fixtures";

const DIGEST = "sha256:" + "c".repeat(64);
const run = <K extends "container" | "image">(
  rule: Rule<K>,
  facts: Parameters<Rule<K>["check"]>[0],
  c = ctx(),
): Verdict => rule.check(facts, c);
const withAllowList = (...trustedRegistries: string[]) => ctx({ settings: { ...DEFAULT_SETTINGS, trustedRegistries } });

describe("section 4 catalog entries", () => {
  it("has 4.1–4.12 in order with CIS levels and automation", () => {
    expect(SECTION_4.map((r) => r.id)).toEqual([
      "4.1",
      "4.2",
      "4.3",
      "4.4",
      "4.5",
      "4.6",
      "4.7",
      "4.8",
      "4.9",
      "4.10",
      "4.11",
      "4.12",
    ]);
    expect(SECTION_4.filter((r) => r.automated).map((r) => r.id)).toEqual(["4.1", "4.5", "4.6"]);
    expect(SECTION_4.filter((r) => r.level === 2).map((r) => r.id)).toEqual(["4.5", "4.8", "4.11"]);
    for (const r of SECTION_4) {
      expect(r.section).toBe(4);
      expect(r.remediation.length).toBeGreaterThan(20);
      expect(r.subject).toBe(["4.1", "4.2", "4.5", "4.6"].includes(r.id) ? "container" : "image");
    }
  });

  it("compliant baselines pass every automated rule and get a report from every manual one", () => {
    const subjects = { container: container(), image: image() };
    for (const r of SECTION_4 as AnyRule[]) {
      const v = (r as Rule).check(subjects[r.subject as "container" | "image"] as never, ctx());
      expect([r.id, v.status]).toEqual([r.id, r.automated ? "pass" : "manual"]);
    }
  });
});

describe("4.1 non-root user", () => {
  it.each(["10001", "app", "1000:1000", "10001:0"])("passes container user %s", (user) => {
    expect(run(nonRootUser, container({ user })).status).toBe("pass");
  });

  it.each(["root", "0", "0:anything", "root:anything", "0:0"])("fails container user %s, naming the field", (user) => {
    expect(run(nonRootUser, container({ user }))).toMatchObject({ status: "fail", field: "user", observed: user });
  });

  it("a container user overrides a root image user", () => {
    expect(run(nonRootUser, container({ user: "10001", imageConfig: { user: "root" } })).status).toBe("pass");
  });

  it("a root container user fails even when the image user is non-root", () => {
    // naive check: "image sets a user" → pass
    expect(run(nonRootUser, container({ user: "0", imageConfig: { user: "app" } }))).toMatchObject({
      status: "fail",
      field: "user",
    });
  });

  it("falls back to the image's user when the container's is unset or empty", () => {
    expect(run(nonRootUser, container({ user: undefined, imageConfig: { user: "app" } })).status).toBe("pass");
    expect(run(nonRootUser, container({ user: "", imageConfig: { user: "1000:1000" } })).status).toBe("pass");
    expect(run(nonRootUser, container({ user: "", imageConfig: { user: "0:0" } }))).toMatchObject({
      status: "fail",
      field: "imageConfig.user",
      observed: "0:0",
    });
  });

  it("fails when neither container nor image sets a user (root by default)", () => {
    expect(run(nonRootUser, container({ user: undefined, imageConfig: { user: "" } }))).toMatchObject({
      status: "fail",
      field: "imageConfig.user",
    });
    expect(run(nonRootUser, container({ user: undefined, imageConfig: {} }))).toMatchObject({
      status: "fail",
      field: "imageConfig.user",
    });
  });

  it("fails a declared container with no user when the image's user is unknown (nothing ensures non-root)", () => {
    const v = run(nonRootUser, container({ origin: "declared", user: undefined, imageConfig: undefined }));
    expect(v).toMatchObject({ status: "fail", field: "user" });
    expect(v.status === "fail" && v.detail).toMatch(/not known/);
  });
});

describe("4.2 trusted registries", () => {
  const ref = (raw: string) => parseImageRef(raw);

  it("matches hosts and path prefixes on path boundaries", () => {
    expect(matchAllowList(ref("registry.example.com/team/app:1"), ["registry.example.com"])).toBe(
      "registry.example.com",
    );
    expect(matchAllowList(ref("registry.example.com/team/app:1"), ["registry.example.com/team"])).toBe(
      "registry.example.com/team",
    );
    expect(matchAllowList(ref("registry.example.com/team/app:1"), ["registry.example.com/team/app/"])).toBe(
      "registry.example.com/team/app/",
    );
    // naive startsWith would admit these
    expect(matchAllowList(ref("registry.example.com/teamster/app"), ["registry.example.com/team"])).toBeUndefined();
    expect(matchAllowList(ref("registry.example.com.evil.io/team/app"), ["registry.example.com"])).toBeUndefined();
    expect(matchAllowList(ref("registry.example.com:5000/team/app"), ["registry.example.com"])).toBeUndefined();
  });

  it("compares against the normalised Docker Hub reference", () => {
    expect(matchAllowList(ref("nginx:1.25"), ["docker.io/library"])).toBe("docker.io/library");
    expect(matchAllowList(ref("bitnami/redis"), ["docker.io/library"])).toBeUndefined();
    expect(matchAllowList(ref("Registry.Example.com/team/app"), ["registry.example.COM/team"])).toBe(
      "registry.example.COM/team",
    );
  });

  it("never matches an image ID or an empty entry", () => {
    expect(matchAllowList(ref("sha256:" + "d".repeat(64)), ["docker.io", ""])).toBeUndefined();
    expect(matchAllowList(ref("nginx"), ["", " / "])).toBeUndefined();
  });

  it("is manual and reports the image without an allow-list", () => {
    const v = run(trustedRegistries, container());
    expect(v).toMatchObject({
      status: "manual",
      report: { image: { registry: "registry.example.com", repository: "team/app" } },
    });
  });

  it("is manual with an allow-list, and reports whether it matched", () => {
    expect(run(trustedRegistries, container(), withAllowList("registry.example.com/team"))).toMatchObject({
      status: "manual",
      report: { matchedEntry: "registry.example.com/team", allowList: ["registry.example.com/team"] },
    });
    const miss = run(
      trustedRegistries,
      container({ image: ref("nginx:latest") }),
      withAllowList("registry.example.com"),
    );
    expect(miss).toMatchObject({ status: "manual", report: { matchedEntry: null } });
    expect(miss.status === "manual" && miss.guidance).toMatch(/no entry/);
  });

  it("reports that an image ID's registry is unknown", () => {
    const v = run(trustedRegistries, container({ image: ref("4d3c2b1a0f9e") }), withAllowList("docker.io"));
    expect(v).toMatchObject({ status: "manual", report: { image: { isImageId: true }, matchedEntry: null } });
  });
});

describe("4.5 content trust / pinned images", () => {
  it("passes a digest-pinned reference", () => {
    expect(run(contentTrust, container({ image: parseImageRef(`nginx@${DIGEST}`) })).status).toBe("pass");
  });

  it("fails a tag-only reference, naming the reference", () => {
    expect(run(contentTrust, container({ image: parseImageRef("registry.example.com/team/app:1.0") }))).toMatchObject({
      status: "fail",
      field: "image.digest",
      observed: "registry.example.com/team/app:1.0",
    });
  });

  it("fails an immutable-looking tag and a malformed digest (not a pin)", () => {
    expect(run(contentTrust, container({ image: parseImageRef("nginx:sha256-" + "c".repeat(64)) })).status).toBe(
      "fail",
    );
    expect(run(contentTrust, container({ image: parseImageRef("nginx@sha256:cafe") })).status).toBe("fail");
  });

  it("passes a tag when DOCKER_CONTENT_TRUST=1, and only when true", () => {
    const tagged = container({ image: parseImageRef("nginx:1.25") });
    expect(run(contentTrust, tagged, ctx({ contentTrust: true })).status).toBe("pass");
    expect(run(contentTrust, tagged, ctx({ contentTrust: false })).status).toBe("fail");
  });

  it("counts an image ID as pinned", () => {
    expect(run(contentTrust, container({ image: parseImageRef("sha256:" + "e".repeat(64)) })).status).toBe("pass");
    expect(run(contentTrust, container({ image: parseImageRef("4d3c2b1a0f9e") })).status).toBe("pass");
  });
});

describe("4.6 healthcheck", () => {
  const hc = { test: ["CMD", "/bin/true"] };
  const none = { test: ["NONE"] };
  const noOwn = (imageConfig: ContainerFacts["imageConfig"]) => container({ healthcheck: undefined, imageConfig });

  it("passes a healthcheck on the container", () => {
    expect(run(healthcheckDefined, container({ healthcheck: hc, imageConfig: undefined })).status).toBe("pass");
  });

  it("passes a healthcheck inherited from the image", () => {
    expect(run(healthcheckDefined, noOwn({ healthcheck: hc })).status).toBe("pass");
  });

  it("an empty container test inherits the image's check", () => {
    expect(
      run(healthcheckDefined, container({ healthcheck: { test: [] }, imageConfig: { healthcheck: hc } })).status,
    ).toBe("pass");
    expect(run(healthcheckDefined, container({ healthcheck: { test: [] }, imageConfig: {} }))).toMatchObject({
      status: "fail",
      field: "imageConfig.healthcheck",
    });
  });

  it("fails --no-healthcheck even though the image has a check (naive 'any healthcheck present' passes it)", () => {
    expect(run(healthcheckDefined, container({ healthcheck: none, imageConfig: { healthcheck: hc } }))).toMatchObject({
      status: "fail",
      field: "healthcheck.test",
      observed: ["NONE"],
    });
  });

  it("fails HEALTHCHECK NONE in the image", () => {
    expect(run(healthcheckDefined, noOwn({ healthcheck: none }))).toMatchObject({
      status: "fail",
      field: "imageConfig.healthcheck.test",
    });
  });

  it("fails when neither defines one", () => {
    expect(run(healthcheckDefined, noOwn({ user: "app" }))).toMatchObject({
      status: "fail",
      field: "imageConfig.healthcheck",
    });
  });

  it("fails a declared container without one when the image is unknown", () => {
    expect(run(healthcheckDefined, noOwn(undefined))).toMatchObject({
      status: "fail",
      field: "healthcheck",
      observed: null,
    });
  });
});

describe("report-only image items", () => {
  const manualIds = ["4.3", "4.4", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12"];
  it.each(manualIds)("%s reports the image and gives guidance", (id) => {
    const rule = SECTION_4.find((r) => r.id === id) as Rule<"image">;
    const v = rule.check(image({ id: "sha256:img", repoTags: ["x:1"], containersUsing: undefined }), ctx());
    expect(v.status).toBe("manual");
    if (v.status !== "manual") return;
    expect(v.guidance.length).toBeGreaterThan(40);
    expect(v.report).toEqual({ id: "sha256:img", repoTags: ["x:1"], repoDigests: image().repoDigests });
  });

  it("includes the usage count when known", () => {
    const rule = SECTION_4.find((r) => r.id === "4.4") as Rule<"image">;
    expect(rule.check(image({ containersUsing: 0 }), ctx())).toMatchObject({ report: { containersUsing: 0 } });
  });
});
