/**
 * Where a fix goes in the program's source: the edits that set a resource's inputs to new values
 * in the object literal of its `new X(name, { … })` call, for SARIF `fixes` and the JSON report.
 * A small scanner of TypeScript (strings, templates, comments, brackets), not a parser: where
 * the call is not written that way (a factory function, args in a variable), there is no edit.
 */
import type { SourceRegion } from "./findings";

/** Replace `length` characters at `offset` (UTF-16 code units, as SARIF counts by default) with `text`. */
export interface SourceEdit {
  offset: number;
  length: number;
  text: string;
}

interface Property {
  key?: string;
  /** The property's text, from its key to the end of its value. */
  start: number;
  end: number;
}

/** The index just past a string, template or comment starting at `i`, or `i` when none starts there. */
function skipLiteral(text: string, i: number): number {
  const c = text[i];
  if (c === "/" && text[i + 1] === "/") {
    const end = text.indexOf("\n", i);
    return end < 0 ? text.length : end;
  }
  if (c === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (c === '"' || c === "'") {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === c) return j + 1;
    }
    return text.length;
  }
  if (c === "`") {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === "`") return j + 1;
      else if (text[j] === "$" && text[j + 1] === "{") j = skipBalanced(text, j + 1) - 1;
    }
    return text.length;
  }
  return i;
}

/** The index just past the bracket that closes the one at `open`. */
function skipBalanced(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length;) {
    const past = skipLiteral(text, i);
    if (past !== i) {
      i = past;
      continue;
    }
    const c = text[i]!;
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c) && --depth === 0) return i + 1;
    i++;
  }
  return text.length;
}

/** The next index at or after `i` that is not blank or a comment. */
function skipBlank(text: string, i: number): number {
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i++;
    else if (text.startsWith("//", i) || text.startsWith("/*", i)) i = skipLiteral(text, i);
    else return i;
  }
  return i;
}

/** The top-level properties of the object literal whose `{` is at `open`, and the index of its `}`. */
function properties(text: string, open: number): { props: Property[]; close: number } {
  const props: Property[] = [];
  let i = skipBlank(text, open + 1);
  while (i < text.length && text[i] !== "}") {
    const start = i;
    const key = /^(?:([A-Za-z_$][\w$]*)|"([^"\\]*)"|'([^'\\]*)')/.exec(text.slice(i, i + 200));
    // Read to the property's end: a top-level comma or the closing brace.
    let end = i;
    while (end < text.length && text[end] !== "," && text[end] !== "}") {
      const past = skipLiteral(text, end);
      if (past !== end) end = past;
      else if ("([{".includes(text[end]!)) end = skipBalanced(text, end);
      else end++;
    }
    let last = end;
    while (last > start && /\s/.test(text[last - 1]!)) last--;
    props.push({ ...(key ? { key: key[1] ?? key[2] ?? key[3] } : {}), start, end: last });
    i = skipBlank(text, text[end] === "," ? end + 1 : end);
  }
  return { props, close: i };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A value as TypeScript source: `{ adds: [], drops: ["ALL"] }`. */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const props = entries.map(([k, v]) => `${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${literal(v)}`);
    return `{ ${props.join(", ")} }`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/**
 * The edits that give the resource constructed at `line`:`column` (1-based: where `new` is) the
 * `values` for its inputs: each input's property replaced, or added at the end of the object
 * (after any spread, so it wins). Undefined where the call is not `new X(name, { … })`.
 */
export function inputEdits(
  source: string,
  at: { line: number; column: number },
  values: Readonly<Record<string, unknown>>,
): SourceEdit[] | undefined {
  const lines = source.split("\n");
  if (at.line < 1 || at.line > lines.length) return undefined;
  const offset = lines.slice(0, at.line - 1).reduce((n, l) => n + l.length + 1, 0) + at.column - 1;
  const call = /^new\s+[A-Za-z_$][\w$.]*\s*\(/.exec(source.slice(offset, offset + 300));
  if (!call) return undefined;
  // The first argument (the name), then the object literal.
  let i = skipBlank(source, offset + call[0].length);
  while (i < source.length && source[i] !== "," && source[i] !== ")") {
    const past = skipLiteral(source, i);
    i = past !== i ? past : "([{".includes(source[i]!) ? skipBalanced(source, i) : i + 1;
  }
  if (source[i] !== ",") return undefined;
  const open = skipBlank(source, i + 1);
  if (source[open] !== "{") return undefined;
  const { props, close } = properties(source, open);
  if (source[close] !== "}") return undefined;
  const edits: SourceEdit[] = [];
  const added: string[] = [];
  for (const [input, value] of Object.entries(values)) {
    const text = `${input}: ${literal(value)}`;
    const prop = [...props].reverse().find((p) => p.key === input);
    if (prop) edits.push({ offset: prop.start, length: prop.end - prop.start, text });
    else added.push(text);
  }
  if (added.length) {
    const last = props.at(-1);
    const list = added.join(", ");
    const comma = last ? skipBlank(source, last.end) : -1;
    // One property a line where the object is written so, indented like the last one.
    const lineStart = last ? source.lastIndexOf("\n", last.start) + 1 : -1;
    const indent = last ? /^[ \t]*/.exec(source.slice(lineStart))![0] : "";
    const ownLines = last !== undefined && source.slice(lineStart, last.start).trim() === "";
    const items = ownLines ? added.map((a) => `\n${indent}${a},`).join("") : ` ${list}`;
    if (!last) edits.push({ offset: open + 1, length: 0, text: ` ${list} ` });
    else if (source[comma] === ",") edits.push({ offset: comma + 1, length: 0, text: ownLines ? items : `${items},` });
    else edits.push({ offset: last.end, length: 0, text: ownLines ? `,${items.slice(0, -1)}` : `,${items}` });
  }
  return edits;
}

/** An edit's region in its text: 1-based lines and columns (end exclusive), and character offsets. */
export function regionOf(text: string, edit: SourceEdit): SourceRegion {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
  };
  const start = position(edit.offset);
  const end = position(edit.offset + edit.length);
  return {
    startLine: start.line,
    startColumn: start.column,
    endLine: end.line,
    endColumn: end.column,
    charOffset: edit.offset,
    charLength: edit.length,
  };
}

/** Apply edits to a text (they must not overlap). */
export function applyEdits(text: string, edits: readonly SourceEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset))
    out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
