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
import type { AnyRule } from "../types";
import { nonRootUser } from "./4.1-run-as-non-root";
import { trustedRegistries } from "./4.2-trusted-registries";
import { minimalPackages } from "./4.3-image-contains-only-needed-packages";
import { scanAndRebuild } from "./4.4-image-scanned-rebuilt-with-security";
import { contentTrust } from "./4.5-verified-image";
import { healthcheckDefined } from "./4.6-healthcheck-defined";
import { noLoneUpdate } from "./4.7-dockerfile-runs-no-package-update";
import { noSetuid } from "./4.8-image-has-no-unneeded-setuid";
import { copyNotAdd } from "./4.9-dockerfile-uses-copy-instead-add";
import { noSecretsInDockerfile } from "./4.10-no-secrets-dockerfile-image-layers";
import { verifiedPackages } from "./4.11-only-verified-packages-installed";
import { signedArtifacts } from "./4.12-signed-artifacts-validated";

/** In CIS order. */
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
