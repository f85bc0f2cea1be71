/**
 * A pure parser for Docker image references, following the reference grammar of
 * distribution/reference (the one dockerd and the CLI use):
 *
 *   [registry-host[:port]/]path[:tag][@digest]      or an image ID
 *
 * It never throws: adapters feed it whatever a declaration or the engine reports, and rules
 * must still get a shape they can judge (an unparsable digest simply leaves `digest` unset,
 * which reads as "not pinned" — the safe side).
 */
import type { ImageRef } from "./types";

/** Registry assumed when a reference names none. */
export const DEFAULT_REGISTRY = "docker.io";

/** Names Docker Hub is also known by; normalised to DEFAULT_REGISTRY like dockerd does. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** `sha256:` followed by a (possibly truncated) ID, or a bare 12–64 hex ID (`docker images` shows 12). */
const IMAGE_ID = /^(?:sha256:[a-f0-9]{1,64}|[a-f0-9]{12,64})$/;

/**
 * Does the first path component name a registry host? Docker's rule: it contains `.` or `:`,
 * is `localhost`, or has upper-case letters (repository paths must be lower-case, so such a
 * component can only be a host).
 */
function isRegistryHost(component: string): boolean {
  return (
    component.includes(".") ||
    component.includes(":") ||
    component === "localhost" ||
    component !== component.toLowerCase()
  );
}

export function parseImageRef(raw: string): ImageRef {
  const text = raw.trim();

  if (IMAGE_ID.test(text)) {
    // An ID names content, not a location: there is no registry or repository to report.
    return { raw, registry: "", repository: "", isImageId: true };
  }

  // Digest: everything after the first `@` (`@` cannot occur in names or tags).
  let name = text;
  let digest: string | undefined;
  const at = text.indexOf("@");
  if (at >= 0) {
    name = text.slice(0, at);
    const candidate = text.slice(at + 1);
    if (SHA256_DIGEST.test(candidate)) digest = candidate;
  }

  // Tag: a `:` after the last `/` (a `:` before it belongs to the registry's port).
  let tag: string | undefined;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }

  let registry = DEFAULT_REGISTRY;
  let repository = name;
  const slash = name.indexOf("/");
  if (slash >= 0 && isRegistryHost(name.slice(0, slash))) {
    registry = name.slice(0, slash);
    repository = name.slice(slash + 1);
  }
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DEFAULT_REGISTRY;
  // Official images on Docker Hub live under `library/`.
  if (registry === DEFAULT_REGISTRY && repository !== "" && !repository.includes("/"))
    repository = `library/${repository}`;

  return {
    raw,
    registry,
    repository,
    ...(tag !== undefined && tag !== "" ? { tag } : {}),
    ...(digest ? { digest } : {}),
    isImageId: false,
  };
}
