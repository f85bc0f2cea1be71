/**
 * Runs a Pulumi TypeScript program offline, under the SDK's mock runtime (no Pulumi backend,
 * no credentials, no provider plugins), and collects every resource it registers the way the
 * engine would describe it to a policy pack: type, name, URN, inputs, outputs, parent,
 * provider, dependencies, plus where in the program it was declared.
 *
 * Mocks echo a resource's inputs as its state and give engine-like ids (64 hex characters), so
 * values flowing from one resource to another (a network's name into a container) are known.
 * The program runs inside a root `pulumi:pulumi:Stack`, like under `pulumi up`. Caveat of the
 * mock runtime: `opts.transforms` never complete under mocks (legacy `transformations` run).
 */
import { createHash } from "crypto";
import { existsSync, statSync } from "fs";
import * as path from "path";
import { OUTPUT_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY } from "../adapters/pulumi-tokens";
import type { EngineResource } from "./engine";
import { loadProgramConfig, readProjectFile, type ProjectFile } from "./stack-config";

export interface SourceLocation {
  /** Absolute path of the program file that declared the resource. */
  file: string;
  line: number;
  column: number;
}

export interface CollectedResource {
  type: string;
  name: string;
  /** The URN the engine would give it. */
  urn: string;
  custom: boolean;
  parent?: string;
  /** URN of the explicit provider, if any. */
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  /** Inputs as an analyzer sees them (secrets unwrapped, resource references as ids). */
  inputs: Record<string, unknown>;
  /** State after registration (the mocks echo the inputs). */
  outputs: Record<string, unknown>;
  location?: SourceLocation;
}

/** One error the program raised, with where it came from when that can be told. */
export interface ProgramFailure {
  message: string;
  /**
   * The program's own line that raised it (TypeScript source position), else the declaration of the resource it names.
   */
  location?: SourceLocation;
  /** The resource a `pulumi.ResourceError` names (e.g. a component that refused its arguments). */
  resource?: { type: string; name: string; urn?: string };
}

export interface ProgramRun {
  /** The program's entry file. */
  program: string;
  project: string;
  stack: string;
  resources: CollectedResource[];
  /** Errors the program raised (thrown, or rejected promises): their messages. */
  errors: string[];
  /** The same errors, each with its location and resource when known (same order). */
  failures: ProgramFailure[];
}

export interface RunOptions {
  stack?: string;
  /** A `stack` without its Pulumi.<stack>.yaml is an error (as for `pulumi`), rather than no stack config. */
  requireStackFile?: boolean;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Run the Pulumi SDK as it is (default false: lean). The SDK wraps each of its promises (~320
   * per docker.Container) in `debuggablePromise`, which captures and formats (source-mapped, under
   * tsx) a stack trace for each, only for a leak report printed at process exit; and it sends a
   * whole stack with every registration, which the mocks drop. Together ~80% of the time of a large
   * program and a third of its memory. `check` reports neither the leak message nor its exit code
   * (a timeout names a program that never ends), so it runs without both (see leanSdk). Set this,
   * or PULUMI_DEBUG_PROMISE_LEAKS, to keep the SDK's own behaviour.
   */
  sdkDefaults?: boolean;
}

/**
 * The program cannot be run by `check` as given (not a Node.js Pulumi project, a missing stack file): a usage error.
 */
export class ProgramSetupError extends Error {}

/** Pulumi.yaml's `runtime` (a name, or `{ name, options }`). */
function runtimeName(doc: Record<string, unknown>): string | undefined {
  const r = doc.runtime;
  if (typeof r === "string") return r;
  if (r !== null && typeof r === "object" && typeof (r as { name?: unknown }).name === "string")
    return (r as { name: string }).name;
  return undefined;
}

const RUNTIME_LANGUAGES: Record<string, string> = {
  python: "Python",
  go: "Go",
  dotnet: ".NET",
  java: "Java",
  yaml: "Pulumi YAML",
};

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** A program path (a file, or a directory with Pulumi.yaml / index.ts) → entry file and project name. */
export function resolveProgram(target: string): {
  entry: string;
  project: string;
  projectDir: string;
  projectFile: ProjectFile;
} {
  const abs = path.resolve(target);
  if (!existsSync(abs)) throw new Error(`program not found: ${target}`);
  const dir = statSync(abs).isDirectory() ? abs : path.dirname(abs);
  const projectFile = readProjectFile(dir);
  // A directory is a Pulumi project only with its Pulumi.yaml: without one, `pulumi` would refuse it,
  // and whatever index.ts happens to be there is no program to judge.
  if (statSync(abs).isDirectory() && !projectFile.file)
    throw new ProgramSetupError(
      `${target} has no Pulumi.yaml: not a Pulumi project (check takes a project directory with Pulumi.yaml, ` +
        `runtime nodejs, or a program's entry file)`,
    );
  const runtime = runtimeName(projectFile.doc);
  if (projectFile.file && runtime !== undefined && runtime !== "nodejs")
    throw new ProgramSetupError(
      `${path.relative(process.cwd(), projectFile.file) || projectFile.file} declares runtime ` +
        `"${runtime}"${RUNTIME_LANGUAGES[runtime] ? ` (${RUNTIME_LANGUAGES[runtime]})` : ""}: ` +
        `check runs Node.js Pulumi programs only (runtime nodejs: TypeScript or JavaScript)`,
    );
  if (projectFile.file && runtime === undefined)
    throw new ProgramSetupError(
      `${path.relative(process.cwd(), projectFile.file) || projectFile.file} declares no runtime: ` +
        `check runs Node.js Pulumi programs (runtime: nodejs)`,
    );
  const project = typeof projectFile.doc.name === "string" ? projectFile.doc.name : path.basename(dir);
  if (!statSync(abs).isDirectory()) return { entry: abs, project, projectDir: dir, projectFile };
  const main = typeof projectFile.doc.main === "string" ? projectFile.doc.main : undefined;
  const base = main ? path.resolve(dir, main) : dir;
  const candidates =
    existsSync(base) && statSync(base).isFile() ? [base] : ["index.ts", "index.js"].map((f) => path.join(base, f));
  const entry = candidates.find(existsSync);
  if (!entry)
    throw new Error(
      `no program entry in ${target} (looked for ${candidates.map((c) => path.relative(process.cwd(), c)).join(", ")})`,
    );
  return { entry, project, projectDir: dir, projectFile };
}

/** Wire values → what an analyzer gets: secrets unwrapped, resource references as their id (or URN). */
function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const obj = value as Record<string, unknown>;
  switch (obj[SIG_KEY]) {
    case SECRET_SIG:
      return fromWire(obj.value);
    case RESOURCE_SIG:
      return typeof obj.id === "string" && obj.id !== "" ? obj.id : obj.urn;
    case OUTPUT_SIG:
      return fromWire(obj.value);
    default:
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromWire(v)]));
  }
}

/** Make `require` of a .ts program work when the CLI itself runs as plain JavaScript. */
function ensureTypeScriptLoader(entry: string): void {
  if (!/\.[cm]?tsx?$/.test(entry)) return;
  const extensions = (require as NodeJS.Require & { extensions?: Record<string, unknown> }).extensions;
  if (!extensions || ".ts" in extensions) return; // tsx, ts-node or jest already compile TypeScript
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("tsx/cjs/api") as { register(): unknown }).register();
  } catch (err) {
    throw new Error(
      `cannot load the TypeScript program ${entry}: install tsx (npm i -D tsx) ` +
        `or run hardened-docker through tsx (${(err as Error).message})`,
    );
  }
}

/** The first stack frame inside the program's directory (not in node_modules). */
function programFrame(stack: string, dir: string): SourceLocation | undefined {
  for (const line of stack.split("\n").slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, "");
    if (file.startsWith(dir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`))
      return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

interface PulumiModule {
  runtime: {
    setMocks(mocks: unknown, project?: string, stack?: string, preview?: boolean): Promise<void> | void;
    getMonitor(): unknown;
    runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
    registerStackTransformation(t: (args: { type: string; name: string }) => undefined): void;
    setAllConfig(config: Record<string, string>, secretKeys?: string[]): void;
    waitForRPCs?: () => Promise<void>;
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface RegisterResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/**
 * Two things the SDK does for every resource and promise that a run under mocks never uses, off
 * while the program runs (each put back after; each a no-op where the SDK is not shaped so):
 * - `debuggablePromise` (runtime/debuggable.js) hands back the promise it is given, with no stack
 *   trace captured and no leak candidate recorded. Every SDK module calls it through the module's
 *   exports, so replacing the export is enough; what the SDK does with the promises is unchanged.
 * - `Resource.stackTrace`, the source position the SDK sends the engine with each registration
 *   (a whole stack, source-mapped), is empty: the mocks drop it. Where each resource was declared
 *   comes from the stack transformation below, once per resource, as before.
 * The program's own errors keep their stacks (Error.stackTraceLimit is untouched).
 */
function leanSdk(pulumiPath: string): () => void {
  const restores: (() => void)[] = [];
  const swap = (target: Record<string, unknown> | undefined, key: string, lean: unknown) => {
    if (!target || typeof target[key] !== "function") return;
    const original = target[key];
    target[key] = lean;
    restores.push(() => (target[key] = original));
  };
  const load = (file: string): Record<string, unknown> | undefined => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(path.join(path.dirname(pulumiPath), file)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  swap(load(path.join("runtime", "debuggable.js")), "debuggablePromise", <T>(p: Promise<T>): Promise<T> => p);
  swap(load("resource.js")?.Resource as Record<string, unknown> | undefined, "stackTrace", () => []);
  return () => restores.forEach((restore) => restore());
}

/**
 * A full garbage collection: a large program leaves hundreds of MB of settled promise chains, which
 * V8 would otherwise carry into the policy analysis and collect late (or never, before exit).
 * Through a fresh context, as jest-leak-detector does, since `gc` is exposed only to those.
 */
function collectGarbage(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require("v8") as typeof import("v8");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require("vm") as typeof import("vm");
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    if (typeof gc === "function") (gc as () => void)();
  } catch {
    // Only the peak memory depends on it.
  }
}

/** Engine-like, stable ids: 64 hex characters, as dockerd gives containers. */
const engineId = (type: string, name: string): string => createHash("sha256").update(`${type}/${name}`).digest("hex");

function mockState(type: string, name: string, inputs: Record<string, unknown>, id: string): Record<string, unknown> {
  const state: Record<string, unknown> = { ...inputs };
  if (
    type === "docker:index/container:Container" ||
    type === "docker:index/network:Network" ||
    type === "docker:index/service:Service"
  )
    state.name ??= name;
  if (type === "docker:index/remoteImage:RemoteImage" && typeof inputs.name === "string") {
    state.imageId ??= `sha256:${id}`;
    state.repoDigest ??= `${inputs.name.replace(/[:@].*$/, "")}@sha256:${id}`;
  }
  return state;
}

/**
 * Run the program at `target` under mocks and collect what it registers. The program is loaded
 * into this process (once: Node caches modules), using its own copy of @pulumi/pulumi.
 */
export async function runProgramOffline(target: string, options: RunOptions = {}): Promise<ProgramRun> {
  const { entry, project, projectDir, projectFile } = resolveProgram(target);
  const dir = path.dirname(entry);
  const stack = options.stack ?? "check";
  const config = loadProgramConfig(projectDir, projectFile, project, stack);
  if (options.requireStackFile && !config.stackFile) {
    const stackDir =
      typeof projectFile.doc.stackConfigDir === "string"
        ? path.resolve(projectDir, projectFile.doc.stackConfigDir)
        : projectDir;
    throw new ProgramSetupError(
      `stack "${stack}": no ${path.relative(process.cwd(), path.join(stackDir, `Pulumi.${stack}.yaml`))} ` +
        `(create it with \`pulumi stack init ${stack}\` and \`pulumi config set\`, ` +
        `or leave --stack out to check with the project's defaults)`,
    );
  }
  ensureTypeScriptLoader(entry);
  let pulumiPath: string;
  try {
    pulumiPath = require.resolve("@pulumi/pulumi", { paths: [dir] });
  } catch {
    throw new Error(`the program at ${target} cannot resolve @pulumi/pulumi: install its dependencies first`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require(pulumiPath) as PulumiModule;

  interface Raw {
    type: string;
    name: string;
    mockUrn?: string;
    parent: string;
    custom: boolean;
    provider: string;
    protect: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    location?: SourceLocation;
  }
  const raws: Raw[] = [];
  /** Each registered resource by the URN the mocks gave it. */
  const byMockUrn = new Map<string, Raw>();
  const locations = new Map<string, SourceLocation[]>();
  const errors: string[] = [];
  const failures: ProgramFailure[] = [];
  const noteError = (e: unknown) => {
    const text = e instanceof Error ? e.message : String(e);
    if (errors.includes(text)) return;
    errors.push(text);
    // Where: the program's own frame in the error's stack (source-mapped to the .ts line), else
    // the declaration of the resource a ResourceError names (an error raised in an apply).
    const named =
      e !== null && typeof e === "object"
        ? (e as { resource?: { __pulumiType?: unknown; __name?: unknown } }).resource
        : undefined;
    const resource =
      named && typeof named.__pulumiType === "string" && typeof named.__name === "string"
        ? { type: named.__pulumiType, name: named.__name }
        : undefined;
    const raw = resource ? raws.find((r) => r.type === resource.type && r.name === resource.name) : undefined;
    const location =
      (e instanceof Error && e.stack ? programFrame(e.stack, dir) : undefined) ??
      raw?.location ??
      (resource ? locations.get(`${resource.type}::${resource.name}`)?.[0] : undefined);
    failures.push({ message: text, ...(location ? { location } : {}), ...(resource ? { resource } : {}) });
  };

  await pulumi.runtime.setMocks(
    {
      newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) => {
        const id = engineId(args.type, args.name);
        return { id, state: mockState(args.type, args.name, args.inputs, id) };
      },
      call: (args: { inputs: Record<string, unknown> }) => args.inputs,
    },
    project,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const monitor = pulumi.runtime.getMonitor() as {
    registerResource(req: RegisterRequest, cb: (err: unknown, resp?: RegisterResponse) => void): unknown;
    registerResourceOutputs(req: RegisterOutputsRequest, cb: (err: unknown, resp?: unknown) => void): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
    const key = `${req.getType()}::${req.getName()}`;
    const raw: Raw = {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      custom: req.getCustom(),
      provider: req.getProvider(),
      protect: req.getProtect() ?? false,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      inputs: fromWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
      outputs: {},
      location: locations.get(key)?.shift(),
    };
    raws.push(raw);
    return register(req, (err, resp) => {
      if (resp) {
        raw.mockUrn = resp.getUrn();
        byMockUrn.set(raw.mockUrn, raw);
        raw.outputs = fromWire(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      }
      cb(err, resp);
    });
  };

  // A component's outputs are what it registers with registerOutputs (as in the engine's state),
  // not the state the mocks echo back from its inputs.
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const raw = byMockUrn.get(req.getUrn());
    if (raw && !raw.custom) raw.outputs = fromWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    return registerOutputs(req, cb);
  };

  const onRejection = (reason: unknown) => noteError(reason);
  const restoreSdk =
    options.sdkDefaults || process.env.PULUMI_DEBUG_PROMISE_LEAKS ? () => undefined : leanSdk(pulumiPath);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onRejection);
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    const run = pulumi.runtime.runInPulumiStack(async () => {
      // A legacy stack transformation runs synchronously in every resource's constructor: its
      // stack trace shows where the program declared the resource.
      pulumi.runtime.registerStackTransformation((args) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 100;
        const trace = new Error().stack ?? "";
        Error.stackTraceLimit = limit;
        const where = programFrame(trace, dir);
        if (where) {
          const key = `${args.type}::${args.name}`;
          locations.set(key, [...(locations.get(key) ?? []), where]);
        }
        return undefined;
      });
      // A second run in this process must execute the program again, not reuse its modules.
      for (const file of Object.keys(require.cache ?? {}))
        if (file.startsWith(dir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`))
          delete require.cache[file];
      // The program's own errors are caught here: thrown inside the stack's init they would
      // also reject the SDK's internal promises, with nobody to handle them.
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(entry) as unknown;
        const main =
          typeof mod === "function"
            ? mod
            : typeof (mod as { default?: unknown })?.default === "function"
              ? (mod as { default: () => unknown }).default
              : undefined;
        return main ? await (main as () => unknown)() : undefined;
      } catch (err) {
        noteError(err);
        return undefined;
      }
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the program did not finish within ${timeoutMs / 1000} s (note: ` +
                `resource option \`transforms\` never completes under the mock runtime; use \`transformations\`)`,
            ),
          ),
        timeoutMs,
      );
    });
    await Promise.race([run.then(() => pulumi.runtime.waitForRPCs?.()), timeout]).catch(noteError);
    // Registrations scheduled by late `apply`s: wait until nothing new arrives.
    for (let seen = -1; seen !== raws.length;) {
      seen = raws.length;
      await new Promise((r) => setTimeout(r, 10));
      await Promise.race([pulumi.runtime.waitForRPCs?.(), timeout]).catch(noteError);
    }
  } finally {
    restoreSdk();
    if (timer) clearTimeout(timer);
    // Let rejections already queued reach the handler before it goes.
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onRejection);
  }

  // Hundreds of resources leave hundreds of MB of settled promise chains behind (a small run, too little to matter).
  if (!options.sdkDefaults && raws.length >= 250) collectGarbage();

  // URNs as the engine forms them: the root stack's type does not prefix its children's.
  const qualified = new Map<Raw, string>();
  const qualifiedType = (r: Raw): string => {
    if (!qualified.has(r)) {
      const parent = byMockUrn.get(r.parent);
      qualified.set(r, parent && parent.type !== ROOT_STACK_TYPE ? `${qualifiedType(parent)}$${r.type}` : r.type);
    }
    return qualified.get(r)!;
  };
  const engineUrn = (r: Raw) => `urn:pulumi:${stack}::${project}::${qualifiedType(r)}::${r.name}`;
  const mapUrn = (mock: string): string | undefined => {
    const r = byMockUrn.get(mock);
    return r ? engineUrn(r) : undefined;
  };
  const resources = raws
    .filter((r) => r.mockUrn)
    .map((r): CollectedResource => {
      const providerUrn = r.provider ? mapUrn(r.provider.split("::").slice(0, -1).join("::")) : undefined;
      const parent = r.parent ? mapUrn(r.parent) : undefined;
      return {
        type: r.type,
        name: r.name,
        urn: engineUrn(r),
        custom: r.custom,
        ...(parent ? { parent } : {}),
        ...(providerUrn ? { provider: providerUrn } : {}),
        dependencies: r.dependencies.map(mapUrn).filter((u): u is string => u !== undefined),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([k, v]) => [
            k,
            v.map(mapUrn).filter((u): u is string => u !== undefined),
          ]),
        ),
        protect: r.protect,
        inputs: r.inputs,
        outputs: r.outputs,
        ...(r.location ? { location: r.location } : {}),
      };
    });
  // The resource an error names, by the URN it was registered with (registration is asynchronous:
  // a constructor's error comes before its registration reaches the monitor).
  const programFailures = failures.map((f): ProgramFailure => {
    const raw = f.resource && raws.find((r) => r.mockUrn && r.type === f.resource!.type && r.name === f.resource!.name);
    return raw && f.resource ? { ...f, resource: { ...f.resource, urn: engineUrn(raw) } } : f;
  });
  return { program: entry, project, stack, resources, errors, failures: programFailures };
}

/**
 * The collected resources as the engine hands them to a policy pack: `inputs` for resource
 * analysis (Analyze, before deploy) and `outputs` for stack analysis (AnalyzeStack).
 */
export function engineResources(run: ProgramRun, which: "inputs" | "outputs"): EngineResource[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r] as const));
  return run.resources.map((r) => {
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    return {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: which === "inputs" ? r.inputs : r.outputs,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      opts: { protect: r.protect, ...(r.parent ? { parent: r.parent } : {}) },
      ...(provider
        ? { provider: { type: provider.type, name: provider.name, urn: provider.urn, props: provider.inputs } }
        : {}),
    };
  });
}

export interface PlannedResource {
  type: string;
  name: string;
  /** 0 for top-level resources, 1 for their children, … */
  depth: number;
}

/** What the program would deploy, as a tree in declaration order (children under their component). */
export function deploymentTree(run: ProgramRun): PlannedResource[] {
  const children = new Map<string | undefined, CollectedResource[]>();
  const deployed = run.resources.filter((r) => r.type !== ROOT_STACK_TYPE);
  // Children of the root stack are top level.
  const urns = new Set(deployed.map((r) => r.urn));
  for (const r of deployed) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const out: PlannedResource[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      out.push({ type: r.type, name: r.name, depth });
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}
