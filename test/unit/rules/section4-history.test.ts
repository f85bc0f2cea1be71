/**
 * 4.7, 4.9 and 4.10 judged from an image's history (the live audit reads it; the pack has none
 * and keeps the how-to). Lines in the forms the engine writes: the classic builder's (captured in
 * test/unit/adapters/fixtures/engine-image-history-probe.json) and BuildKit's (`… # buildkit`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { imageFactsFromInspect, imageHistoryFromEngine } from "../../../src/adapters/engine-api";
import type { ImageFacts } from "../../../src/facts/types";
import { historyInstructions, loneUpdates, parseHistoryLine } from "../../../src/rules/kit/images";
import { noSecretsInDockerfile } from "../../../src/rules/section4/4.10-no-secrets-dockerfile-image-layers";
import { noLoneUpdate } from "../../../src/rules/section4/4.7-dockerfile-runs-no-package-update";
import { copyNotAdd } from "../../../src/rules/section4/4.9-dockerfile-uses-copy-instead-add";
import type { Rule, Verdict } from "../../../src/rules/types";
import { ctx, image } from "../../harness/fixtures";

const FIXTURES = join(__dirname, "..", "adapters", "fixtures");
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8"));

/** An image whose history is these lines, newest first (an imported base layer at the bottom). */
const withHistory = (lines: string[], extra: Partial<ImageFacts> = {}): ImageFacts =>
  image({ history: [...lines, ""].map((createdBy) => ({ createdBy })), ...extra });
const judge = (rule: Rule<"image">, img: ImageFacts): Verdict => rule.check(img, ctx());
const NOP = "/bin/sh -c #(nop) ";

describe("history lines read as instructions", () => {
  it.each([
    [`${NOP} CMD ["sh"]`, "CMD", '["sh"]'],
    [`${NOP}ADD file:abc in /app/x `, "ADD", "file:abc in /app/x"],
    ["/bin/sh -c apt-get update", "RUN", "apt-get update"],
    ["|2 A=1 B=2 /bin/sh -c apt-get update", "RUN", "apt-get update"],
    ["/bin/bash -o pipefail -c apk update", "RUN", "apk update"],
    ["RUN /bin/sh -c apt-get update # buildkit", "RUN", "apt-get update"],
    ["RUN |1 DB_PASSWORD=*** /bin/sh -c make # buildkit", "RUN", "make"],
    ["ADD alpine-minirootfs.tar.gz / # buildkit", "ADD", "alpine-minirootfs.tar.gz /"],
    ["COPY app /app # buildkit", "COPY", "app /app"],
    ["ENV A=b", "ENV", "A=b"],
    ["", "", ""],
    ["# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'", "", expect.any(String)],
  ])("%j → %s", (line, instruction, text) => {
    expect(parseHistoryLine(line, 0)).toMatchObject({ instruction, text });
  });

  it("no history, or one naming no instruction (docker import, the test image): nothing to judge", () => {
    expect(historyInstructions(image())).toBeUndefined();
    expect(historyInstructions(image({ history: [{ createdBy: "", comment: "Imported from -" }] }))).toBeUndefined();
  });
});

describe("without a history the three stay manual with their how-to (the pack, an imported image)", () => {
  it.each([noLoneUpdate, copyNotAdd, noSecretsInDockerfile])("$id", (rule) => {
    for (const img of [image(), image({ history: [{ createdBy: "" }] })]) {
      const v = judge(rule, img);
      expect(v.status).toBe("manual");
      expect(v).toMatchObject({ guidance: expect.stringContaining("docker history --no-trunc") });
    }
    expect(rule.automated).toBe(false);
  });
});

describe("the captured probe image (every defect at once)", () => {
  const img: ImageFacts = {
    ...imageFactsFromInspect(fixture("engine-image-probe")),
    history: imageHistoryFromEngine(fixture("engine-image-history-probe"), "hd-probe:1"),
  };

  it("4.7 fails on the lone `apt-get update`, naming its line", () => {
    expect(judge(noLoneUpdate, img)).toEqual({
      status: "fail",
      field: "history[4].createdBy",
      observed: "RUN |1 DB_PASSWORD=*** /bin/sh -c apt-get update",
      expected: "the apt index update in the same RUN as the install that uses it",
      detail: "package index updated alone in history line 4 (0 = newest, as docker history lists them)",
    });
  });

  it("4.9 fails on the ADD of a local file", () => {
    expect(judge(copyNotAdd, img)).toMatchObject({
      status: "fail",
      field: "history[7].createdBy",
      observed: expect.stringMatching(/^ADD file:[0-9a-f]{64} in \/app\/app.txt$/),
    });
  });

  it("4.10 fails on the ENV, naming the variable and every line, never the value", () => {
    const v = judge(noSecretsInDockerfile, img);
    expect(v).toMatchObject({ status: "fail", field: "env", observed: ["DB_PASSWORD"] });
    expect(v.status === "fail" && v.detail).toBe(
      "credentials named in Config.Env: DB_PASSWORD; history line 2 (ENV): DB_PASSWORD; " +
        "history line 3 (RUN): DB_PASSWORD; history line 4 (RUN): DB_PASSWORD; history line 5 (RUN): DB_PASSWORD",
    );
    expect(JSON.stringify(v)).not.toMatch(/hunter2|s3cret/);
  });
});

describe("4.7 package index updates", () => {
  it.each([
    "apt-get update",
    "apt-get -qq update",
    "apt update",
    "apk update",
    "yum makecache",
    "dnf -y check-update",
    "zypper refresh",
    "apt-get update && pip install x",
    '["apt-get","update"]',
  ])("alone: %s fails", (cmd) => {
    expect(loneUpdates(cmd).length).toBeGreaterThan(0);
    expect(judge(noLoneUpdate, withHistory([`/bin/sh -c ${cmd}`]))).toMatchObject({
      status: "fail",
      field: "history[0].createdBy",
    });
  });

  it.each([
    "apt-get update && apt-get install -y --no-install-recommends curl",
    "apt-get update && apt-get -y upgrade",
    "apk update && apk add curl",
    "apk add --update curl",
    "yum makecache && yum install -y curl",
    "yum update -y",
    "echo update",
    "update-alternatives --set x y",
  ])("combined or none: %s passes", (cmd) => {
    expect(judge(noLoneUpdate, withHistory([`RUN /bin/sh -c ${cmd} # buildkit`])).status).toBe("pass");
  });

  it("an update in a metadata step is no RUN", () => {
    expect(judge(noLoneUpdate, withHistory([`${NOP} LABEL note="apt-get update"`])).status).toBe("pass");
  });
});

describe("4.9 ADD", () => {
  it.each([
    [`${NOP}ADD file:abc in /app/x `],
    [`${NOP}ADD dir:abc in /app `],
    ["ADD https://example.com/x.tgz /x # buildkit"],
    ["ADD app.tar.gz / # buildkit"], // not the bottom layer: the user's Dockerfile
  ])("%s fails", (line) => {
    expect(judge(copyNotAdd, withHistory([line, `${NOP} CMD ["sh"]`].reverse()))).toMatchObject({
      status: "fail",
      field: "history[1].createdBy",
      expected: expect.stringContaining("COPY"),
    });
  });

  it("the base image's root filesystem (the oldest line, an ADD into /) is not the user's ADD", () => {
    for (const base of [`${NOP}ADD file:abc in / `, "ADD alpine-minirootfs-3.19.tar.gz / # buildkit"]) {
      const img = image({ history: [{ createdBy: `${NOP}COPY file:def in /app ` }, { createdBy: base }] });
      expect(judge(copyNotAdd, img).status).toBe("pass");
    }
    // The same ADD one layer up is judged.
    const img = image({
      history: [{ createdBy: `${NOP}ADD file:abc in / ` }, { createdBy: `${NOP}ADD file:base in / ` }],
    });
    expect(judge(copyNotAdd, img)).toMatchObject({ status: "fail", field: "history[0].createdBy" });
  });
});

describe("4.10 credentials", () => {
  it.each([
    [`${NOP} ENV DB_PASSWORD=***`, "DB_PASSWORD"],
    [`${NOP} ARG API_KEY=***`, "API_KEY"],
    ["|1 GITHUB_TOKEN=*** /bin/sh -c make", "GITHUB_TOKEN"],
    ["/bin/sh -c mysql --password=*** db", "--password"],
    ["/bin/sh -c login --token *** x", "--token"],
    ["RUN /bin/sh -c curl https://u:***@example.com/x # buildkit", "a password in a URL"],
  ])("%s fails naming %s", (line, name) => {
    const v = judge(noSecretsInDockerfile, withHistory([line]));
    expect(v).toMatchObject({ status: "fail", field: "history[0].createdBy" });
    expect(v.status === "fail" && v.detail).toContain(name);
  });

  it.each([
    `${NOP} ARG DB_PASSWORD`,
    `${NOP} ENV POSTGRES_PASSWORD_FILE=/run/secrets/db`,
    `${NOP} ENV PASSIVE=1`,
    "/bin/sh -c make --passive x",
  ])("%s passes (no value, a location, not a credential word)", (line) => {
    expect(judge(noSecretsInDockerfile, withHistory([line])).status).toBe("pass");
  });

  it("Config.Env: a credential with a value fails naming it; an empty one passes", () => {
    const history = [`${NOP} CMD ["sh"]`];
    expect(judge(noSecretsInDockerfile, withHistory(history, { env: ["PATH=/bin", "API_TOKEN=***"] }))).toMatchObject({
      status: "fail",
      field: "env",
      observed: ["API_TOKEN"],
    });
    expect(judge(noSecretsInDockerfile, withHistory(history, { env: ["API_TOKEN="] })).status).toBe("pass");
  });

  it("an unredacted value (facts built elsewhere) is still not shown", () => {
    const v = judge(noSecretsInDockerfile, withHistory(["|1 DB_PASSWORD=hunter2 /bin/sh -c make"]));
    expect(v.status).toBe("fail");
    expect(JSON.stringify(v)).not.toContain("hunter2");
  });
});
