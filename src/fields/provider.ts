/**
 * The Docker provider's field map (`pulumi:providers:docker`): the DaemonFacts fields its
 * configuration tells about the daemon it connects to ↔ the provider inputs that feed them
 * (adapters/pulumi-resources, providerDaemonFacts). The other daemon fields it does not tell.
 */
import type { DaemonFacts } from "../facts/types";
import type { FieldTable } from "./types";

/** The daemon fields a provider's configuration tells. */
export const PROVIDER_FIELDS = {
  hosts: { inputs: ["host"] },
  tls: { inputs: ["caMaterial", "certMaterial", "keyMaterial", "certPath"] },
  tlsVerify: { inputs: ["caMaterial", "certMaterial", "keyMaterial", "certPath"] },
  tlsCaCert: { inputs: ["caMaterial", "certPath"] },
  tlsCert: { inputs: ["certMaterial", "certPath"] },
  tlsKey: { inputs: ["keyMaterial", "certPath"] },
} as const satisfies Partial<FieldTable<DaemonFacts>>;
