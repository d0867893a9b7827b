"""Policies that lean on how the engine attributes and levels what they report."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError


def elsewhere(args, report_violation):
    if args.name == "plain":
        report_violation("reported under a URN of the policy's choosing", "some-urn")


def stack_urns(args, report_violation):
    for r in args.resources:
        if r.name == "guarded":
            report_violation("on guarded", r.urn)
    report_violation("on a resource the stack does not have", "urn:pulumi:dev::options::aws:s3/bucket:Bucket::gone")


def fix_bucket_policy(args):
    # pulumi-policy reports a remediation that meets an unknown value in the Remediation's `diagnostic`
    if args.name == "logs":
        raise UnknownValueError(UNKNOWN_STRING_VALUE, ["bucket"])


PolicyPack(
    name="quirks-pack",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(name="elsewhere", description="Reports under another URN.", validate=elsewhere),
        StackValidationPolicy(name="stack-urns", description="Reports on resources by URN.", validate=stack_urns),
        ResourceValidationPolicy(
            name="fix-bucket-policy",
            description="Remediates bucket policies.",
            enforcement_level=EnforcementLevel.REMEDIATE,
            remediate=fix_bucket_policy,
        ),
    ],
)
