"""A test pack: small, deterministic rules that expose what the engine sent."""

import json

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def needs_team_tag(args, report_violation):
    if args.resource_type != "aws:s3/bucket:Bucket":
        return
    tags = args.props.get("tags") or {}
    default_tags = {}
    if args.provider is not None and "defaultTags" in args.provider.props:
        default_tags = json.loads(args.provider.props["defaultTags"]).get("tags", {})
    config = args.get_config() or {}
    key = config.get("key", "team")
    if key not in tags and key not in default_tags:
        region = args.provider.props.get("region") if args.provider is not None else None
        provider = args.provider.name if args.provider else None
        report_violation(f"bucket {args.name} has no {key} tag (provider {provider}, region {region})")


def plain(value):
    from collections.abc import Mapping, Sequence

    if isinstance(value, Mapping):
        return {k: plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    return value


def echo_everything(args, report_violation):
    # Reports every resource it sees, with its parent and provider, so tests can check the stream.
    provider = args.provider.urn if args.provider is not None else "-"
    report_violation(
        f"seen {args.resource_type} {args.name} parent={args.opts.parent} provider={provider} "
        f"props={json.dumps(plain(args.props), sort_keys=True, default=str)}"
    )


def graph(args, report_violation):
    for r in args.resources:
        deps = sorted(d.name for d in r.dependencies)
        pdeps = {k: sorted(d.name for d in v) for k, v in r.property_dependencies.items()}
        parent = r.parent.name if r.parent is not None else "-"
        report_violation(f"graph {r.name} parent={parent} deps={deps} pdeps={json.dumps(pdeps, sort_keys=True)}", r.urn)


def logger(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        pulumi.log.info(f"looked at {args.name}")


PolicyPack(
    name="engine-test-pack",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="bucket-needs-team",
            description="Buckets carry a team tag.",
            validate=needs_team_tag,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=PolicyConfigSchema(properties={"key": {"type": "string", "default": "team"}}),
        ),
        ResourceValidationPolicy(
            name="echo", description="Echo.", validate=echo_everything, enforcement_level=EnforcementLevel.DISABLED
        ),
        StackValidationPolicy(
            name="graph", description="Graph.", validate=graph, enforcement_level=EnforcementLevel.DISABLED
        ),
        ResourceValidationPolicy(name="logger", description="Logs.", validate=logger),
    ],
)
