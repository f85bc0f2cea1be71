import { compareDottedVersions, parseDottedVersion } from "../kit/host";
import { fail, manual } from "../kit/verdicts";
import { defineRule } from "../types";

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
  reads: ["engineVersion"],
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
    return manual(`${guidance} It meets the configured minimum ${min}.`, h.engineVersion);
  },
});
