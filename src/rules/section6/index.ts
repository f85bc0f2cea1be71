/**
 * CIS Docker Benchmark v1.6.0, section 6: security operations. Both items are Manual in CIS:
 * how many images and containers are "too many" is an operational judgement, so the rules
 * report the counts (from the live inventory) and leave the decision to a person.
 */
import type { AnyRule } from "../types";
import { imageSprawl } from "./6.1-image-sprawl-avoided";
import { containerSprawl } from "./6.2-container-sprawl-avoided";

/** In CIS order. */
export const SECTION_6: AnyRule[] = [imageSprawl, containerSprawl];
