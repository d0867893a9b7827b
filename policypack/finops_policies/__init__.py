"""finops-guardrails policies: cost rules for Pulumi programs, packaged as a CrossGuard policy pack."""
