/**
 * What 5.23 and 5.24 say about the evidence they judge `docker exec` runs on: the host's audit log
 * of the docker CLI, or only the exec sessions the engine still holds.
 */
import type { ContainerFacts } from "../../facts/types";

export const NO_EXEC_LOG =
  "needs the audit log of `docker exec` runs (auditd watching the docker CLI) or the engine's exec sessions, " +
  "which were not collected";

/** Why an empty list of engine exec sessions decides nothing: the engine forgets an exec when it ends. */
export const onlyOpenSessions = (c: ContainerFacts, what: string): string =>
  `no ${what} among the ${c.execAuditEvents?.length ?? 0} exec session(s) the engine holds now; ` +
  "the engine forgets an exec when it ends, so earlier runs need the host's audit log (auditd)";

/** What an audit-log verdict covers: this host's CLI runs since the log's first record, and the engine's sessions. */
export const logCoverage = (c: ContainerFacts): string =>
  `the host's audit log since ${c.execAuditSince ?? "its first record"} (runs of this host's docker CLI and ` +
  "docker-compose; an exec made through the API from elsewhere is not in it) and the exec sessions the engine holds";
