import { redactCommandLine } from "../../facts/redact";
import { credentialsOnLine, excerpt, historyField, imageHistoryRule, isCredentialName } from "../kit/images";
import { fail, pass } from "../kit/verdicts";

export const noSecretsInDockerfile = imageHistoryRule({
  id: "4.10",
  slug: "no-secrets-dockerfile-image-layers",
  title: "No secrets in the Dockerfile or image layers",
  level: 1,
  guidance:
    "Check the Dockerfile and `docker history --no-trunc IMAGE` for credentials in ENV, " +
    "ARG, RUN or copied files: layers keep them even if later deleted.",
  remediation:
    "Pass build secrets with BuildKit (`RUN --mount=type=secret,id=…`) and runtime " +
    "secrets via a secret store or swarm secrets, never ENV/ARG.",
  reads: ["env"],
  judge: (lines, img) => {
    // Config.Env: a credential-named variable with a value (the facts hold `***`, or "" for none).
    const inEnv = (img.env ?? [])
      .map((e) => [e.slice(0, Math.max(0, e.indexOf("="))), e.slice(e.indexOf("=") + 1)] as const)
      .filter(([name, value]) => name !== "" && value !== "" && isCredentialName(name))
      .map(([name]) => name);
    const onLines = lines.map((l) => ({ l, names: credentialsOnLine(l.shown) })).filter((x) => x.names.length > 0);
    if (inEnv.length === 0 && onLines.length === 0)
      return pass(
        `${lines.length} history lines and the image's ENV read: no credential given a value ` +
          "(files copied into layers are not read)",
      );
    const where = [
      ...(inEnv.length > 0 ? [`Config.Env: ${inEnv.join(", ")}`] : []),
      ...onLines.map((x) => `history line ${x.l.index} (${x.l.instruction}): ${x.names.join(", ")}`),
    ].join("; ");
    const expected = "no credential in the image's ENV or build instructions (a secret mount or store instead)";
    const detail = `credentials named in ${where}`;
    // Evidence names the variable; a line is shown with its values hidden (again: redaction is idempotent).
    if (inEnv.length > 0) return fail("env", inEnv, expected, detail);
    const first = onLines[0]!;
    return fail(historyField(first.l), excerpt(redactCommandLine(first.l.shown)), expected, detail);
  },
});
