/**
 * CIS Docker Benchmark v1.6.0, section 7: Docker Swarm. Every swarm item is not applicable
 * on an engine that is not in a swarm (5.1 separately fails a swarm that is not needed).
 * 7.3 is judged per network (overlay networks only); the others on the engine's swarm state.
 * Older benchmarks (1.13–1.2) had "swarm mode not enabled" as 7.1, so their 7.2–7.10 are
 * this section's 7.1–7.9 (recorded as aliases).
 */
import type { AnyRule } from "../types";
import { minimalManagers } from "./7.1-swarm-has-minimal-odd-number";
import { specificListenAddr } from "./7.2-swarm-management-listens-specific-address";
import { encryptedOverlay } from "./7.3-encrypted-overlay";
import { swarmSecrets } from "./7.4-swarm-secrets-hold-service-secrets";
import { autolock } from "./7.5-swarm-managers-run-with-autolock";
import { unlockKeyRotation } from "./7.6-swarm-unlock-key-rotated-periodically";
import { nodeCertRotation } from "./7.7-swarm-node-certificates-rotated";
import { caRotation } from "./7.8-swarm-root-ca-rotated";
import { planeSeparation } from "./7.9-management-data-plane-traffic-separated";

/** In CIS order. */
export const SECTION_7: AnyRule[] = [
  minimalManagers,
  specificListenAddr,
  encryptedOverlay,
  swarmSecrets,
  autolock,
  unlockKeyRotation,
  nodeCertRotation,
  caRotation,
  planeSeparation,
];
