"""Who pays for a resource (service, team, from cost-allocation tags) and what kind of cost it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .. import conventions as conv
from ..resources import ResourceView
from ..values import is_unknown
from .model import Category

SERVICE_KEY: Final = "service"
TEAM_KEY: Final = "team"
#: retention classes whose storage and log groups are telemetry
_TELEMETRY_CLASSES: Final = frozenset({"debug", "logs", "traces"})

_CATEGORY_BY_MODULE: Final[dict[str, Category]] = {
    "ec2": "compute",
    "autoscaling": "compute",
    "eks": "compute",
    "ecs": "compute",
    "lambda": "compute",
    "rds": "database",
    "elasticache": "database",
    "dynamodb": "database",
    "docdb": "database",
    "s3": "storage",
    "ebs": "storage",
    "ecr": "storage",
    "efs": "storage",
    "backup": "storage",
    "lb": "network",
    "alb": "network",
    "elb": "network",
    "vpc": "network",
    "cloudfront": "network",
    "route53": "network",
    "cloudwatch": "observability",
    "xray": "observability",
    "sqs": "other",
    "sns": "other",
}
_NETWORK_TYPES: Final = frozenset(
    {
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:ec2/transitGateway:TransitGateway",
    }
)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and not is_unknown(v)}


def allocation_tags(resource: ResourceView) -> dict[str, str]:
    """A resource's cost-allocation tags: AWS provider default tags under its own tags, or a
    Kubernetes object's labels (workload labels over its pod template's)."""
    if resource.is_kubernetes:
        labels = _string_map(resource.get("spec", "template", "metadata", "labels"))
        labels.update(_string_map(resource.get("metadata", "labels")))
        return labels
    tags: dict[str, str] = {}
    if resource.provider is not None:
        defaults = resource.provider.default_tags
        tags.update(_string_map(defaults if isinstance(defaults, Mapping) else {}))
    tags.update(_string_map(resource.get("tags")))
    return tags


def is_allocated(tags: Mapping[str, str], required: tuple[str, ...] = conv.REQUIRED_TAG_KEYS) -> bool:
    """True when every required key has a real value (not empty, not a placeholder)."""
    for key in required:
        value = tags.get(key, "").strip()
        if not value or value.lower() in conv.PLACEHOLDER_VALUES:
            return False
    return True


def category_of(resource: ResourceView, tags: Mapping[str, str]) -> Category:
    if tags.get(conv.RETENTION_CLASS_KEY) in _TELEMETRY_CLASSES:
        return "observability"
    if resource.is_kubernetes:
        return "compute"
    if resource.type in _NETWORK_TYPES:
        return "network"
    module = resource.type.split(":", 2)[1].split("/", 1)[0] if resource.type.count(":") >= 2 else ""
    return _CATEGORY_BY_MODULE.get(module, "other")
