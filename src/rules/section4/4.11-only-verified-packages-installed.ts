import { imageProcessRule } from "../kit/images";

export const verifiedPackages = imageProcessRule({
  id: "4.11",
  slug: "only-verified-packages-installed",
  title: "Only verified packages are installed",
  level: 2,
  where: "none",
  guidance:
    "Confirm packages come from signed repositories with GPG checks on, and that " +
    "downloaded artifacts are checked against known checksums or signatures.",
  remediation:
    "Keep package-manager signature checks on; verify downloads (`ADD " +
    "--checksum=sha256:…` or `sha256sum -c`) before use.",
});
