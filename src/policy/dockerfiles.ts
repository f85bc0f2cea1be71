/**
 * `check` lints the Dockerfiles a program builds (docker.Image `build`): what the image will be is
 * known before it is built, from its Dockerfile. Each instruction is judged by the catalog rule
 * the audit judges the built image by (the same record: id, title, remediation, policy name and
 * enforcement), and each finding points at the Dockerfile's line. A Dockerfile that cannot be read
 * or parsed is an `error` under each rule, never a silent pass.
 */
import * as path from "path";
import {
  DockerfileError,
  keyValues,
  readDockerfile,
  type Dockerfile,
  type DockerfileInstruction,
  type DockerfileStage,
} from "../adapters/dockerfile";
import { redactCommandLine } from "../facts/redact";
import {
  reportUri,
  type Enforcement,
  type FindingStatus,
  type ReportFinding,
  type ReportLocation,
} from "../report/findings";
import { reportRuleOf } from "../report/rule-metadata";
import type { Benchmark } from "../rules/benchmarks";
import { ruleById } from "../rules/catalog";
import { credentialsOnLine, excerpt, isCredentialName, loneUpdates } from "../rules/kit/images";
import { isRootUser } from "../rules/predicates";
import type { AnyRule } from "../rules/types";
import type { CollectedResource, ProgramRun } from "./program";

/** @pulumi/docker's Image (v4+): `build: { context, dockerfile, target, … }`. */
export const DOCKER_IMAGE_TYPE = "docker:index/image:Image";

/**
 * The rules a Dockerfile answers. Pinning FROM by digest is judged under 5.28 (image-pinned), the
 * rule that already judges whether an image reference is pinned (4.2 is about which registries
 * are trusted, not pinning).
 */
export const DOCKERFILE_RULES = ["4.1", "4.6", "4.7", "4.9", "4.10", "5.28"] as const;
export type DockerfileRuleId = (typeof DOCKERFILE_RULES)[number];

/** One rule's outcome on one Dockerfile line (no line: the file as a whole). */
export interface DockerfileJudgement {
  rule: DockerfileRuleId;
  status: "fail" | "pass" | "unknown";
  message: string;
  line?: number;
}

const DIGEST_PINNED = /@sha256:[0-9a-f]{64}$/;
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
const ARCHIVE = /\.(?:tar|tar\.(?:gz|bz2|xz|zst)|tgz|tbz2?|txz)$/i;
const ARG_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g;

/** The stage, then the earlier stage its FROM names, and so on: what it inherits USER and HEALTHCHECK from. */
function lineage(df: Dockerfile, stage: DockerfileStage): DockerfileStage[] {
  const chain = [stage];
  for (let s = stage; ;) {
    const parent = df.stages.find((p) => p.index < s.index && p.name === s.base.toLowerCase());
    if (!parent) return chain;
    chain.push(parent);
    s = parent;
  }
}

/** The last instruction `keyword` in force in the stage (its own, else its parent stage's). */
function lastOf(chain: DockerfileStage[], keyword: string): DockerfileInstruction | undefined {
  for (const s of chain) {
    const found = s.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** A RUN's command as the shell would get it: the exec form's words, the shell form, its heredocs. */
const runText = (i: DockerfileInstruction): string =>
  [i.exec ? i.exec.join(" ") : i.args, ...i.heredocs.map((h) => h.body)].join("\n");

/** The final stage's base and what it is: `FROM node:20 (line 3)`. */
const fromText = (s: DockerfileStage) => `FROM ${s.base} (line ${s.from.line})`;

/** Why an ADD is worse than COPY here: it fetches, unpacks, or merely copies. */
function addReason(i: DockerfileInstruction): string {
  if (i.heredocs.length > 0) return "ADD of a here-document: COPY writes it the same way";
  const words = i.exec ?? i.args.split(/\s+/).filter((w) => w !== "");
  const sources = words.slice(0, -1).map((w) => redactCommandLine(w));
  const remote = sources.find((s) => REMOTE.test(s));
  if (remote)
    return `ADD fetches ${excerpt(remote, 80)} at build time: download it explicitly (curl) and verify its checksum`;
  const archive = sources.find((s) => ARCHIVE.test(s));
  if (archive) return `ADD unpacks the archive ${excerpt(archive, 80)} implicitly: COPY it and unpack it explicitly`;
  return `ADD ${excerpt(sources.join(" "), 80)}: COPY does the same without fetching URLs or unpacking archives`;
}

/** The credential-named variables an ENV or ARG gives a value, by name (never their values). */
function credentialsIn(i: DockerfileInstruction): string[] {
  return keyValues(i).flatMap(({ name, value }) => {
    if (value === undefined || value === "") return [];
    if (isCredentialName(name)) return [name];
    const inside = credentialsOnLine(value);
    return inside.length > 0 ? [`${name} (${inside.join(", ")})`] : [];
  });
}

/**
 * Judge one parsed Dockerfile. 4.1 and 4.6 judge the stage that is built (the last, or `target`);
 * 4.7, 4.9, 4.10 and 5.28 every stage (a builder stage's ADD, stale index or secret is as much the
 * Dockerfile's, and the build runs it).
 */
export function judgeDockerfile(df: Dockerfile, target?: string): DockerfileJudgement[] {
  const out: DockerfileJudgement[] = [];
  const built = target ? df.stages.find((s) => s.name === target.toLowerCase()) : df.stages.at(-1);
  const all = df.stages.flatMap((s) => s.instructions);
  if (built) judgeBuiltStage(df, built, out);
  else {
    const message = `no stage named "${target}" (build.target): the built stage is not known`;
    out.push(...(["4.1", "4.6"] as const).map((rule) => ({ rule, status: "unknown" as const, message })));
  }

  return judgeRest(df, all, out);
}

/** 4.1 and 4.6 on the stage that is built. */
function judgeBuiltStage(df: Dockerfile, built: DockerfileStage, out: DockerfileJudgement[]): void {
  const chain = lineage(df, built);
  // 4.1: the USER in force in the built stage.
  const user = lastOf(chain, "USER");
  const who = user?.args.split(/\s+/)[0] ?? "";
  if (!user)
    out.push({
      rule: "4.1",
      status: "fail",
      line: built.from.line,
      message:
        `the built stage (${fromText(built)}) sets no USER: the container runs as root, unless the base ` +
        "image sets a user (not known here); add `USER <non-root uid>`",
    });
  else if (who.includes("$"))
    out.push({
      rule: "4.1",
      status: "unknown",
      line: user.line,
      message: `USER ${who} depends on a build arg: the user is not known before the build`,
    });
  else if (isRootUser(who))
    out.push({ rule: "4.1", status: "fail", line: user.line, message: `USER ${who}: the container runs as root` });
  else out.push({ rule: "4.1", status: "pass", line: user.line, message: `the built stage runs as USER ${who}` });

  // 4.6: the HEALTHCHECK in force in the built stage.
  const health = lastOf(chain, "HEALTHCHECK");
  if (!health)
    out.push({
      rule: "4.6",
      status: "fail",
      line: built.from.line,
      message: `the built stage (${fromText(built)}) has no HEALTHCHECK (the base image's, if any, is not known here)`,
    });
  else if (health.args.trim().toUpperCase() === "NONE")
    out.push({
      rule: "4.6",
      status: "fail",
      line: health.line,
      message: "HEALTHCHECK NONE disables the healthcheck",
    });
  else out.push({ rule: "4.6", status: "pass", line: health.line, message: "the built stage has a HEALTHCHECK" });
}

/** 4.7, 4.9, 4.10 and 5.28 on every stage. */
function judgeRest(df: Dockerfile, all: DockerfileInstruction[], out: DockerfileJudgement[]): DockerfileJudgement[] {
  // 4.7: a package index update in a RUN without the install that uses it.
  const lone = all.filter((i) => i.keyword === "RUN" && loneUpdates(runText(i)).length > 0);
  for (const i of lone)
    out.push({
      rule: "4.7",
      status: "fail",
      line: i.line,
      message:
        `RUN updates the ${loneUpdates(runText(i)).join(", ")} package index without installing in the same RUN ` +
        `(the cached layer keeps a stale index): RUN ${excerpt(redactCommandLine(runText(i)), 80)}`,
    });
  if (lone.length === 0)
    out.push({ rule: "4.7", status: "pass", message: "no package index update in a RUN without its install" });

  // 4.9: ADD, with what it does that COPY would not.
  const adds = all.filter((i) => i.keyword === "ADD");
  for (const i of adds) out.push({ rule: "4.9", status: "fail", line: i.line, message: addReason(i) });
  if (adds.length === 0) out.push({ rule: "4.9", status: "pass", message: "no ADD: files are COPYed" });

  // 4.10: credentials given a value by ENV or an ARG default (named, the value never shown).
  const secrets = [...df.globalArgs, ...all]
    .filter((i) => i.keyword === "ENV" || i.keyword === "ARG")
    .map((i) => ({ i, names: credentialsIn(i) }))
    .filter((x) => x.names.length > 0);
  for (const { i, names } of secrets)
    out.push({
      rule: "4.10",
      status: "fail",
      line: i.line,
      message:
        `${i.keyword} gives ${names.join(", ")} a value in the Dockerfile (value not shown): ` +
        (i.keyword === "ENV" ? "the image's config and history keep it" : "the build history keeps it"),
    });
  if (secrets.length === 0)
    out.push({ rule: "4.10", status: "pass", message: "no credential given a value by ENV or an ARG default" });

  // 5.28: each FROM that names an image (not scratch, not an earlier stage) pinned by digest.
  const defaults = new Map(
    df.globalArgs.flatMap((i) => keyValues(i)).flatMap((kv) => (kv.value !== undefined ? [[kv.name, kv.value]] : [])),
  );
  let bases = 0;
  for (const s of df.stages) {
    const base = s.base.replace(ARG_REF, (whole, name: string) => defaults.get(name) ?? whole);
    const earlier = df.stages.some((p) => p.index < s.index && p.name === base.toLowerCase());
    if (earlier || base.toLowerCase() === "scratch") continue;
    bases++;
    if (base.includes("$"))
      out.push({
        rule: "5.28",
        status: "unknown",
        line: s.from.line,
        message: `FROM ${s.base} depends on a build arg without a default: the base image is not known here`,
      });
    else if (!DIGEST_PINNED.test(base))
      out.push({
        rule: "5.28",
        status: "fail",
        line: s.from.line,
        message: `FROM ${base} is not pinned by digest: pin it as ${base.replace(/@.*$/, "")}@sha256:<digest>`,
      });
  }
  if (!out.some((o) => o.rule === "5.28"))
    out.push({
      rule: "5.28",
      status: "pass",
      message: bases > 0 ? "every base image is pinned by digest" : "no base image to pin (FROM scratch)",
    });
  return out;
}

/** Where the image's Dockerfile is, or why it is not known before deploy. */
export function dockerfileOf(
  inputs: Record<string, unknown>,
  projectDir: string,
): { file: string; target?: string } | { unknown: string } {
  const raw = inputs.build;
  // @pulumi/docker < 4 also took the context as a string.
  const build = (typeof raw === "string" ? { context: raw } : raw) as Record<string, unknown> | undefined;
  if (build === undefined || build === null || typeof build !== "object")
    return { unknown: "the image has no build (it is not built from a Dockerfile here)" };
  const context = build.context ?? ".";
  const dockerfile = build.dockerfile;
  if (typeof context !== "string" || (dockerfile !== undefined && typeof dockerfile !== "string"))
    return { unknown: "the Dockerfile's path is not known before deploy (it comes from another resource's output)" };
  if (REMOTE.test(context)) return { unknown: `the build context ${context} is remote: its Dockerfile is not read` };
  // The provider resolves both against the program's directory; the Dockerfile defaults to the context's.
  const file = path.resolve(projectDir, dockerfile ?? path.join(context, "Dockerfile"));
  return { file, ...(typeof build.target === "string" && build.target !== "" ? { target: build.target } : {}) };
}

export interface DockerfileCheckOptions {
  /** The program's project directory (what relative build paths are resolved against). */
  projectDir: string;
  /** Root for relative locations in reports. */
  root: string;
  benchmark: Benchmark;
  /** The rule's enforcement under the check's profile and config; undefined: not in the benchmark judged. */
  enforcement: (rule: AnyRule) => Enforcement | undefined;
  /** A resource's place in the program (for findings not located in a Dockerfile). */
  locate: (urn: string) => ReportLocation | undefined;
}

/** The findings on every Dockerfile the program's docker.Images build. */
export function dockerfileFindings(run: ProgramRun, options: DockerfileCheckOptions): ReportFinding[] {
  const rules = DOCKERFILE_RULES.flatMap((id) => {
    const rule = ruleById(id)!;
    const enforcement = options.enforcement(rule);
    return enforcement && enforcement !== "disabled" ? [{ id, rule, enforcement }] : [];
  });
  if (rules.length === 0) return [];
  const rel = (file: string) => reportUri(options.root, file);
  return run.resources
    .filter((r) => r.type === DOCKER_IMAGE_TYPE)
    .flatMap((r: CollectedResource) => {
      const subject = { id: r.urn, name: r.name, type: r.type };
      const finding = (
        rule: (typeof rules)[number],
        status: FindingStatus,
        message: string,
        location: ReportLocation | undefined,
      ): ReportFinding => ({
        rule: reportRuleOf(rule.rule, options.benchmark),
        subject,
        status,
        enforcement: rule.enforcement,
        message,
        ...(location ? { location } : {}),
        source: "inputs",
      });
      const where = dockerfileOf(r.inputs, options.projectDir);
      if ("unknown" in where) {
        // An image pulled or built elsewhere has no Dockerfile to judge: nothing to say.
        if (r.inputs.build === undefined) return [];
        return rules.map((rule) => finding(rule, "unknown", `${where.unknown}: not judged`, options.locate(r.urn)));
      }
      let df: Dockerfile;
      try {
        df = readDockerfile(where.file, rel(where.file));
      } catch (e) {
        if (!(e instanceof DockerfileError)) throw e;
        const location = { uri: rel(where.file), ...(e.line ? { line: e.line } : {}) };
        return rules.map((rule) => finding(rule, "error", `${e.message}: the Dockerfile is not judged`, location));
      }
      const judged = judgeDockerfile(df, where.target);
      return rules.flatMap((rule) =>
        judged
          .filter((j) => j.rule === rule.id)
          .map((j) =>
            finding(rule, j.status, j.message, { uri: rel(where.file), ...(j.line ? { line: j.line } : {}) }),
          ),
      );
    });
}
