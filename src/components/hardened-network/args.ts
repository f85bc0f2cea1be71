/** HardenedNetwork's arguments: the interface and the zod schema typed against it (they cannot drift). */
import { z } from "zod";
import { argsSchemaFor } from "../args";

/** Arguments of HardenedNetwork. */
export interface HardenedNetworkArgs {
  /**
   * Network name on the engine. Default: the resource name.
   * @cis none the engine's name for the network
   */
  name?: string;
  /**
   * Allow traffic out of the host (default false: an internal network without a gateway route).
   * @default false (internal)
   * @cis none no CIS item covers egress; an internal network is this project's stricter default
   */
  egress?: boolean;
  /**
   * Subnet in CIDR form, e.g. "10.42.0.0/24" (default: the engine picks one).
   * @cis none addressing only
   */
  subnet?: string;
  /**
   * Extra labels.
   * @cis none metadata
   */
  labels?: Record<string, string>;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The arguments' shape. @internal */
export const argsSchema = argsSchemaFor<HardenedNetworkArgs>()(
  z.strictObject({
    name: z
      .string()
      .regex(NAME, "must be 1–64 of [a-zA-Z0-9_.-], starting with a letter or digit")
      .refine((n) => !["bridge", "host", "none", "default"].includes(n), "is reserved by Docker")
      .optional(),
    egress: z.boolean().optional(),
    subnet: z
      .string()
      .refine((s) => {
        const m = CIDR4.exec(s);
        return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 30;
      }, "must be an IPv4 CIDR like 10.42.0.0/24 (prefix ≤ 30)")
      .optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
);
