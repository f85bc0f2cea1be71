import { exemptionRule } from "../kit/exemptions";

export const daemonExemptionsValid = exemptionRule({
  id: "hd-exemptions-daemon",
  slug: "valid",
  title: "Exemption labels on the daemon are valid and current",
  kind: "daemon",
});
