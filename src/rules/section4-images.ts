/**
 * CIS Docker Benchmark v1.6.0, section 4: container images and build files.
 *
 * The automated items (4.1, 4.5, 4.6) are judged on the *container*: what matters is the
 * effective setting at run time, and only the container sees both its own spec and the
 * image's configuration (a container `user` overrides the image's USER; `--health-cmd` adds a
 * healthcheck and `--no-healthcheck` removes the image's). 4.2 is on the container too, because
 * the image reference (registry/repository) is what the allow-list is about. The remaining
 * items are processes around building images: report-only, one verdict per image.
 */
import type { ContainerFacts, HealthcheckFacts, ImageFacts, ImageRef } from "../facts/types";
import { isRootUser } from "./predicates";
import { defineRule, fail, manual, pass, type AnyRule, type Verdict } from "./types";

// ───────────────────────────── helpers ─────────────────────────────

/** Healthcheck `test: ["NONE"]` disables a check (`--no-healthcheck`, `HEALTHCHECK NONE`). */
const isDisabled = (hc: HealthcheckFacts): boolean => hc.test[0] === "NONE";

/**
 * The image reference matches an allow-list entry: a registry host (`registry.example.com`)
 * or a registry/repository prefix (`registry.example.com/team`). Prefixes match on path
 * boundaries, so `…/team` does not admit `…/teamster/app`. Hosts compare case-insensitively.
 * Returns the matching entry, or undefined.
 */
export function matchAllowList(ref: ImageRef, allowList: readonly string[]): string | undefined {
  if (ref.isImageId) return undefined; // an ID carries no registry to match
  const path = `${ref.registry.toLowerCase()}/${ref.repository}`;
  return allowList.find((entry) => {
    const trimmed = entry.trim().replace(/\/+$/, "");
    if (trimmed === "") return false;
    const slash = trimmed.indexOf("/");
    const normalised = slash < 0 ? trimmed.toLowerCase() : trimmed.slice(0, slash).toLowerCase() + trimmed.slice(slash);
    return path === normalised || path.startsWith(normalised + "/");
  });
}

/** What a person reviewing an image needs to identify it. */
const imageReport = (img: ImageFacts) => ({
  id: img.id,
  repoTags: img.repoTags,
  repoDigests: img.repoDigests,
  ...(img.containersUsing !== undefined ? { containersUsing: img.containersUsing } : {}),
});

/** The report-only items about how an image was built: one shape, different guidance. */
function imageProcessRule(
  id: string,
  title: string,
  level: 1 | 2,
  where: "decl" | "none",
  guidance: string,
  remediation: string,
) {
  return defineRule({
    id,
    title,
    section: 4,
    automated: false,
    level,
    subject: "image",
    where,
    reads: ["id", "repoTags", "repoDigests", "containersUsing"],
    remediation,
    check: (img): Verdict => manual(guidance, imageReport(img)),
  });
}

// ───────────────────────────── automated and container-level items ─────────────────────────────

export const nonRootUser = defineRule({
  id: "4.1",
  slug: "run-as-non-root",
  title: "Container runs as a non-root user",
  section: 4,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["user", "imageConfig.user"],
  remediation:
    'Run as an unprivileged user: add `USER 10001` (a non-zero UID) to the Dockerfile, or set `--user 10001:10001` (Pulumi docker.Container `user: "10001:10001"`).',
  check(c: ContainerFacts) {
    // The container's `user` overrides the image's USER; an empty string means "not set".
    if (c.user !== undefined && c.user.trim() !== "") {
      return isRootUser(c.user)
        ? fail("user", c.user, "a non-root user (not root, 0 or 0:…)")
        : pass(`runs as ${c.user}`);
    }
    const imageUser = c.imageConfig?.user;
    if (c.imageConfig === undefined) {
      // Declared without image facts: nothing in the spec guarantees a non-root user.
      return fail(
        "user",
        c.user ?? null,
        "a non-root user set on the container",
        "the container sets no user and the image's USER is not known here; set the user on the container so non-root is guaranteed",
      );
    }
    if (imageUser === undefined || imageUser.trim() === "") {
      return fail(
        "imageConfig.user",
        imageUser ?? "",
        "a non-root user",
        "neither the container nor the image sets a user, so the process runs as root",
      );
    }
    return isRootUser(imageUser)
      ? fail(
          "imageConfig.user",
          imageUser,
          "a non-root user (not root, 0 or 0:…)",
          "the container sets no user and the image's USER is root",
        )
      : pass(`runs as the image's user ${imageUser}`);
  },
});

export const trustedRegistries = defineRule({
  id: "4.2",
  slug: "trusted-registries",
  settings: ["trustedRegistries"],
  title: "Images come from trusted registries",
  section: 4,
  automated: false,
  level: 1,
  subject: "container",
  where: "decl",
  reads: ["image.raw", "image.registry", "image.repository", "image.isImageId"],
  remediation:
    "Pull images only from registries you trust (an internal registry or vetted repositories); list them in settings.trustedRegistries so each image is reported against that allow-list.",
  check(c, ctx) {
    const allowList = ctx.settings.trustedRegistries;
    const image = c.image.isImageId
      ? { raw: c.image.raw, isImageId: true }
      : { raw: c.image.raw, registry: c.image.registry, repository: c.image.repository };
    if (allowList.length === 0) {
      return manual(
        "Confirm the image's registry and repository are trusted (and its base images too). Configure settings.trustedRegistries to have each image compared with an allow-list.",
        { image },
      );
    }
    if (c.image.isImageId) {
      return manual(
        "The image is referenced by ID, so its registry is unknown: confirm where it came from, or reference it by name and digest.",
        {
          image,
          allowList,
          matchedEntry: null,
        },
      );
    }
    const matchedEntry = matchAllowList(c.image, allowList) ?? null;
    return manual(
      matchedEntry
        ? `The image matches the allow-list entry "${matchedEntry}"; confirm its base images come from trusted sources too.`
        : "The image matches no entry of settings.trustedRegistries: move it to a trusted registry, or review and add its source to the allow-list.",
      { image, allowList, matchedEntry },
    );
  },
});

export const contentTrust = defineRule({
  id: "4.5",
  slug: "verified-image",
  title: "Image is verified: pinned by digest or pulled with content trust",
  section: 4,
  automated: true,
  level: 2,
  subject: "container",
  where: "decl",
  reads: ["image.digest", "image.isImageId", "image.raw"],
  remediation:
    "Reference the image by digest (`name:tag@sha256:…`, e.g. from `docker buildx imagetools inspect`) in the Pulumi docker.Container `image`, or deploy with DOCKER_CONTENT_TRUST=1 in the environment.",
  check(c, ctx) {
    if (c.image.digest) return pass(`pinned by digest ${c.image.digest}`);
    // An image ID is a content address: it cannot silently change either.
    if (c.image.isImageId) return pass("referenced by image ID (content-addressed)");
    if (ctx.contentTrust === true) return pass("DOCKER_CONTENT_TRUST=1 in the deploying environment");
    return fail(
      "image.digest",
      c.image.raw,
      "the reference pinned by @sha256:<digest>, or DOCKER_CONTENT_TRUST=1",
      "a tag can be moved to different content; nothing verifies what is pulled",
    );
  },
});

export const healthcheckDefined = defineRule({
  id: "4.6",
  slug: "healthcheck-defined",
  title: "A healthcheck is defined (image or container)",
  section: 4,
  automated: true,
  level: 1,
  subject: "container",
  where: "both",
  reads: ["healthcheck", "imageConfig.healthcheck"],
  remediation:
    'Add a HEALTHCHECK instruction to the Dockerfile, or set `--health-cmd` (Pulumi docker.Container `healthcheck: { tests: ["CMD", …] }`); do not use `--no-healthcheck`.',
  check(c) {
    // The container's check overrides the image's; an empty test means "inherit the image's".
    const own = c.healthcheck && c.healthcheck.test.length > 0 ? c.healthcheck : undefined;
    if (own) {
      return isDisabled(own)
        ? fail(
            "healthcheck.test",
            own.test,
            "a healthcheck command",
            "the container disables the healthcheck (--no-healthcheck)",
          )
        : pass("healthcheck defined on the container");
    }
    if (c.imageConfig === undefined) {
      return fail(
        "healthcheck",
        null,
        "a healthcheck on the container",
        "the container defines none and the image's HEALTHCHECK is not known here; define it on the container so it is guaranteed",
      );
    }
    const inherited = c.imageConfig.healthcheck;
    if (!inherited || inherited.test.length === 0) {
      return fail(
        "imageConfig.healthcheck",
        null,
        "a healthcheck in the image or on the container",
        "neither the image nor the container defines one",
      );
    }
    return isDisabled(inherited)
      ? fail(
          "imageConfig.healthcheck.test",
          inherited.test,
          "a healthcheck command",
          "the image disables its healthcheck (HEALTHCHECK NONE)",
        )
      : pass("healthcheck inherited from the image");
  },
});

// ───────────────────────────── report-only process items ─────────────────────────────

const minimalPackages = imageProcessRule(
  "4.3",
  "Image contains only needed packages",
  1,
  "none",
  "List the image's packages (an SBOM: `docker sbom IMAGE` or `syft IMAGE`) and remove what the application does not need; prefer slim, distroless or scratch bases.",
  "Build from a minimal base and install only runtime dependencies (multi-stage builds keep build tools out of the final image).",
);

const scanAndRebuild = imageProcessRule(
  "4.4",
  "Image is scanned and rebuilt with security patches",
  1,
  "none",
  "Scan the image for known vulnerabilities (Trivy, Grype, Docker Scout) and confirm it is rebuilt from a patched base on a schedule and when fixes land; then redeploy its containers.",
  "Add image scanning to CI and rebuild images regularly from updated bases (`docker build --pull --no-cache`); redeploy containers from the new image.",
);

const noLoneUpdate = imageProcessRule(
  "4.7",
  "Dockerfile runs no package update alone",
  1,
  "decl",
  "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for a package index update in a RUN of its own: the cached layer keeps stale indexes. Combine update and install in one RUN.",
  "Write `RUN apt-get update && apt-get install -y --no-install-recommends PKG…` as one instruction (likewise for apk/yum), or build with --no-cache.",
);

const noSetuid = imageProcessRule(
  "4.8",
  "Image has no unneeded setuid/setgid files",
  2,
  "none",
  "List setuid/setgid files in the image (`find / -xdev -perm /6000 -type f`) and confirm each is needed; running with no-new-privileges also neutralises them.",
  "Strip the bits in the Dockerfile: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`.",
);

const copyNotAdd = imageProcessRule(
  "4.9",
  "Dockerfile uses COPY instead of ADD",
  1,
  "decl",
  "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for ADD: it fetches URLs and unpacks archives implicitly. COPY does neither.",
  "Replace ADD with COPY; download remote files explicitly and verify their checksum.",
);

const noSecretsInDockerfile = imageProcessRule(
  "4.10",
  "No secrets in the Dockerfile or image layers",
  1,
  "decl",
  "Check the Dockerfile and `docker history --no-trunc IMAGE` for credentials in ENV, ARG, RUN or copied files: layers keep them even if later deleted.",
  "Pass build secrets with BuildKit (`RUN --mount=type=secret,id=…`) and runtime secrets via a secret store or swarm secrets, never ENV/ARG.",
);

const verifiedPackages = imageProcessRule(
  "4.11",
  "Only verified packages are installed",
  2,
  "none",
  "Confirm packages come from signed repositories with GPG checks on, and that downloaded artifacts are checked against known checksums or signatures.",
  "Keep package-manager signature checks on; verify downloads (`ADD --checksum=sha256:…` or `sha256sum -c`) before use.",
);

const signedArtifacts = imageProcessRule(
  "4.12",
  "Signed artifacts are validated",
  1,
  "none",
  "Confirm the image and the artifacts in it are signed and their signatures verified before deploy (Docker Content Trust, `cosign verify`, or an admission policy).",
  "Sign images in CI (cosign or Notary) and verify signatures before deploy; pin verified images by digest.",
);

export const SECTION_4: AnyRule[] = [
  nonRootUser,
  trustedRegistries,
  minimalPackages,
  scanAndRebuild,
  contentTrust,
  healthcheckDefined,
  noLoneUpdate,
  noSetuid,
  copyNotAdd,
  noSecretsInDockerfile,
  verifiedPackages,
  signedArtifacts,
];
