import { exemptionRule } from "../kit/exemptions";

export const containerExemptionsValid = exemptionRule({
  id: "hd-exemptions",
  slug: "valid",
  title: "Exemption labels on the container are valid and current",
  kind: "container",
});
