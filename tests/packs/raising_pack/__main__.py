"""A pack with a bug: a bare assert that fails on one resource."""

import sys

from pulumi_policy import PolicyPack, ResourceValidationPolicy


def check(args, report_violation):
    if args.name == "plain":
        print("checking plain", file=sys.stderr)
        assert args.props.get("bucket") == "never"


PolicyPack(
    name="raising-pack", policies=[ResourceValidationPolicy(name="raises", description="Raises.", validate=check)]
)
