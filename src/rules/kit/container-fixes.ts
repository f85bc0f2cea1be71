/**
 * Editing a `docker.Container`'s Pulumi inputs, for the rules' fixes (`Rule.fix`). Each edit reads
 * the inputs with the parsers the adapters use (so what it removes is exactly what the rule saw),
 * returns a changed copy of the inputs (never mutates them), and leaves a value it cannot read —
 * unknown at preview, or not the shape the provider takes — alone, reporting that nothing could
 * be changed (undefined).
 */
import { normaliseCapabilities, parseSecurityOptions } from "../../facts/normalise";
import type { SecurityOptions } from "../../facts/types";
import { isWildcardAddress } from "../predicates";

/** docker.Container inputs as the engine hands them to a policy (plain values). */
export type ContainerInputs = Readonly<Record<string, unknown>>;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === "string");

/**
 * `securityOpts` without the entries `drop` picks (each judged alone, as the engine reads it) and
 * with `add` appended; undefined when `securityOpts` is not a readable list.
 */
export function editSecurityOpts(
  inputs: ContainerInputs,
  drop: (parsed: SecurityOptions, entry: string) => boolean,
  add: readonly string[] = [],
): Record<string, unknown> | undefined {
  const current = inputs.securityOpts ?? [];
  if (!isStringList(current)) return undefined;
  const kept = current.filter((entry) => !drop(parseSecurityOptions([entry]), entry));
  return { ...inputs, securityOpts: [...kept, ...add] };
}

/** The names a `capabilities.adds`/`drops` list holds, or undefined when it is not a readable list. */
function capabilityList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return isStringList(value) ? value : undefined;
}

/**
 * Every capability dropped (`drops: ["ALL"]`), and of the additions only those `allowed` keeps
 * (spelled as the user spelled them).
 */
export function dropAllCapabilities(
  inputs: ContainerInputs,
  allowed: (normalisedName: string) => boolean,
): Record<string, unknown> | undefined {
  const capabilities = inputs.capabilities ?? {};
  if (typeof capabilities !== "object" || capabilities === null || Array.isArray(capabilities)) return undefined;
  const { adds, drops } = capabilities as { adds?: unknown; drops?: unknown };
  const addList = capabilityList(adds);
  if (!addList || !capabilityList(drops)) return undefined;
  const keptAdds = addList.filter((cap) => {
    const [name] = normaliseCapabilities([cap]);
    return name !== undefined && name !== "ALL" && allowed(name);
  });
  return { ...inputs, capabilities: { ...capabilities, drops: ["ALL"], adds: keptAdds } };
}

/**
 * Every published port without a host address (or on a wildcard: 0.0.0.0, ::) bound to `address`;
 * undefined when `ports` is not a readable list of port objects.
 */
export function bindPorts(inputs: ContainerInputs, address: string): Record<string, unknown> | undefined {
  const ports = inputs.ports ?? [];
  if (!Array.isArray(ports) || !ports.every((p) => typeof p === "object" && p !== null && !Array.isArray(p)))
    return undefined;
  const bound = (ports as Record<string, unknown>[]).map((port) => {
    const ip = port.ip ?? "";
    if (typeof ip !== "string") return undefined;
    return isWildcardAddress(ip) ? { ...port, ip: address } : port;
  });
  if (bound.includes(undefined)) return undefined;
  return { ...inputs, ports: bound };
}

/** A restart policy: `restart` and, for on-failure, `maxRetryCount`. */
export function setRestartPolicy(
  inputs: ContainerInputs,
  restart: string,
  maxRetryCount: number,
): Record<string, unknown> {
  return { ...inputs, restart, maxRetryCount };
}
