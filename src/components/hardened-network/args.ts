/** HardenedNetwork's arguments: the interface and the zod schema typed against it (they cannot drift). */
import { z } from "zod";
import type { Exemption } from "../../exemptions";
import { argsSchemaFor, exemptionSchema } from "../args";

/** Arguments of HardenedNetwork. */
export interface HardenedNetworkArgs {
  /**
   * Network name on the engine. Default: the resource name.
   * @cis none the engine's name for the network
   */
  name?: string;
  /**
   * The driver: "bridge" (containers on one host) or "overlay" (a swarm's services across its nodes).
   * @default "bridge"
   * @cis 7.3
   */
  driver?: "bridge" | "overlay";
  /**
   * Overlay only: encrypt the traffic between nodes (IPsec). `false` needs an exemption of 7.3.
   * @default true
   * @cis 7.3
   */
  encrypted?: boolean;
  /**
   * Overlay only: let standalone containers attach, not only swarm services.
   * @default false
   * @cis none an attachable overlay lets any container of a node join the services' network
   */
  attachable?: boolean;
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
  /**
   * Documented, expiring exceptions to CIS rules (e.g. 7.3 for an overlay left unencrypted), carried as
   * labels the pack and the audit read too.
   * @cis hd-exemptions
   */
  exemptions?: Exemption[];
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
    driver: z.enum(["bridge", "overlay"]).optional(),
    encrypted: z.boolean().optional(),
    attachable: z.boolean().optional(),
    egress: z.boolean().optional(),
    subnet: z
      .string()
      .refine((s) => {
        const m = CIDR4.exec(s);
        return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 30;
      }, "must be an IPv4 CIDR like 10.42.0.0/24 (prefix ≤ 30)")
      .optional(),
    labels: z.record(z.string(), z.string()).optional(),
    exemptions: z.array(exemptionSchema).optional(),
  }),
);
