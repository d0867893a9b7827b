"""The finops pack without the policies that price the stack (cost-budget, cost-review): what the
pack costs when nothing is priced, the benchmark's measure of what pricing inside the pack adds."""

from finops_policies import pack
from finops_policies.registry import all_policies

PRICING = {"cost-budget", "cost-review"}

pack.serve([spec for spec in all_policies() if spec.name not in PRICING])
