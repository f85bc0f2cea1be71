/**
 * API reference generator (`npm run docs:api` → docs/api.md).
 *
 * Reads the public entry (src/index.ts) with the TypeScript compiler API, finds the exported
 * Pulumi components (classes extending ComponentResource), their args interface and every
 * interface those arguments use (HardenedPort, SshConnection, Exemption, …), and renders one
 * table per interface from the doc comments. Each argument's doc comment carries a `@cis` tag:
 *
 *   @cis 5.11            the rule(s) it serves: catalog ids (CIS or hd-*), or a range 1.1.3–1.1.18
 *   @cis none <why>      a purely functional argument, and why no rule applies
 *
 * `checkApiDocs` reports every argument without a description or with a missing or unknown
 * `@cis` id; the unit tests run it on the real API, so an undocumented argument fails the build.
 * Output order is declaration order, so the file only changes when the source does.
 */
import * as path from "path";
import * as ts from "typescript";
import { CATALOG, RULE_IDS, ruleById } from "../src/rules/catalog";

export interface CisTag {
  /** The tag text as written. */
  raw: string;
  /** "none" (purely functional) or the ids and ranges listed. */
  kind: "none" | "rules";
  /** Tokens after @cis (ids or ranges); empty for "none". */
  tokens: string[];
  /** Why no rule applies (kind "none"). */
  why?: string;
}

export interface ApiProperty {
  name: string;
  /** The type as written in the source. */
  type: string;
  optional: boolean;
  /** Doc comment text without tags (empty when missing). */
  doc: string;
  /** From `@default`, else from a "Default …" phrase in the comment. */
  defaultValue?: string;
  /** Every `@cis` tag (more than one is a problem). */
  cis: CisTag[];
  /** Names of documented interfaces this property's type refers to, in source order. */
  refs: string[];
}

export interface ApiInterface {
  name: string;
  doc: string;
  /** Source file relative to the project root. */
  file: string;
  properties: ApiProperty[];
  /** `Interface.property` paths that refer to this interface, in walk order. */
  usedBy: string[];
}

export interface ApiOutput {
  name: string;
  type: string;
  optional: boolean;
  doc: string;
}

export interface ApiComponent {
  name: string;
  doc: string;
  file: string;
  /** Name of the constructor's args interface ("" when none was found). */
  args: string;
  /** The constructor signature as written. */
  signature: string;
  /** Every interface reached from the args interface, breadth first, in declaration order. */
  interfaces: string[];
  outputs: ApiOutput[];
}

export interface Api {
  components: ApiComponent[];
  /** Interfaces by name, in the order first reached. */
  interfaces: Map<string, ApiInterface>;
  /** Structural problems met while walking (e.g. a component without an args interface). */
  problems: string[];
}

export interface CollectOptions {
  /** In-memory source files by absolute path (they shadow the disk); used by the tests. */
  files?: Record<string, string>;
  /** Paths in the output are relative to this directory. Default: the project root. */
  root?: string;
}

const PROJECT_ROOT = path.resolve(__dirname, "..");

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  // No ambient @types: the walk needs only what the entry imports.
  types: [],
};

function compilerHost(files: Record<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const virtual = new Map(Object.entries(files).map(([f, text]) => [path.resolve(f), text]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = virtual.get(path.resolve(fileName));
    return text !== undefined
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(path.resolve(f)) ?? readFile.call(host, f);
  // Module resolution asks whether a virtual file's folders exist.
  const dirs = new Set<string>();
  for (const f of virtual.keys())
    for (let d = path.dirname(f); !dirs.has(d) && d !== path.dirname(d); d = path.dirname(d)) dirs.add(d);
  host.directoryExists = (d) => dirs.has(path.resolve(d)) || ts.sys.directoryExists(d);
  return host;
}

/** Walk the entry's exported components and the interfaces their arguments use. */
export function collectApi(entryFile: string, options: CollectOptions = {}): Api {
  const root = options.root ?? PROJECT_ROOT;
  const entry = path.resolve(entryFile);
  const program = ts.createProgram([entry], COMPILER_OPTIONS, compilerHost(options.files ?? {}));
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`api-reference: cannot read ${entryFile}`);
  const rel = (node: ts.Node) => path.relative(root, node.getSourceFile().fileName).split(path.sep).join("/");

  const api: Api = { components: [], interfaces: new Map(), problems: [] };
  const interfaceDecls = new Map<string, ts.InterfaceDeclaration>();

  for (const cls of exportedComponents(source, checker)) {
    const name = cls.name!.text;
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    const argsParam =
      ctor?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === "args") ?? ctor?.parameters[1];
    const argsDecl = argsParam?.type ? interfacesIn(argsParam.type, checker)[0] : undefined;
    if (!argsDecl) api.problems.push(`${name}: the constructor has no args interface`);
    const component: ApiComponent = {
      name,
      doc: docOf(cls.name!, checker),
      file: rel(cls),
      args: argsDecl?.name.text ?? "",
      signature: ctor ? `new ${name}(${ctor.parameters.map((p) => oneLine(p.getText())).join(", ")})` : `new ${name}()`,
      interfaces: [],
      outputs: cls.members.filter(isPublicReadonlyProperty).map((m) => ({
        name: m.name.getText(),
        type: m.type ? oneLine(m.type.getText()) : checker.typeToString(checker.getTypeAtLocation(m)),
        optional: !!m.questionToken,
        doc: docOf(m.name, checker),
      })),
    };
    api.components.push(component);

    // Breadth first from the args interface; each interface is documented once.
    const queue: { decl: ts.InterfaceDeclaration; from?: string }[] = argsDecl ? [{ decl: argsDecl }] : [];
    const seen = new Set<string>();
    while (queue.length) {
      const { decl, from } = queue.shift()!;
      const iname = decl.name.text;
      const known = interfaceDecls.get(iname);
      if (known && known !== decl) {
        api.problems.push(`${iname}: two different interfaces share this name (${rel(known)}, ${rel(decl)})`);
        continue;
      }
      const iface = api.interfaces.get(iname) ?? collectInterface(decl, checker, rel(decl));
      if (from && !iface.usedBy.includes(from)) iface.usedBy.push(from);
      if (!api.interfaces.has(iname)) {
        api.interfaces.set(iname, iface);
        interfaceDecls.set(iname, decl);
      }
      if (seen.has(iname)) continue;
      seen.add(iname);
      component.interfaces.push(iname);
      for (const member of decl.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        for (const ref of interfacesIn(member.type, checker))
          queue.push({ decl: ref, from: `${iname}.${member.name.getText()}` });
      }
    }
  }
  return api;
}

/** Exported classes of the entry that extend a ComponentResource, in export order. */
function exportedComponents(source: ts.SourceFile, checker: ts.TypeChecker): ts.ClassDeclaration[] {
  const out: ts.ClassDeclaration[] = [];
  const add = (symbol: ts.Symbol | undefined) => {
    if (!symbol) return;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const d of target.declarations ?? [])
      if (ts.isClassDeclaration(d) && d.name && isComponent(d, checker) && !out.includes(d)) out.push(d);
  };
  for (const stmt of source.statements) {
    if (ts.isExportDeclaration(stmt)) {
      if (stmt.isTypeOnly) continue;
      if (stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
        for (const spec of stmt.exportClause.elements)
          if (!spec.isTypeOnly) add(checker.getSymbolAtLocation(spec.name));
      } else if (stmt.moduleSpecifier) {
        // `export * from …`: that module's exports in declaration order.
        const mod = checker.getSymbolAtLocation(stmt.moduleSpecifier);
        const exports = mod ? checker.getExportsOfModule(mod) : [];
        const decl = (s: ts.Symbol) =>
          (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).declarations?.[0];
        const byPosition = (a: ts.Symbol, b: ts.Symbol) => {
          const [da, db] = [decl(a), decl(b)];
          if (!da || !db) return da ? -1 : db ? 1 : 0;
          const [fa, fb] = [da.getSourceFile().fileName, db.getSourceFile().fileName];
          return fa === fb ? da.getStart() - db.getStart() : fa < fb ? -1 : 1;
        };
        [...exports].sort(byPosition).forEach(add);
      }
    } else if (ts.isClassDeclaration(stmt) && stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      add(stmt.name ? checker.getSymbolAtLocation(stmt.name) : undefined);
    }
  }
  return out;
}

function isComponent(cls: ts.ClassDeclaration, checker: ts.TypeChecker): boolean {
  const visit = (t: ts.Type): boolean =>
    (checker.getBaseTypes(t as ts.InterfaceType) ?? []).some((b) => b.symbol?.name === "ComponentResource" || visit(b));
  const type = checker.getTypeAtLocation(cls);
  return type.isClassOrInterface() && visit(type);
}

function isPublicReadonlyProperty(m: ts.ClassElement): m is ts.PropertyDeclaration {
  if (!ts.isPropertyDeclaration(m) || ts.isPrivateIdentifier(m.name)) return false;
  const kinds = (m.modifiers ?? []).map((x) => x.kind);
  return (
    kinds.includes(ts.SyntaxKind.ReadonlyKeyword) &&
    !kinds.includes(ts.SyntaxKind.PrivateKeyword) &&
    !kinds.includes(ts.SyntaxKind.ProtectedKeyword) &&
    !kinds.includes(ts.SyntaxKind.StaticKeyword)
  );
}

/** The project's own interfaces a type node refers to, in source order (through type aliases). */
function interfacesIn(
  typeNode: ts.Node,
  checker: ts.TypeChecker,
  seenAliases = new Set<ts.Node>(),
): ts.InterfaceDeclaration[] {
  const out: ts.InterfaceDeclaration[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isTypeReferenceNode(node)) {
      let symbol = checker.getSymbolAtLocation(node.typeName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const d of symbol?.declarations ?? []) {
        if (isLibrary(d)) continue;
        if (ts.isInterfaceDeclaration(d)) out.push(d);
        else if (ts.isTypeAliasDeclaration(d) && !seenAliases.has(d)) {
          seenAliases.add(d);
          out.push(...interfacesIn(d.type, checker, seenAliases));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(typeNode);
  return out.filter((d, i) => out.indexOf(d) === i);
}

function isLibrary(node: ts.Node): boolean {
  const f = node.getSourceFile();
  return f.isDeclarationFile || /[\\/]node_modules[\\/]/.test(f.fileName);
}

function collectInterface(decl: ts.InterfaceDeclaration, checker: ts.TypeChecker, file: string): ApiInterface {
  const properties: ApiProperty[] = [];
  for (const member of decl.members) {
    if (!ts.isPropertySignature(member)) continue;
    const symbol = checker.getSymbolAtLocation(member.name);
    const tags = symbol?.getJsDocTags(checker) ?? [];
    const tagText = (t: ts.JSDocTagInfo) => oneLine(ts.displayPartsToString(t.text ?? []));
    const doc = docOf(member.name, checker);
    const explicitDefault = tags.find((t) => t.name === "default");
    const defaultValue = explicitDefault ? tagText(explicitDefault) : defaultFromComment(doc);
    properties.push({
      name: member.name.getText(),
      type: member.type ? oneLine(member.type.getText()) : "unknown",
      optional: !!member.questionToken,
      doc,
      ...(defaultValue ? { defaultValue } : {}),
      cis: tags.filter((t) => t.name === "cis").map((t) => parseCisTag(tagText(t))),
      refs: member.type ? interfacesIn(member.type, checker).map((d) => d.name.text) : [],
    });
  }
  return { name: decl.name.text, doc: docOf(decl.name, checker), file, properties, usedBy: [] };
}

function docOf(name: ts.Node, checker: ts.TypeChecker): string {
  const symbol = checker.getSymbolAtLocation(name);
  return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() : "";
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** `@cis 5.12 5.11`, `@cis 1.1.3–1.1.18`, `@cis none <why>`. */
export function parseCisTag(text: string): CisTag {
  const raw = oneLine(text);
  const [first, ...rest] = raw.split(" ").filter(Boolean);
  if (first === "none") return { raw, kind: "none", tokens: [], why: rest.join(" ") };
  return { raw, kind: "rules", tokens: raw ? raw.split(" ").map((t) => t.replace(/,$/, "")) : [] };
}

/** The default named in prose: "Default 1.", "Default: the resource name.", "(default 30s)". */
export function defaultFromComment(doc: string): string | undefined {
  const text = oneLine(doc);
  const paren = /\(default:? ([^()]*(?:\([^()]*\)[^()]*)*)\)/i.exec(text);
  if (paren) return paren[1].trim();
  const sentence = /(?:^|[.;:]\s|\s)Default:? (.+?)(?:\.(?=\s|$)|;|$)/.exec(text);
  return sentence ? sentence[1].trim() : undefined;
}

const RANGE = /^(\d+(?:\.\d+)*)[–-](\d+(?:\.\d+)*)$/;
const CATALOG_IDS = CATALOG.map((r) => r.id);

/** The catalog ids a @cis token stands for, or a problem. */
export function expandCisToken(token: string): { ids: string[] } | { problem: string } {
  const range = RANGE.exec(token);
  if (!range) return RULE_IDS.has(token) ? { ids: [token] } : { problem: `unknown rule id "${token}"` };
  const [, from, to] = range;
  const a = CATALOG_IDS.indexOf(from);
  const b = CATALOG_IDS.indexOf(to);
  if (a < 0 || b < 0) return { problem: `unknown rule id "${a < 0 ? from : to}" in range "${token}"` };
  if (b <= a || from.split(".")[0] !== to.split(".")[0])
    return { problem: `range "${token}" must run forwards within one section` };
  return { ids: CATALOG_IDS.slice(a, b + 1) };
}

/** CIS ids the prose cites ("CIS 5.11", "CIS 3.9–3.14", "CIS 4.5 / 5.28"): the tag must include them. */
export function citedInProse(doc: string): string[] {
  const out: string[] = [];
  for (const m of oneLine(doc).matchAll(/\bCIS ((?:\d+(?:\.\d+)+)(?:(?:, | \/ | and |[–-])\d+(?:\.\d+)+)*)/g)) {
    for (const token of m[1].split(/, | \/ | and /)) {
      const expanded = expandCisToken(token);
      out.push(...("ids" in expanded ? expanded.ids : [token]));
    }
  }
  return [...new Set(out)];
}

/**
 * Every missing description, missing/duplicate/empty @cis tag and unknown rule id, as `Interface.property: problem`.
 */
export function checkApiDocs(api: Api): string[] {
  const problems = [...api.problems];
  for (const c of api.components) if (!c.doc) problems.push(`${c.name}: the class has no doc comment`);
  for (const iface of api.interfaces.values()) {
    for (const p of iface.properties) {
      const at = `${iface.name}.${p.name}`;
      if (!p.doc) problems.push(`${at}: no doc comment`);
      if (p.cis.length === 0) {
        problems.push(`${at}: no @cis tag (give the rule ids it serves, or "@cis none <why>")`);
        continue;
      }
      if (p.cis.length > 1) problems.push(`${at}: more than one @cis tag`);
      const tag = p.cis[0];
      if (tag.kind === "none") {
        if (!tag.why) problems.push(`${at}: "@cis none" needs a reason`);
        continue;
      }
      if (tag.tokens.length === 0) problems.push(`${at}: empty @cis tag`);
      const ids = new Set<string>();
      for (const token of tag.tokens) {
        const expanded = expandCisToken(token);
        if ("problem" in expanded) problems.push(`${at}: ${expanded.problem} in @cis`);
        else expanded.ids.forEach((id) => ids.add(id));
      }
      const uncited = citedInProse(p.doc).filter((id) => RULE_IDS.has(id) && !ids.has(id));
      if (uncited.length) problems.push(`${at}: the comment cites CIS ${uncited.join(", ")} but @cis does not list it`);
    }
  }
  return problems;
}

// ───────────── markdown ─────────────

/** Text for a table cell: pipes escaped, and `<`/`>` outside code spans (GitHub would read `<etcDocker>` as HTML). */
const cell = (s: string) =>
  oneLine(s)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/\|/g, "\\|");
const code = (s: string) => "`" + s + "`";
/** A code span in a table cell: only pipes need escaping there. */
const codeCell = (s: string) => code(oneLine(s).replace(/\|/g, "\\|"));
const anchor = (heading: string) =>
  "#" +
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

function renderCis(tag: CisTag | undefined): string {
  if (!tag) return "";
  if (tag.kind === "none") return cell(`none: ${tag.why ?? ""}`);
  return tag.tokens
    .map((token) => {
      const expanded = expandCisToken(token);
      if ("problem" in expanded) return `${code(token)} (unknown rule)`;
      const rules = expanded.ids.map((id) => ruleById(id)!);
      if (rules.length === 1) return `${code(rules[0].id)} ${rules[0].title}`;
      return (
        `${code(rules[0].id)}–${code(rules[rules.length - 1].id)} (${rules.length} rules: ` +
        `${rules[0].title} … ${rules[rules.length - 1].title})`
      );
    })
    .join("<br>");
}

function renderInterface(iface: ApiInterface, lines: string[]): void {
  lines.push(`### ${iface.name}`, "");
  if (iface.doc) lines.push(oneLine(iface.doc), "");
  const meta = [`Declared in ${code(iface.file)}.`];
  if (iface.usedBy.length)
    meta.push(`Used by ${iface.usedBy.map((u) => `[${code(u)}](${anchor(u.split(".")[0])})`).join(", ")}.`);
  lines.push(meta.join(" "), "");
  lines.push("| Argument | Type | Required | Default | CIS rules | Description |", "|---|---|---|---|---|---|");
  for (const p of iface.properties) {
    const type = codeCell(p.type) + p.refs.map((r) => ` → [${r}](${anchor(r)})`).join("");
    const row = [
      code(p.name),
      type,
      p.optional ? "optional" : "**required**",
      p.defaultValue ? cell(p.defaultValue) : "—",
      renderCis(p.cis[0]),
      cell(oneLine(p.doc)),
    ];
    lines.push(`| ${row.join(" | ")} |`);
  }
  lines.push("");
}

/** docs/api.md for this API (deterministic: declaration order throughout). */
export function renderApiMarkdown(api: Api): string {
  // An interface reached from several components is documented once, under "Shared argument types".
  const owners = new Map<string, string[]>();
  for (const c of api.components) for (const i of c.interfaces) owners.set(i, [...(owners.get(i) ?? []), c.name]);
  const shared = [...api.interfaces.keys()].filter((i) => (owners.get(i) ?? []).length > 1);

  const lines: string[] = [
    "# API reference",
    "",
    "<!-- Generated by scripts/api-reference.ts from the doc comments of the public components. Do not edit: " +
      "run `npm run docs:api`. -->",
    "",
    "The Pulumi components exported by `hardened-docker`, their arguments and outputs. Every argument",
    "names the CIS Docker Benchmark v1.6.0 rule(s) it serves (the `@cis` tag of its doc comment; ids",
    'starting with `hd-` are the project\'s own rules); "none" marks a purely functional argument, with the',
    "reason. Weakening a CIS default needs an exemption for the rule listed (see [Exemption](#exemption)).",
    "The full rule list is in [cis-coverage.md](cis-coverage.md).",
    "",
    "## Contents",
    "",
    ...api.components.map((c) => `- [${c.name}](${anchor(c.name)})`),
    ...(shared.length
      ? [
          `- [Shared argument types](${anchor("Shared argument types")}): ` +
            `${shared.map((s) => `[${s}](${anchor(s)})`).join(", ")}`,
        ]
      : []),
    "",
  ];
  for (const c of api.components) {
    lines.push(
      `## ${c.name}`,
      "",
      oneLine(c.doc) || "(no description)",
      "",
      "```ts",
      c.signature,
      "```",
      "",
      `Declared in ${code(c.file)}.`,
      "",
    );
    for (const i of c.interfaces) if (!shared.includes(i)) renderInterface(api.interfaces.get(i)!, lines);
    const sharedHere = c.interfaces.filter((i) => shared.includes(i));
    if (sharedHere.length)
      lines.push(`Shared argument types used here: ${sharedHere.map((s) => `[${s}](${anchor(s)})`).join(", ")}.`, "");
    lines.push(`### ${c.name} outputs`, "");
    if (c.outputs.length === 0) lines.push("None.", "");
    else {
      lines.push("| Property | Type | Description |", "|---|---|---|");
      for (const o of c.outputs)
        lines.push(
          `| ${code(o.name)} | ${codeCell(o.type + (o.optional ? " | undefined" : ""))} | ` +
            `${cell(oneLine(o.doc)) || "—"} |`,
        );
      lines.push("");
    }
  }
  if (shared.length) {
    lines.push("## Shared argument types", "");
    for (const i of shared) renderInterface(api.interfaces.get(i)!, lines);
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

export const DEFAULT_ENTRY = path.join(PROJECT_ROOT, "src", "index.ts");

if (require.main === module) {
  const api = collectApi(DEFAULT_ENTRY);
  process.stdout.write(renderApiMarkdown(api));
  const problems = checkApiDocs(api);
  if (problems.length) {
    process.stderr.write(
      `api-reference: ${problems.length} documentation problem(s):\n  - ${problems.join("\n  - ")}\n`,
    );
    process.exitCode = 1;
  }
}
