/**
 * A program that builds its image from app/Dockerfile and runs it. `hardened-docker check
 * examples/dockerfile-app` judges the Dockerfile too: each finding points at its line there
 * (a tag-only FROM, an index update alone in a RUN, ADD, a password in ENV, no USER, no
 * HEALTHCHECK). The ENV's value is a placeholder and never shown in a report.
 */
import * as docker from "@pulumi/docker";

export const image = new docker.Image("app", {
  build: { context: "./app" },
  imageName: "registry.example.com/team/app:1.0.0",
  skipPush: true,
}).imageName;
