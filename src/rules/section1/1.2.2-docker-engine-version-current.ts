import { compareDottedVersions, parseDottedVersion } from "../kit/host";
import { fail, manual } from "../kit/verdicts";
import { defineRule } from "../types";

/**
 * The oldest API version each engine line accepts by default: Engine 25 dropped API versions
 * before 1.24, Engine 29 those before 1.44. Only DOCKER_MIN_API_VERSION sets a lower one.
 */
const DEFAULT_MINIMUM_API = [
  { since: "29", default: "1.44" },
  { since: "25", default: "1.24" },
] as const;

/** The engine line's default minimum API version, when the engine accepts an older one. */
function loweredMinimumApi(
  engine: NonNullable<ReturnType<typeof parseDottedVersion>>,
  minApi: string | undefined,
): (typeof DEFAULT_MINIMUM_API)[number] | undefined {
  const accepted = minApi === undefined ? undefined : parseDottedVersion(minApi);
  if (!accepted) return undefined;
  const line = DEFAULT_MINIMUM_API.find((l) => compareDottedVersions(engine, parseDottedVersion(l.since)!) >= 0);
  return line && compareDottedVersions(accepted, parseDottedVersion(line.default)!) < 0 ? line : undefined;
}

export const engineCurrent = defineRule({
  id: "1.2.2",
  slug: "docker-engine-version-current",
  settings: ["minimumEngineVersion"],
  title: "Docker engine version current",
  section: 1,
  automated: false,
  level: 1,
  subject: "host",
  where: "live",
  reads: ["engineVersion", "engineMinApiVersion"],
  remediation: "Upgrade Docker Engine (and containerd/runc) to a supported, patched release.",
  check(h, ctx) {
    const guidance = "Check that the engine version is a supported release with current security fixes.";
    const min = ctx.settings.minimumEngineVersion;
    if (h.engineVersion === undefined) return manual(`${guidance} (the engine version could not be read)`);
    if (min === undefined) return manual(guidance, h.engineVersion);
    const wanted = parseDottedVersion(min);
    // A bad setting is a configuration error: loud, never a silent pass or manual.
    if (!wanted)
      throw new Error(`settings.minimumEngineVersion ${JSON.stringify(min)} is not a dotted numeric version`);
    const have = parseDottedVersion(h.engineVersion);
    if (!have)
      return manual(
        `${guidance} (version ${JSON.stringify(h.engineVersion)} is not numeric; compare with ${min} by hand)`,
        h.engineVersion,
      );
    if (compareDottedVersions(have, wanted) < 0)
      return fail("engineVersion", h.engineVersion, `${min} or newer (settings.minimumEngineVersion)`);
    const lowered = loweredMinimumApi(have, h.engineMinApiVersion);
    if (lowered)
      return fail(
        "engineMinApiVersion",
        h.engineMinApiVersion,
        `${lowered.default} or newer, Engine ${lowered.since}'s default`,
        "DOCKER_MIN_API_VERSION lowered it: the engine serves clients of Docker releases long out of support",
      );
    return manual(`${guidance} It meets the configured minimum ${min}.`, h.engineVersion);
  },
});
