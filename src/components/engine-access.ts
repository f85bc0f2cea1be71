/**
 * What a docker.Provider made by a component says about the engine it reaches, for the commands
 * that must reach the same engine without going through the provider (HardenedContainer's
 * PIDs-limit command: @pulumi/docker cannot set the limit). A docker.Provider's own properties do
 * not tell it (its ssh options are not readable from the resource), so the component that builds
 * the provider attaches it here: SecureDaemon does for `daemon.provider`.
 */
import * as pulumi from "@pulumi/pulumi";

/** How the provider reaches its engine. */
export type EngineAccess =
  | {
      via: "ssh";
      /** The provider's host, `ssh://user@host:port`. */
      dockerHost: pulumi.Output<string>;
      /** The provider's ssh options (host key pinned: providerSshOpts). */
      sshOpts: pulumi.Input<string[]>;
    }
  | {
      via: "tcp";
      /** The provider's host, `tcp://host:port`. */
      dockerHost: pulumi.Output<string>;
      /** The provider's TLS material (PEM); secret. */
      tls: pulumi.Output<{ caCert: string; cert: string; key: string }>;
    };

/** A global symbol: a second copy of this package in the program reads what the first attached. */
const ENGINE_ACCESS = Symbol.for("hardened-docker.engine-access");

/** Record how `provider` reaches its engine (by the component that built it). */
export function attachEngineAccess(provider: pulumi.ProviderResource, access: EngineAccess): void {
  Object.defineProperty(provider, ENGINE_ACCESS, { value: access, enumerable: false });
}

/** How `provider` reaches its engine, when the component that built it said so. */
export function engineAccessOf(provider: pulumi.ProviderResource): EngineAccess | undefined {
  return (provider as unknown as Record<symbol, EngineAccess | undefined>)[ENGINE_ACCESS];
}
