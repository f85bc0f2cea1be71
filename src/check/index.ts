/**
 * `hardened-docker/check`: the offline `check` — a Pulumi program run under mocks, then the
 * policy pack through an emulation of the Pulumi engine's analysis. Kept apart from the pack's
 * entry (`hardened-docker/policy`), so a policy pack loaded by `pulumi preview` never loads it.
 */
export { checkProgram, toFindings, type CheckOptions, type CheckResult } from "../policy/check";
export {
  analyzeResource,
  analyzeStack,
  effectiveLevel,
  PolicyConfigError,
  reconcileConfig,
  type AnalysisResult,
  type Diagnostic,
  type EngineResource,
  type PackConfig,
  type ReconciledConfig,
} from "../policy/engine";
