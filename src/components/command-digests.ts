/**
 * What a component registers about the commands it creates: the digest of each one's arguments
 * (src/scripts/command-digest.ts), computed from the very object handed to the command, so the
 * two cannot drift apart. Only the digested fields are resolved: the private key in a connection
 * never flows into it (a digest is secret only when a digested value is, e.g. `stdin`).
 */
import * as pulumi from "@pulumi/pulumi";
import { commandDigest, DIGESTED_COMMAND_PROPS, DIGESTED_CONNECTION_FIELDS, type CommandProps } from "../scripts/command-digest";

type Args = Record<string, unknown>;

/** Builds the commands' `commandDigests` output: `digests.add(name, args)` returns `args` for the command's constructor. */
export class CommandDigests {
  private readonly digests: Record<string, pulumi.Output<string>> = {};

  add<A extends object>(commandName: string, args: A): A {
    const a = args as Args;
    const covered: Args = {};
    for (const key of DIGESTED_COMMAND_PROPS) if (a[key] !== undefined) covered[key] = a[key];
    const connection = a.connection as Args | undefined;
    if (connection) covered.connection = Object.fromEntries(DIGESTED_CONNECTION_FIELDS.filter((f) => connection[f] !== undefined).map((f) => [f, connection[f]]));
    this.digests[commandName] = pulumi.output(covered).apply((resolved) => commandDigest(resolved as CommandProps));
    return args;
  }

  /** `{ <command name>: digest }`, for registerOutputs. */
  get output(): Record<string, pulumi.Output<string>> {
    return this.digests;
  }
}
