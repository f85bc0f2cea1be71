import { excerpt, historyField, imageHistoryRule, loneUpdates } from "../kit/images";
import { fail, pass } from "../kit/verdicts";

export const noLoneUpdate = imageHistoryRule({
  id: "4.7",
  slug: "dockerfile-runs-no-package-update",
  title: "Dockerfile runs no package update alone",
  level: 1,
  guidance:
    "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for a package index " +
    "update in a RUN of its own: the cached layer keeps stale indexes. Combine update and " +
    "install in one RUN.",
  remediation:
    "Write `RUN apt-get update && apt-get install -y --no-install-recommends PKG…` as one " +
    "instruction (likewise for apk/yum), or build with --no-cache.",
  judge: (lines) => {
    const lone = lines.filter((l) => l.instruction === "RUN" && loneUpdates(l.text).length > 0);
    if (lone.length === 0)
      return pass(`${lines.length} history lines read: no package index update in a RUN without its install`);
    const first = lone[0]!;
    return fail(
      historyField(first),
      excerpt(first.shown),
      `the ${loneUpdates(first.text).join(", ")} index update in the same RUN as the install that uses it`,
      `package index updated alone in history line${lone.length > 1 ? "s" : ""} ` +
        `${lone.map((l) => l.index).join(", ")} (0 = newest, as docker history lists them)`,
    );
  },
});
