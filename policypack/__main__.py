"""Entry point the Pulumi CLI (and finops-guard) runs: `python -m pulumi.policy <engine> <pack dir>`."""

from finops_policies.pack import serve

serve()
