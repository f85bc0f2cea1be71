import { logCoverage, NO_EXEC_LOG, onlyOpenSessions } from "../kit/exec-audit";
import { manual, notApplicable } from "../kit/verdicts";
import { isRootUser } from "../predicates";
import { defineRule } from "../types";

export const noRootExec = defineRule({
  id: "5.24",
  slug: "docker-exec-never-run-with",
  title: "docker exec is never run with --user root",
  section: 5,
  automated: false,
  level: 2,
  subject: "container",
  where: "live",
  reads: ["execAuditEvents"],
  remediation: "Stop using `docker exec --user root`; restrict who may reach the Docker socket.",
  check(c) {
    if (c.execAuditEvents === undefined) return notApplicable(NO_EXEC_LOG);
    const rootExecs = c.execAuditEvents.filter((e) => isRootUser(e.user));
    if (rootExecs.length === 0) {
      if (c.execAuditCoverage === "engine-sessions") return notApplicable(onlyOpenSessions(c, "exec as root"));
      if (c.execAuditCoverage === "audit-log")
        return manual(`No exec as root in ${logCoverage(c)}; confirm that period is the one of interest.`, []);
      return manual(
        "No `docker exec --user root` found in the collected audit events; confirm the log " +
          "covers the period of interest.",
        [],
      );
    }
    return manual(
      "Review each exec running as root (`docker exec --user root`, or into a container " +
        "whose user is root) and stop the practice.",
      rootExecs,
    );
  },
});
