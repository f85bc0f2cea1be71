import { fail, pass } from "../kit/verdicts";
import { defineRule } from "../types";

/** dockerd always treats these as insecure registries; they are not a configuration choice. */
const IMPLICIT_INSECURE_REGISTRIES = new Set(["127.0.0.0/8", "::1/128"]);

export const noInsecureRegistries = defineRule({
  id: "2.5",
  slug: "no-insecure-registries",
  title: "No insecure registries",
  section: 2,
  automated: true,
  level: 1,
  subject: "daemon",
  where: "both",
  reads: ["insecureRegistries"],
  remediation:
    'Remove "insecure-registries" from daemon.json (and every --insecure-registry flag); ' +
    "give those registries TLS certificates.",
  check(d) {
    const configured = d.insecureRegistries.filter(
      (r) => r.trim() !== "" && !IMPLICIT_INSECURE_REGISTRIES.has(r.trim()),
    );
    return configured.length === 0 ? pass() : fail("insecureRegistries", configured, "no insecure registries");
  },
});
