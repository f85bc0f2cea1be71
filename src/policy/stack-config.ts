/**
 * The configuration a program sees under `check`, built the way the Pulumi CLI builds it: the
 * project's `config:` block in Pulumi.yaml (values, and declared keys' defaults), overridden by
 * the stack's Pulumi.<stack>.yaml.
 *
 * `check` never decrypts anything: a `secure:` value, and a key Pulumi.yaml declares
 * `secret: true` that has no value, reach the program as SECRET_PLACEHOLDER, marked secret. No
 * policy reads a secret's content, so the verdicts are those of the real values.
 */
import { existsSync, readFileSync } from "fs";
import { load } from "js-yaml";
import * as path from "path";

export const SECRET_PLACEHOLDER = "[secret: not decrypted by hardened-docker check]";

export interface ProgramConfig {
  /** Full keys (`project:key`) → the string the SDK hands out (objects and numbers JSON-encoded, as the CLI does). */
  values: Record<string, string>;
  /** Keys whose values are secrets. */
  secretKeys: string[];
  /** The stack file read, if any. */
  stackFile?: string;
}

const DECLARATION_KEYS = new Set(["type", "description", "default", "secret", "items", "value"]);

/** A Pulumi.yaml config entry that declares a key (`{ type, default, secret, … }`) rather than giving a value. */
function isDeclaration(v: unknown): v is { default?: unknown; value?: unknown; secret?: boolean } {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.keys(v).every((k) => DECLARATION_KEYS.has(k)) &&
    ("type" in v || "default" in v || "secret" in v || "value" in v)
  );
}

const isSecure = (v: unknown): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

const asConfigString = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

function readYaml(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = load(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new Error(`${file}: expected a YAML mapping at the top level`);
  return doc as Record<string, unknown>;
}

function configBlock(file: string, doc: Record<string, unknown>): Record<string, unknown> {
  const block = doc.config;
  if (block === undefined || block === null) return {};
  if (typeof block !== "object" || Array.isArray(block))
    throw new Error(`${file}: "config" must be a mapping of keys to values`);
  return block as Record<string, unknown>;
}

/** `key` → `project:key`; a key with a namespace (`docker:host`) stays as it is. */
const fullKey = (project: string, key: string): string => (key.includes(":") ? key : `${project}:${key}`);

export interface ProjectFile {
  /** Pulumi.yaml (or .yml) in the project directory, if there is one. */
  file?: string;
  /** Its parsed content ({} without a file). */
  doc: Record<string, unknown>;
}

/** The project file of `projectDir`, parsed (how check finds the program's name, main and config). */
export function readProjectFile(projectDir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find(existsSync);
  return file ? { file, doc: readYaml(file) } : { doc: {} };
}

/**
 * The config of `project`'s `stack`: the project file's config block, then the stack file beside
 * it (or in stackConfigDir).
 */
export function loadProgramConfig(
  projectDir: string,
  projectFile: ProjectFile,
  project: string,
  stack: string,
): ProgramConfig {
  const values: Record<string, string> = {};
  const secret = new Set<string>();
  const declaredSecret: string[] = [];

  const projectDoc = projectFile.doc;
  for (const [key, entry] of Object.entries(projectFile.file ? configBlock(projectFile.file, projectDoc) : {})) {
    const k = fullKey(project, key);
    if (isDeclaration(entry)) {
      const given = entry.value ?? entry.default;
      if (given !== undefined) values[k] = asConfigString(given);
      if (entry.secret === true) declaredSecret.push(k);
    } else values[k] = asConfigString(entry);
  }

  const stackDir =
    typeof projectDoc.stackConfigDir === "string" ? path.resolve(projectDir, projectDoc.stackConfigDir) : projectDir;
  const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(stackDir, f)).find(existsSync);
  if (stackFile) {
    for (const [key, entry] of Object.entries(configBlock(stackFile, readYaml(stackFile)))) {
      const k = fullKey(project, key);
      if (isSecure(entry)) {
        values[k] = SECRET_PLACEHOLDER;
        secret.add(k);
      } else values[k] = asConfigString(entry);
    }
  }
  // Declared secret, no value anywhere: what `pulumi config set --secret` would provide.
  for (const k of declaredSecret) {
    if (!(k in values)) values[k] = SECRET_PLACEHOLDER;
    secret.add(k);
  }
  return { values, secretKeys: [...secret].sort(), ...(stackFile ? { stackFile } : {}) };
}
