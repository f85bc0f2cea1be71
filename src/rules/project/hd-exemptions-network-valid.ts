import { exemptionRule } from "../kit/exemptions";

export const networkExemptionsValid = exemptionRule({
  id: "hd-exemptions-network",
  slug: "valid",
  title: "Exemption labels on the network are valid and current",
  kind: "network",
});
