import { parseImageRef } from "../../../src/facts/image-ref";

const D = "sha256:" + "0123456789abcdef".repeat(4);

describe("parseImageRef", () => {
  it.each([
    // raw, registry, repository, tag
    ["nginx", "docker.io", "library/nginx", undefined],
    ["nginx:1.25", "docker.io", "library/nginx", "1.25"],
    ["bitnami/redis:7", "docker.io", "bitnami/redis", "7"],
    ["docker.io/nginx", "docker.io", "library/nginx", undefined],
    ["index.docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest"],
    ["registry.example.com/team/app:1.2", "registry.example.com", "team/app", "1.2"],
    ["registry.example.com:5000/team/app", "registry.example.com:5000", "team/app", undefined],
    ["localhost/app", "localhost", "app", undefined],
    ["localhost:5000/app:dev", "localhost:5000", "app", "dev"],
    ["ghcr.io/org/sub/app:v1", "ghcr.io", "org/sub/app", "v1"],
    // a first component without '.', ':' or "localhost" is a Docker Hub namespace, not a host
    ["myregistry/app", "docker.io", "myregistry/app", undefined],
    // upper-case first component can only be a host (repository paths are lower-case)
    ["MyHost/app", "MyHost", "app", undefined],
    // a single component is a repository on Docker Hub, even if it looks like "localhost"
    ["localhost", "docker.io", "library/localhost", undefined],
  ])("%s → %s / %s : %s", (raw, registry, repository, tag) => {
    const ref = parseImageRef(raw);
    expect(ref).toEqual({ raw, registry, repository, ...(tag ? { tag } : {}), isImageId: false });
  });

  it("reads a digest, with or without a tag", () => {
    expect(parseImageRef(`nginx@${D}`)).toEqual({
      raw: `nginx@${D}`,
      registry: "docker.io",
      repository: "library/nginx",
      digest: D,
      isImageId: false,
    });
    const both = parseImageRef(`registry.example.com:5000/team/app:1.2@${D}`);
    expect(both).toMatchObject({
      registry: "registry.example.com:5000",
      repository: "team/app",
      tag: "1.2",
      digest: D,
      isImageId: false,
    });
  });

  it("does not take a port colon for a tag", () => {
    const ref = parseImageRef(`registry.example.com:5000/app@${D}`);
    expect(ref.tag).toBeUndefined();
    expect(ref.registry).toBe("registry.example.com:5000");
  });

  it("leaves a malformed or non-sha256 digest unset (reads as not pinned)", () => {
    expect(parseImageRef("nginx@sha256:abc").digest).toBeUndefined();
    expect(parseImageRef(`nginx@sha256:${"A".repeat(64)}`).digest).toBeUndefined();
    expect(parseImageRef(`nginx@sha512:${"a".repeat(128)}`).digest).toBeUndefined();
    expect(parseImageRef("nginx@sha256:abc").repository).toBe("library/nginx");
  });

  it.each([D, "sha256:4d3c2b1a", "4d3c2b1a0f9e", "0123456789abcdef".repeat(4)])("recognises image ID %s", (raw) => {
    expect(parseImageRef(raw)).toEqual({ raw, registry: "", repository: "", isImageId: true });
  });

  it.each(["4d3c2b1a0f9", "4d3c2b1a0f9g", "4d3c2b1a0f9e:latest", "0123456789abcdef".repeat(4) + "0"])(
    "does not take %s for an image ID",
    (raw) => {
      expect(parseImageRef(raw).isImageId).toBe(false);
    },
  );

  it("keeps raw exactly as given but parses the trimmed text", () => {
    const ref = parseImageRef(" nginx:1 ");
    expect(ref.raw).toBe(" nginx:1 ");
    expect(ref).toMatchObject({ repository: "library/nginx", tag: "1" });
  });

  it("never throws on garbage", () => {
    for (const raw of ["", ":", "@", "/", "a:b:c", "@@sha256:x", "[::1]:5000/app"])
      expect(() => parseImageRef(raw)).not.toThrow();
    expect(parseImageRef("").isImageId).toBe(false);
  });
});
