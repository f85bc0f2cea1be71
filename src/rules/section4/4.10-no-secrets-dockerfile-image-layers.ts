import { imageProcessRule } from "../kit/images";

export const noSecretsInDockerfile = imageProcessRule({
  id: "4.10",
  slug: "no-secrets-dockerfile-image-layers",
  title: "No secrets in the Dockerfile or image layers",
  level: 1,
  where: "decl",
  guidance:
    "Check the Dockerfile and `docker history --no-trunc IMAGE` for credentials in ENV, " +
    "ARG, RUN or copied files: layers keep them even if later deleted.",
  remediation:
    "Pass build secrets with BuildKit (`RUN --mount=type=secret,id=…`) and runtime " +
    "secrets via a secret store or swarm secrets, never ENV/ARG.",
});
