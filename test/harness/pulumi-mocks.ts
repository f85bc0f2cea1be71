/**
 * Pulumi mock runtime for unit tests: records every resource registered, so tests can assert
 * the child resources' inputs. Import the code under test AFTER calling installMocks().
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { SECRET_SIG, SIG_KEY } from "../../src/adapters/pulumi-tokens";

export interface RecordedResource {
  type: string;
  name: string;
  // The inputs as the component passed them; tests read each by the shape they expect (test/unit/components/ relies
  // on that; `unknown` would need a cast at every read there).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
  provider?: string;
  id: string;
}

export const recorded: RecordedResource[] = [];

export function installMocks(): void {
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        // Engine-like 64-hex ids so id-consuming code (e.g. the pids-limit command) sees real shapes.
        const id = createHash("sha256").update(`${args.type}/${args.name}`).digest("hex");
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, id });
        const state = { ...args.inputs };
        if (args.type === "docker:index/network:Network" || args.type === "docker:index/container:Container")
          state.name = args.inputs.name ?? args.name;
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "hardened-docker",
    "test",
    false,
  );
}

export function resetRecorded(): void {
  recorded.length = 0;
}

/** Resolve an Output's value (undefined when unknown). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Wait until the mock runtime has registered everything scheduled so far. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export function byType(type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

export { SECRET_SIG, SIG_KEY };

/** Recorded inputs with every secret value cut out: what Pulumi shows in previews and keeps in plain state. */
export function plainParts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainParts);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return "[secret]";
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plainParts(v)]));
  }
  return value;
}

/** The message a component's planning throws for refused arguments (the test fails if it does not throw). */
export function refusalOf(plan: () => unknown): string {
  try {
    plan();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the arguments to be refused");
}
