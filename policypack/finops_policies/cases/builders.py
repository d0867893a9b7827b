"""The building blocks every policy's cases share: providers, dates, waivers and common resources.

Dates come from `finops_policies.clock`, the clock the policies read, so pinning
`FINOPS_GUARDRAILS_TODAY` moves cases and verdicts together. Workloads put their pod template
where `finops_policies.kubernetes` says their kind keeps it, as the policies read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from finops_policies import conventions as conv
from finops_policies.clock import days_from_today
from finops_policies.kubernetes import pod_template_path
from finops_policies.values import UNKNOWN_STRING

from . import CaseProvider, CaseResource, aws_provider, k8s_provider

#: The default providers a stack of the case project gets.
AWS = aws_provider()
K8S = k8s_provider()
#: An AWS provider whose default tags are unknown until apply.
AWS_UNKNOWN_DEFAULT_TAGS = CaseProvider(
    conv.AWS_PROVIDER, "default_7_51_1", {"region": "us-east-1", "version": "7.51.1", "defaultTags": UNKNOWN_STRING}
)


def day(offset: int) -> str:
    """The date `offset` days from today (negative: in the past), as YYYY-MM-DD."""
    return days_from_today(offset).isoformat()


def waivers(
    *resources: str,
    expires: str,
    ticket: str,
    approved_by: str = "platform-team",
    reason: str = "accepted until the fix ships",
) -> dict[str, Any]:
    """A policy config holding one waiver for `resources` (names or URN globs)."""
    return {
        "waivers": [
            {
                "resources": list(resources),
                "ticket": ticket,
                "reason": reason,
                "approvedBy": approved_by,
                "expires": expires,
            }
        ]
    }


def res(type_: str, name: str, props: Mapping[str, Any] | None = None, **kw: Any) -> CaseResource:
    """A resource with the default provider of its package (Kubernetes or AWS) unless one is given."""
    provider = kw.pop("provider", K8S if type_.startswith("kubernetes:") else AWS)
    return CaseResource(type_, name, props or {}, provider=provider, **kw)


def retention_class(name: str) -> dict[str, str]:
    """A tag (or label) map declaring retention class `name`."""
    return {conv.RETENTION_CLASS_KEY: name}


def log_group(name: str, props: Mapping[str, Any] | None = None, **kw: Any) -> CaseResource:
    return res(conv.LOG_GROUP, name, props, **kw)


def computed_log_group(name: str, source: str, props: Mapping[str, Any] | None = None, **kw: Any) -> CaseResource:
    """A log group (14 days) whose name is computed from `source`'s outputs, as in preview: unknown, with
    the property dependency the engine sends (`name=fn.name.apply(lambda n: f"/aws/lambda/{n}")`)."""
    return log_group(
        name,
        {"name": UNKNOWN_STRING, "retentionInDays": 14, **(props or {})},
        property_dependencies={"name": (source,)},
        **kw,
    )


def lambda_function(name: str, props: Mapping[str, Any] | None = None, **kw: Any) -> CaseResource:
    """A Lambda function; without a `name` prop it is auto-named, as it reaches a pack offline."""
    base = {"runtime": "python3.12", "handler": "index.handler", "role": "arn:aws:iam::111122223333:role/fn"}
    return res(conv.LAMBDA_FUNCTION, name, {**base, **(props or {})}, **kw)


def bucket(name: str, tags: Mapping[str, str] | None = None, **props: Any) -> CaseResource:
    """An S3 bucket named `name` (its `bucket` input too, which lifecycle configurations join on)."""
    return res(conv.S3_BUCKET, name, {"bucket": name, **({"tags": dict(tags)} if tags else {}), **props})


def expiring_rule(days: Any = 90, *, noncurrent: Any = None, **extra: Any) -> dict[str, Any]:
    """An enabled whole-bucket lifecycle rule that expires objects after `days`."""
    rule: dict[str, Any] = {"id": "expire", "status": "Enabled", "expiration": {"days": days}}
    if noncurrent is not None:
        rule["noncurrentVersionExpiration"] = {"noncurrentDays": noncurrent}
    return {**rule, **extra}


def lifecycle(name: str, bucket: str, rules: Any, *, by_dependency: bool = False) -> CaseResource:
    """A standalone lifecycle configuration, joined to `bucket` by name or (preview) by dependency."""
    if by_dependency:
        return res(
            conv.S3_LIFECYCLE,
            name,
            {"bucket": UNKNOWN_STRING, "rules": rules},
            property_dependencies={"bucket": (bucket,)},
        )
    return res(conv.S3_LIFECYCLE, name, {"bucket": bucket, "rules": rules})


def pod_spec(containers: Sequence[Any], init: Sequence[Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A pod spec with `containers` (and init containers)."""
    spec: dict[str, Any] = {"containers": list(containers)}
    if init is not None:
        spec["initContainers"] = list(init)
    return {**spec, **fields}


def workload(
    kind: str,
    name: str,
    spec: Mapping[str, Any],
    *,
    metadata: Mapping[str, Any] | None = None,
    template_metadata: Mapping[str, Any] | None = None,
    **kw: Any,
) -> CaseResource:
    """A Kubernetes workload of `kind` running pod spec `spec`, its pod template where the kind keeps it.

    A Pod is its own template (`template_metadata` is ignored); a CronJob runs nightly.
    """
    _, group_version, kind_name = kind.split(":")
    props: dict[str, Any] = {
        "apiVersion": group_version.removeprefix("core/"),
        "kind": kind_name,
        "metadata": {"name": name, **(metadata or {})},
    }
    path = pod_template_path(kind)
    if not path:
        props["spec"] = dict(spec)
        return res(kind, name, props, **kw)
    template = {"metadata": dict(template_metadata or {}), "spec": dict(spec)}
    if kind_name == "CronJob":
        props["spec"] = {"schedule": "0 3 * * *"}
    else:
        props["spec"] = {"selector": {"matchLabels": {"app": name}}}
    target = props
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = template
    return res(kind, name, props, **kw)
