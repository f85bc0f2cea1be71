/**
 * Dockerfiles read the way the builder (BuildKit's Dockerfile frontend) reads them: parser
 * directives at the top (`# escape=`` ` ``), line continuations (the escape character at the end
 * of a line), comment and blank lines dropped (inside continuations too), instructions in any case,
 * JSON (exec) and shell forms, heredocs (`RUN <<EOF … EOF`) and multi-stage builds (`FROM … AS
 * name`). What the builder would refuse (an unknown instruction, no FROM, a binary file) is a
 * DockerfileError naming the file and line, so a caller never judges half a file.
 */
import { readFileSync } from "fs";
import { DOCKERFILE_INSTRUCTIONS } from "../facts/dockerfile-instructions";

/** A Dockerfile the builder would refuse, or one that cannot be read. */
export class DockerfileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${reason}`);
    this.name = "DockerfileError";
  }
}

export interface DockerfileInstruction {
  /** The instruction word, upper-cased (`run` is RUN). */
  keyword: string;
  /** Leading options (`--from=build`, `--mount=type=secret,id=x`, `--interval=5s`), as written. */
  flags: string[];
  /** What follows the word and its options, continuations joined as the builder joins them. */
  args: string;
  /** The exec form's words, when `args` is a JSON array of strings (else the shell form). */
  exec?: string[];
  /** Here-documents the instruction reads (`<<EOF`), with their bodies. */
  heredocs: { name: string; body: string }[];
  /** 1-based line of the instruction's first line, and of its last (continuations, heredocs). */
  line: number;
  endLine: number;
}

export interface DockerfileStage {
  /** 0-based position among the stages. */
  index: number;
  /** `FROM … AS name` (lower-cased, as the builder compares them). */
  name?: string;
  /** The base as written after FROM (`node:20`, `${BASE}`, `build` for an earlier stage). */
  base: string;
  from: DockerfileInstruction;
  /** The stage's instructions after its FROM. */
  instructions: DockerfileInstruction[];
}

export interface Dockerfile {
  /** The escape character in force (`\` unless `# escape=`` ` ``). */
  escape: string;
  /** Parser directives (`syntax`, `escape`, `check`), names lower-cased. */
  directives: Record<string, string>;
  /** ARGs before the first FROM (usable in FROM lines). */
  globalArgs: DockerfileInstruction[];
  stages: DockerfileStage[];
  instructions: DockerfileInstruction[];
}

/** Instructions that take `--name=value` options before their arguments. */
const WITH_FLAGS = new Set(["ADD", "COPY", "FROM", "HEALTHCHECK", "RUN"]);
/** Instructions whose arguments may open here-documents. */
const WITH_HEREDOCS = new Set(["ADD", "COPY", "RUN"]);
/** The directives BuildKit knows; any other `# name=value` line ends the directives (it is a comment). */
const DIRECTIVES = new Set(["syntax", "escape", "check"]);
const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/;
/** An option before the arguments: `--name`, `--name=value`. */
const FLAG = /^(--[A-Za-z][A-Za-z0-9-]*(?:=\S*)?)(?:\s+|$)/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");

/** The bytes as UTF-8 text; a binary file (a NUL byte, invalid UTF-8) is refused. */
function decode(bytes: Uint8Array, file: string): string {
  if (bytes.includes(0)) throw new DockerfileError(file, "not a text file (it holds NUL bytes)");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new DockerfileError(file, "not a text file (not valid UTF-8)");
  }
}

/** Read and parse the Dockerfile at `file`; a file that cannot be read is a DockerfileError too. */
export function readDockerfile(file: string, shownAs: string = file): Dockerfile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT"
        ? "no such file"
        : err.code === "EISDIR"
          ? "a directory, not a file"
          : err.code === "EACCES"
            ? "permission denied"
            : (err.code ?? err.message);
    throw new DockerfileError(shownAs, `cannot read the Dockerfile (${why})`);
  }
  return parseDockerfile(decode(bytes, shownAs), shownAs);
}

/** Parse Dockerfile text; `file` names it in errors. */
export function parseDockerfile(text: string, file = "Dockerfile"): Dockerfile {
  if (text.includes("\u0000")) throw new DockerfileError(file, "not a text file (it holds NUL bytes)");
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  // Parser directives: `# name=value` lines at the very top, each known name once.
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m || !DIRECTIVES.has(m[1]!.toLowerCase())) break;
    const name = m[1]!.toLowerCase();
    if (name in directives) throw new DockerfileError(file, `the ${name} directive is given twice`, i + 1);
    directives[name] = m[2]!;
  }
  const escape = directives.escape ?? "\\";
  if (escape !== "\\" && escape !== "`")
    throw new DockerfileError(file, `invalid escape directive "${escape}" (the escape character is \\ or \`)`);
  const continuation = new RegExp(`${escapeRegExp(escape)}[ \\t]*$`);
  const skip = (l: string) => l.trim() === "" || l.trim().startsWith("#");

  const instructions: DockerfileInstruction[] = [];
  while (i < lines.length) {
    if (skip(lines[i]!)) {
      i++;
      continue;
    }
    const start = i;
    // The logical line: physical lines joined while each ends in the escape character (the
    // character and the newline removed, as the builder does), comment and blank lines dropped.
    let logical = "";
    let line = lines[i]!;
    while (continuation.test(line)) {
      logical += line.replace(continuation, "");
      i++;
      while (i < lines.length && skip(lines[i]!)) i++;
      if (i >= lines.length) {
        line = "";
        break;
      }
      line = lines[i]!;
    }
    logical += line;
    i++;
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(logical)!;
    const keyword = m[1]!.toUpperCase();
    if (!DOCKERFILE_INSTRUCTIONS.has(keyword))
      throw new DockerfileError(file, `unknown instruction "${excerptOf(m[1]!)}"`, start + 1);
    let rest = m[2]!.trim();
    const flags: string[] = [];
    if (WITH_FLAGS.has(keyword)) {
      for (let f = FLAG.exec(rest); f; f = FLAG.exec(rest)) {
        flags.push(f[1]!);
        rest = rest.slice(f[0].length);
      }
    }
    // Here-documents: their bodies are the lines that follow, up to the line that is the word.
    const heredocs: { name: string; body: string }[] = [];
    if (WITH_HEREDOCS.has(keyword) && !rest.startsWith("[")) {
      for (const h of rest.matchAll(HEREDOC)) {
        const [, strip, , name] = h as unknown as [string, string, string, string];
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length)
            throw new DockerfileError(file, `here-document <<${name} is never closed (no line "${name}")`, start + 1);
          const l = strip ? lines[i]!.replace(/^\t+/, "") : lines[i]!;
          i++;
          if (l === name) break;
          body.push(l);
        }
        heredocs.push({ name, body: body.join("\n") });
      }
    }
    const exec = execForm(rest);
    instructions.push({
      keyword,
      flags,
      args: rest,
      ...(exec ? { exec } : {}),
      heredocs,
      line: start + 1,
      endLine: i,
    });
  }
  if (instructions.length === 0) throw new DockerfileError(file, "no instructions (the builder refuses it)");

  const globalArgs: DockerfileInstruction[] = [];
  const stages: DockerfileStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => w !== "");
      if (words.length === 0) throw new DockerfileError(file, "FROM names no image", ins.line);
      const named = words.length === 3 && words[1]!.toUpperCase() === "AS";
      if (words.length !== 1 && !named)
        throw new DockerfileError(file, `FROM takes an image and an optional "AS name": ${ins.args}`, ins.line);
      stages.push({
        index: stages.length,
        ...(named ? { name: words[2]!.toLowerCase() } : {}),
        base: words[0]!,
        from: ins,
        instructions: [],
      });
    } else if (stages.length > 0) stages.at(-1)!.instructions.push(ins);
    else if (ins.keyword === "ARG") globalArgs.push(ins);
    else throw new DockerfileError(file, `${ins.keyword} before the first FROM (only ARG may come first)`, ins.line);
  }
  if (stages.length === 0) throw new DockerfileError(file, "no FROM: nothing to build");
  return { escape, directives, globalArgs, stages, instructions };
}

/** The exec form's words: a JSON array of strings (anything else is the shell form). */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((w) => typeof w === "string") ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What an error shows of a word from an untrusted file: printable, short. */
function excerptOf(word: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const shown = word.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return shown.length > 40 ? shown.slice(0, 39) + "…" : shown;
}

/**
 * The `name=value` pairs of an ENV, LABEL or ARG (`ARG NAME` gives no value). Values are unquoted
 * as the builder does (`"a b"`, `'a'`, escaped quotes); the legacy `ENV NAME value` form too.
 */
export function keyValues(ins: Pick<DockerfileInstruction, "keyword" | "args">): { name: string; value?: string }[] {
  const words = shellWords(ins.args);
  if (ins.keyword === "ENV" && words.length > 0 && !words[0]!.includes("=")) {
    // The legacy form: the first word is the name, the rest of the line its value.
    const name = words[0]!;
    return [
      {
        name,
        value: unquote(
          ins.args
            .trim()
            .slice(ins.args.trim().indexOf(name) + name.length)
            .trim(),
        ),
      },
    ];
  }
  return words.map((w) => {
    const eq = w.indexOf("=");
    return eq < 0 ? { name: w } : { name: w.slice(0, eq), value: unquote(w.slice(eq + 1)) };
  });
}

/** Words split on unquoted blanks (quotes kept, for unquote). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote = "";
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (quote) {
      word += c;
      if (c === "\\" && quote === '"' && k + 1 < text.length) word += text[++k];
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
      word += c;
    } else if (c === "\\" && k + 1 < text.length) word += c + text[++k];
    else if (/\s/.test(c)) {
      if (word) words.push(word);
      word = "";
    } else word += c;
  }
  if (word) words.push(word);
  return words;
}

/** A word with its quotes and escapes taken off. */
function unquote(word: string): string {
  let out = "";
  let quote = "";
  for (let k = 0; k < word.length; k++) {
    const c = word[k]!;
    if (quote === "'") {
      if (c === "'") quote = "";
      else out += c;
    } else if (c === "\\" && k + 1 < word.length) out += word[++k];
    else if (c === quote) quote = "";
    else if (!quote && (c === '"' || c === "'")) quote = c;
    else out += c;
  }
  return out;
}
