import type { AnyRule } from "./types";

// placeholder: filled in by the section implementation
export const SECTION_4: AnyRule[] = [];
