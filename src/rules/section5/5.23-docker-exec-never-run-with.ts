import type { ExecAuditEvent } from "../../facts/types";
import { logCoverage, NO_EXEC_LOG, onlyOpenSessions } from "../kit/exec-audit";
import { failOnOffenders, type Offence } from "../kit/offenders";
import { notApplicable, pass } from "../kit/verdicts";
import { defineRule } from "../types";

const describeExec = (e: ExecAuditEvent): string =>
  (e.command ? `\`${e.command}\`` : "exec") +
  (e.user ? ` as ${e.user}` : "") +
  (e.at ? ` at ${e.at}` : "") +
  (e.via ? ` by ${e.via}` : "");

const PRIVILEGED_EXEC: Offence<ExecAuditEvent> = {
  isBad: (e) => e.privileged,
  field: (i) => `execAuditEvents[${i}].privileged`,
  observed: () => true,
  expected: "no exec with --privileged",
  describe: (e) => `privileged ${describeExec(e)}`,
};

export const noPrivilegedExec = defineRule({
  id: "5.23",
  slug: "docker-exec-never-run-with",
  title: "docker exec is never run with --privileged",
  section: 5,
  automated: true,
  level: 2,
  subject: "container",
  where: "live",
  reads: ["execAuditEvents"],
  remediation: "Stop using `docker exec --privileged`; restrict who may reach the Docker socket.",
  check(c) {
    if (c.execAuditEvents === undefined) return notApplicable(NO_EXEC_LOG);
    // A privileged exec found is a failure, whatever the coverage; none found proves nothing without the log.
    if (c.execAuditCoverage === "engine-sessions" && !c.execAuditEvents.some((e) => e.privileged))
      return notApplicable(onlyOpenSessions(c, "privileged exec"));
    const verdict = failOnOffenders(c.execAuditEvents, PRIVILEGED_EXEC);
    return verdict.status === "pass" && c.execAuditCoverage === "audit-log"
      ? pass(`no privileged exec in ${logCoverage(c)}`)
      : verdict;
  },
});
