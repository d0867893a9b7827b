"""The benchmarks' baseline pack: one resource policy that does nothing.

Whatever this pack costs per request is the price of the analyzer protocol itself (gRPC,
pulumi-policy's deserialisation and proxies); the finops pack is measured against it.
"""

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)


def nothing(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Looks at nothing and reports nothing."""


PolicyPack(
    name="empty-baseline",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[ResourceValidationPolicy(name="no-op", description="Does nothing.", validate=nothing)],
)
