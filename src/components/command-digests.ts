/**
 * What a component registers about the commands it creates: the digest of each one's arguments
 * (src/scripts/command-digest.ts), computed from the very object handed to the command, so the
 * two cannot drift apart. Only the digested fields are resolved: the private key in a connection
 * never flows into it (a digest is secret only when a digested value is, e.g. `stdin`).
 */
import * as pulumi from "@pulumi/pulumi";
import { commandDigest, digestedProps, type CommandProps } from "../scripts/command-digest";

type Args = Record<string, unknown>;

/** A placeholder for the i-th Output found in a value. */
class Slot {
  constructor(readonly index: number) {}
}

/** `value` with each Output (or promise) in it replaced by a Slot, the Outputs pushed to `outputs`. */
function withSlots(value: unknown, outputs: pulumi.Output<unknown>[]): unknown {
  if (pulumi.Output.isInstance(value) || value instanceof Promise)
    return new Slot(outputs.push(pulumi.output(value as pulumi.Input<unknown>)) - 1);
  if (Array.isArray(value)) return value.map((v) => withSlots(v, outputs));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSlots(v, outputs)]));
  return value;
}

/** The template with each Slot replaced by its resolved value. */
function fillSlots(template: unknown, values: readonly unknown[]): unknown {
  if (template instanceof Slot) return values[template.index];
  if (Array.isArray(template)) return template.map((v) => fillSlots(v, values));
  if (template !== null && typeof template === "object")
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillSlots(v, values)]));
  return template;
}

/**
 * Builds the commands' `commandDigests` output:
 * `digests.add(name, args)` returns `args` for the command's constructor.
 */
export class CommandDigests {
  private readonly digests: Record<string, pulumi.Output<string>> = {};

  add<A extends object>(commandName: string, args: A): A {
    // Picked before resolving: the private key in a connection never flows into the digest.
    const covered = digestedProps(args as Args);
    // The Outputs inside are gathered into one `all` (resolving the object deeply would make an
    // Output per nested value, per command, in every program: measured in bench/hardened-container.ts).
    const outputs: pulumi.Output<unknown>[] = [];
    const template = withSlots(covered, outputs);
    this.digests[commandName] = outputs.length
      ? pulumi.all(outputs).apply((values) => commandDigest(fillSlots(template, values) as CommandProps))
      : pulumi.output(commandDigest(covered as CommandProps));
    return args;
  }

  /** `{ <command name>: digest }`, for registerOutputs. */
  get output(): Record<string, pulumi.Output<string>> {
    return this.digests;
  }
}
