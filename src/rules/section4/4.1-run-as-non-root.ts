import type { ContainerFacts } from "../../facts/types";
import { fail, pass } from "../kit/verdicts";
import { isRootUser } from "../predicates";
import { defineRule } from "../types";

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
    "Run as an unprivileged user: add `USER 10001` (a non-zero UID) to the Dockerfile, or " +
    'set `--user 10001:10001` (Pulumi docker.Container `user: "10001:10001"`).',
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
        "the container sets no user and the image's USER is not known here; set the user on " +
          "the container so non-root is guaranteed",
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
