/**
 * Each component's zod schema is typed against its arguments interface (argsSchemaFor): a field
 * added to one and not the other, or of another type, fails `tsc` (the `@ts-expect-error` lines
 * below would be unused, and so errors, if drift compiled).
 */
import { z } from "zod";
import { argsSchemaFor } from "../../../src/components/args";

interface Args {
  /** A required field. */
  name: string;
  /** An optional nested one. */
  port?: { internal: number; hostIp?: string };
}

describe("argsSchemaFor: the schema and the arguments interface cannot drift", () => {
  it("accepts a schema of exactly the interface, and returns it unchanged", () => {
    const schema = z.strictObject({
      name: z.string(),
      port: z.strictObject({ internal: z.number(), hostIp: z.string().optional() }).optional(),
    });
    expect(argsSchemaFor<Args>()(schema)).toBe(schema);
  });

  it("refuses, at compile time, a field in the interface only, one in the schema only, or another type", () => {
    // A field the schema lacks (here the nested `hostIp`).
    // @ts-expect-error the schema's input type differs from the arguments interface
    argsSchemaFor<Args>()(
      z.strictObject({ name: z.string(), port: z.strictObject({ internal: z.number() }).optional() }),
    );
    // A field the interface lacks.
    // @ts-expect-error the schema's input type differs from the arguments interface
    argsSchemaFor<Args>()(
      z.strictObject({
        name: z.string(),
        port: z.strictObject({ internal: z.number(), hostIp: z.string().optional() }).optional(),
        extra: z.boolean().optional(),
      }),
    );
    // Another type, and another optionality.
    // @ts-expect-error the schema's input type differs from the arguments interface
    argsSchemaFor<Args>()(
      z.strictObject({
        name: z.number(),
        port: z.strictObject({ internal: z.number(), hostIp: z.string().optional() }).optional(),
      }),
    );
    // @ts-expect-error the schema's input type differs from the arguments interface
    argsSchemaFor<Args>()(
      z.strictObject({
        name: z.string().optional(),
        port: z.strictObject({ internal: z.number(), hostIp: z.string().optional() }).optional(),
      }),
    );
  });
});
