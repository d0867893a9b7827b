"""The real finops-guardrails pack, served by its own `serve()`, except that the check of
`cost-allocation-tags` fails on any resource named 'explodes': what a bug in a rule looks like."""

import dataclasses

from finops_policies.pack import serve
from finops_policies.registry import all_policies


def failing_on_explodes(check):
    def run(resource, config):
        if resource.name == "explodes":
            raise RuntimeError("a bug in the check, with a value: s3cr3t")
        return check(resource, config)

    return run


def specs():
    for spec in all_policies():
        failing = spec.name == "cost-allocation-tags"
        yield dataclasses.replace(spec, check=failing_on_explodes(spec.check)) if failing else spec


serve(list(specs()))
