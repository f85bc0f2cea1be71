/**
 * The Dockerfile instruction words the builder knows: what the Dockerfile parser accepts
 * (src/adapters/dockerfile.ts) and what an image's history line may start with (src/rules/kit/images.ts).
 */
export const DOCKERFILE_INSTRUCTIONS: ReadonlySet<string> = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);
