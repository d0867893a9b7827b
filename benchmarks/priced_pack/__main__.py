"""The finops pack plus one stack policy that prices the whole stack in AnalyzeStack, as the
budget and review policies will: the benchmark's measure of what pricing adds inside the pack."""

from finops_policies import pack
from finops_policies.pricing import EstimateOptions, estimate_stack
from finops_policies.resources import StackView
from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy

_policies = pack.build_policies


def price(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Prices every resource of the stack and reports nothing."""
    stack = StackView(tuple(pack.view_from_policy_resource(r) for r in args.resources))
    estimate_stack(stack, options=EstimateOptions(default_region="us-east-1"))


def with_pricing(*args, **kwargs):  # type: ignore[no-untyped-def]
    return [
        *_policies(*args, **kwargs),
        StackValidationPolicy(name="price-stack", description="Prices.", validate=price),
    ]


pack.build_policies = with_pricing
pack.serve()
