import { excerpt, historyField, imageHistoryRule, isBaseRootfs } from "../kit/images";
import { fail, pass } from "../kit/verdicts";

export const copyNotAdd = imageHistoryRule({
  id: "4.9",
  slug: "dockerfile-uses-copy-instead-add",
  title: "Dockerfile uses COPY instead of ADD",
  level: 1,
  guidance:
    "Check the Dockerfile (or `docker history --no-trunc IMAGE`) for ADD: it fetches URLs " +
    "and unpacks archives implicitly. COPY does neither.",
  remediation: "Replace ADD with COPY; download remote files explicitly and verify their checksum.",
  judge: (lines) => {
    const adds = lines.filter((l) => l.instruction === "ADD" && !isBaseRootfs(l, lines));
    if (adds.length === 0)
      return pass(`${lines.length} history lines read: no ADD (the base image's root filesystem aside)`);
    const first = adds[0]!;
    return fail(
      historyField(first),
      excerpt(first.shown),
      "COPY (ADD fetches URLs and unpacks archives implicitly)",
      `ADD in history line${adds.length > 1 ? "s" : ""} ${adds.map((l) => l.index).join(", ")} ` +
        "(0 = newest, as docker history lists them)",
    );
  },
});
