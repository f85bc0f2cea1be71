/** The Dockerfile parser on what the builder accepts and refuses, and the judging of what it reads. */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DockerfileError, keyValues, parseDockerfile, readDockerfile } from "../../../src/adapters/dockerfile";
import { dockerfileOf, judgeDockerfile } from "../../../src/policy/dockerfiles";

const refusal = (fn: () => unknown): DockerfileError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DockerfileError) return e;
    throw e;
  }
  throw new Error("no error");
};

describe("parseDockerfile", () => {
  it("joins continuations as the builder does, dropping comment and blank lines inside them", () => {
    const df = parseDockerfile(
      ["FROM alpine", "RUN apk update \\", "  # a comment inside", "", "  && apk add curl \\  ", "  && true"].join(
        "\n",
      ),
    );
    const run = df.instructions[1]!;
    expect(run).toMatchObject({ keyword: "RUN", line: 2, endLine: 6 });
    expect(run.args).toBe("apk update   && apk add curl   && true");
  });

  it("reads instructions in any case, and CRLF line ends", () => {
    const df = parseDockerfile("from alpine AS Base\r\nrUn echo hi\r\nuser app\r\n");
    expect(df.instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN", "USER"]);
    expect(df.stages[0]).toMatchObject({ name: "base", base: "alpine" });
    expect(df.instructions[2]!.args).toBe("app");
  });

  it("honours the escape directive: ` continues a line, \\ is an ordinary character", () => {
    const df = parseDockerfile(
      ["# escape=`", "FROM mcr.microsoft.com/windows/servercore", "RUN dir c:\\ `", "  && echo done"].join("\n"),
    );
    expect(df.escape).toBe("`");
    expect(df.instructions[1]!.args).toBe("dir c:\\   && echo done");
    expect(df.instructions[1]!.line).toBe(3);
  });

  it("reads directives only at the top: after a comment, `# escape=` is a comment", () => {
    const df = parseDockerfile(["# hello", "# escape=`", "FROM alpine", "RUN a \\", "b"].join("\n"));
    expect(df.escape).toBe("\\");
    expect(df.instructions[1]!.args).toBe("a b");
    expect(refusal(() => parseDockerfile("# escape=x\nFROM a")).message).toMatch(/invalid escape directive/);
  });

  it("tells the exec form from the shell form, and reads options", () => {
    const df = parseDockerfile(
      'FROM --platform=linux/amd64 alpine\nRUN ["apk", "update"]\nCOPY --from=build --chown=1:1 /a /b\nCMD [oops',
    );
    expect(df.stages[0]!.from.flags).toEqual(["--platform=linux/amd64"]);
    expect(df.instructions[1]!.exec).toEqual(["apk", "update"]);
    expect(df.instructions[2]).toMatchObject({ flags: ["--from=build", "--chown=1:1"], args: "/a /b" });
    expect(df.instructions[3]!.exec).toBeUndefined();
  });

  it("reads here-documents, with <<- stripping tabs", () => {
    const df = parseDockerfile(["FROM alpine", "RUN <<-EOF", "\tapk update", "\tEOF", "USER 1000"].join("\n"));
    expect(df.instructions[1]!.heredocs).toEqual([{ name: "EOF", body: "apk update" }]);
    expect(df.instructions[1]).toMatchObject({ line: 2, endLine: 4 });
    expect(df.instructions[2]).toMatchObject({ keyword: "USER", line: 5 });
    expect(refusal(() => parseDockerfile("FROM a\nRUN <<EOF\necho")).message).toMatch(/<<EOF is never closed/);
  });

  it("splits stages and the ARGs before the first FROM", () => {
    const df = parseDockerfile("ARG BASE=alpine:3\nFROM ${BASE} AS build\nRUN make\nFROM build\nUSER 1\n");
    expect(df.globalArgs).toHaveLength(1);
    expect(df.stages.map((s) => [s.base, s.name, s.instructions.length])).toEqual([
      ["${BASE}", "build", 1],
      ["build", undefined, 1],
    ]);
  });

  it("refuses what the builder refuses, naming the file and line", () => {
    expect(refusal(() => parseDockerfile("", "app/Dockerfile")).message).toBe(
      "app/Dockerfile: no instructions (the builder refuses it)",
    );
    expect(refusal(() => parseDockerfile("# only a comment\n\n", "D")).message).toMatch(/^D: no instructions/);
    expect(refusal(() => parseDockerfile("FROM a\nFRUM b", "D")).message).toBe('D:2: unknown instruction "FRUM"');
    expect(refusal(() => parseDockerfile("RUN x\nFROM a", "D")).message).toMatch(/^D:1: RUN before the first FROM/);
    expect(refusal(() => parseDockerfile("ARG A=1", "D")).message).toBe("D: no FROM: nothing to build");
    expect(refusal(() => parseDockerfile("FROM a b c d", "D")).message).toMatch(/^D:1: FROM takes an image/);
  });

  it("refuses binary garbage with a clear error naming the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hd-dockerfile-"));
    try {
      const nul = path.join(dir, "nul");
      writeFileSync(nul, Buffer.from([0x46, 0x52, 0x00, 0xff, 0x13, 0x37]));
      expect(refusal(() => readDockerfile(nul, "ctx/nul")).message).toBe(
        "ctx/nul: not a text file (it holds NUL bytes)",
      );
      const latin = path.join(dir, "latin");
      writeFileSync(latin, Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xe9, 0xff]));
      expect(refusal(() => readDockerfile(latin, "ctx/latin")).message).toBe(
        "ctx/latin: not a text file (not valid UTF-8)",
      );
      const noise = path.join(dir, "noise");
      writeFileSync(noise, "\u0001\u0002garbage here\n");
      expect(refusal(() => readDockerfile(noise, "ctx/noise")).message).toBe(
        'ctx/noise:1: unknown instruction "??garbage"',
      );
      expect(refusal(() => readDockerfile(path.join(dir, "missing"), "ctx/missing")).message).toBe(
        "ctx/missing: cannot read the Dockerfile (no such file)",
      );
      expect(refusal(() => readDockerfile(dir, "ctx")).message).toMatch(/a directory, not a file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads ENV and ARG pairs, quoted and legacy", () => {
    expect(keyValues({ keyword: "ENV", args: "A=1 B=\"two words\" C='x' D=a\\ b" })).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "two words" },
      { name: "C", value: "x" },
      { name: "D", value: "a b" },
    ]);
    expect(keyValues({ keyword: "ENV", args: "DB_PASSWORD s3cret value" })).toEqual([
      { name: "DB_PASSWORD", value: "s3cret value" },
    ]);
    expect(keyValues({ keyword: "ARG", args: "TOKEN" })).toEqual([{ name: "TOKEN" }]);
  });
});

describe("judgeDockerfile", () => {
  const judge = (text: string, target?: string) => judgeDockerfile(parseDockerfile(text), target);
  const of = (text: string, rule: string, target?: string) =>
    judge(text, target)
      .filter((j) => j.rule === rule)
      .map((j) => [j.status, j.line]);

  it("4.1 and 4.6 on the built stage, inherited through stage names", () => {
    const text = "FROM a AS base\nUSER 1000\nHEALTHCHECK CMD true\nFROM base\nRUN x\nFROM base AS root\nUSER 0:0";
    expect(of(text, "4.1")).toEqual([["fail", 7]]);
    expect(of(text, "4.1", "base")).toEqual([["pass", 2]]);
    expect(of(text, "4.6")).toEqual([["pass", 3]]);
    expect(of("FROM a\nUSER app\nHEALTHCHECK NONE", "4.6")).toEqual([["fail", 3]]);
    expect(of("FROM a\nUSER root", "4.1")).toEqual([["fail", 2]]);
    expect(of("FROM a\nUSER $U", "4.1")).toEqual([["unknown", 2]]);
    expect(of("FROM a AS x\nUSER 1\nFROM b", "4.1")).toEqual([["fail", 3]]);
    expect(of("FROM a", "4.1", "nope")).toEqual([["unknown", undefined]]);
  });

  it("4.7 on every RUN, exec form and heredocs included", () => {
    expect(of("FROM a\nRUN apt-get update && apt-get install -y x", "4.7")).toEqual([["pass", undefined]]);
    expect(of('FROM a\nRUN ["apt-get", "update"]\nRUN <<EOF\napk update\nEOF', "4.7")).toEqual([
      ["fail", 2],
      ["fail", 3],
    ]);
  });

  it("4.9: ADD fails, with why", () => {
    const j = judge("FROM a\nADD https://x.io/f /f\nADD app.tar.gz /app\nADD a b /c/\nCOPY d /d");
    expect(j.filter((x) => x.rule === "4.9").map((x) => [x.line, x.message.split(" ")[1]])).toEqual([
      [2, "fetches"],
      [3, "unpacks"],
      [4, "a"],
    ]);
  });

  it("4.10 names the variable and never its value", () => {
    const j = judge(
      "ARG API_TOKEN=tok-123\nFROM a\nENV DB_PASSWORD=pw-456 OTHER=1\nARG DB_PASS\n" +
        "ENV URL=postgres://u:pw-789@h/db\nENV PASSWORD_FILE=/run/secrets/db",
    ).filter((x) => x.rule === "4.10");
    expect(j.map((x) => x.line)).toEqual([1, 3, 5]);
    expect(j.map((x) => x.message).join("\n")).not.toMatch(/tok-123|pw-456|pw-789/);
    expect(j[1]!.message).toMatch(/DB_PASSWORD/);
  });

  it("5.28: each FROM naming an image is pinned by digest (build args resolved)", () => {
    const pinned = "alpine@sha256:" + "a".repeat(64);
    expect(of(`FROM ${pinned} AS b\nFROM b\nFROM scratch`, "5.28")).toEqual([["pass", undefined]]);
    expect(of(`ARG B=${pinned}\nFROM $B\nFROM node:20`, "5.28")).toEqual([["fail", 3]]);
    expect(of("ARG B\nFROM ${B}", "5.28")).toEqual([["unknown", 2]]);
  });
});

describe("dockerfileOf", () => {
  it("defaults the Dockerfile to the context's, resolved against the program's directory", () => {
    expect(dockerfileOf({ build: { context: "./app" } }, "/p")).toEqual({ file: "/p/app/Dockerfile" });
    expect(dockerfileOf({ build: { context: "app", dockerfile: "app/Dockerfile.prod", target: "run" } }, "/p")).toEqual(
      { file: "/p/app/Dockerfile.prod", target: "run" },
    );
    expect(dockerfileOf({ build: {} }, "/p")).toEqual({ file: "/p/Dockerfile" });
    expect(dockerfileOf({ build: { context: "https://github.com/x/y.git" } }, "/p")).toHaveProperty("unknown");
    expect(dockerfileOf({ build: { context: { unknown: true } } }, "/p")).toHaveProperty("unknown");
  });
});
