/**
 * `hardened-docker/audit`: the live audit of running engines and hosts, and its reports.
 */
export {
  runAudit,
  type AuditFinding,
  type AuditOptions,
  type AuditProgress,
  type AuditReport,
  type HostAudit,
} from "./run";
export { auditFindings, auditMeta, renderAuditJson, renderAuditTable, type FailOn } from "../report/audit";
