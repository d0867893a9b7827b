"""Cost allocation: the contract's tags as AWS tags and Kubernetes labels, and the stack-wide transform.

Every resource a component creates carries the contract's tags (AWS) or labels (Kubernetes). AWS
resources also carry the keys OpenCost/Kubecost use to join out-of-cluster cost with cluster cost:
`kubernetes_namespace=<namespace>` and `kubernetes_label_<key>=<value>` for each contract tag, so a
database shows up under the namespace and labels of the workload that pays for it.

`register_auto_tagging(contract)` is the opt-in, stack-wide version: a resource transform that
gives every taggable AWS resource and every Kubernetes object of the stack the same keys, including
resources no component created. Values a resource sets itself win, unless they are empty or a
placeholder (`TODO`, `n/a`, ...), which the transform replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from finops_policies import conventions as conv
from finops_policies.kubernetes import is_kubernetes_object, pod_template_path
from finops_policies.taggable import taggable_types

from .contract import ServiceCostContract


@dataclass(frozen=True)
class Allocation:
    """The tags and labels one contract puts on everything it pays for."""

    #: the contract's own tags (service, team, domain, environment, ...)
    tags: Mapping[str, str]
    #: the Kubernetes namespace the service runs in (for the OpenCost join keys)
    namespace: str
    extra_labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, contract: ServiceCostContract) -> Allocation:
        return cls(tags=contract.tags, namespace=contract.namespace)

    def aws_tags(self, retention_class: str | None = None) -> dict[str, str]:
        """Tags for an AWS resource: contract tags, OpenCost join keys, and the retention class if any."""
        tags = dict(self.tags)
        tags[conv.OPENCOST_NAMESPACE_KEY] = self.namespace
        for key, value in self.tags.items():
            tags[f"{conv.OPENCOST_LABEL_PREFIX}{key}"] = value
        if retention_class is not None:
            tags[conv.RETENTION_CLASS_KEY] = _retention_class(retention_class)
        return tags

    def labels(self, retention_class: str | None = None) -> dict[str, str]:
        """Labels for a Kubernetes object: the contract tags (valid label values by contract validation)."""
        labels = {**self.tags, **self.extra_labels}
        if retention_class is not None:
            labels[conv.RETENTION_CLASS_KEY] = _retention_class(retention_class)
        return labels


def _retention_class(name: str) -> str:
    if name not in conv.RETENTION_CLASSES:
        raise ValueError(f"retention class must be one of {', '.join(conv.RETENTION_CLASSES)}: {name!r}")
    return name


# --- which AWS types take tags ------------------------------------------------------------------
def aws_taggable_types() -> frozenset[str] | None:
    """Type tokens whose `tags` is a cost-tag map (the pack's shipped list), or None if it is absent."""
    try:
        return taggable_types().map_tags
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_taggable_aws(type_: str, props: Mapping[str, Any], taggable: frozenset[str] | None) -> bool:
    """Whether the transform should tag this AWS resource.

    With the shipped list: membership. Without it (not generated yet): the resource already has a
    map-shaped `tags` input, the only evidence available without importing pulumi-aws.
    """
    if not type_.startswith("aws:"):
        return False
    if taggable is not None:
        return type_ in taggable
    return "tags" in props and (props["tags"] is None or isinstance(props["tags"], Mapping))


# --- merging ------------------------------------------------------------------------------------
def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or conv.is_placeholder(value)))


def merge_tags(existing: object, wanted: Mapping[str, str]) -> dict[str, Any] | None:
    """`existing` with every wanted key added where absent, empty or a placeholder.

    Returns None when `existing` is not a map (e.g. unknown until apply): it is left alone.
    """
    if existing is None:
        existing = {}
    if not isinstance(existing, Mapping):
        return None
    merged: dict[str, Any] = dict(existing)
    for key, value in wanted.items():
        if _is_blank(merged.get(key)):
            merged[key] = value
    return merged


def _child(container: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(container, Mapping):
            return None
        container = container.get(key)
    return container


def _with_labels(metadata: object, labels: Mapping[str, str]) -> dict[str, Any] | None:
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping):
        return None
    merged = merge_tags(metadata.get("labels"), labels)
    if merged is None:
        return None
    return {**metadata, "labels": merged}


def _set_path(container: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A copy of `container` with `value` at `path` (intermediate maps copied, never mutated)."""
    head, *rest = path
    if not rest:
        return {**container, head: value}
    child = container.get(head)
    return {
        **container,
        head: _set_path(dict(child) if isinstance(child, Mapping) else {}, tuple(rest), value),
    }


def label_kubernetes_props(type_: str, props: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """Props of a Kubernetes object with `labels` on its metadata and, for a workload, its pod template."""
    result = dict(props)
    metadata = _with_labels(result.get("metadata"), labels)
    if metadata is not None:
        result["metadata"] = metadata
    path = pod_template_path(type_)
    template = _child(result, *path) if path else None  # a Pod is its own template
    if path and isinstance(template, Mapping):
        template_metadata = _with_labels(template.get("metadata"), labels)
        if template_metadata is not None:
            result = _set_path(result, (*path, "metadata"), template_metadata)
    return result


def cost_allocation_transform(
    allocation: Allocation, taggable: frozenset[str] | None = None
) -> Callable[[pulumi.ResourceTransformArgs], pulumi.ResourceTransformResult | None]:
    """A resource transform applying `allocation` to taggable AWS resources and Kubernetes objects.

    `taggable` defaults to the pack's shipped list (`aws_taggable_types()`). Props arrive as the
    engine sends them (camelCase keys), so the transform reads `tags`, `metadata.labels` and the
    pod template where the workload's kind keeps it (`finops_policies.kubernetes.pod_template_path`).
    """
    known = taggable if taggable is not None else aws_taggable_types()
    aws_tags = allocation.aws_tags()
    labels = allocation.labels()

    def transform(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
        if not args.custom:
            return None
        props: Mapping[str, Any] = args.props or {}
        if is_taggable_aws(args.type_, props, known):
            merged = merge_tags(props.get("tags"), aws_tags)
            if merged is None:
                return None
            return pulumi.ResourceTransformResult(props={**props, "tags": merged}, opts=args.opts)
        if is_kubernetes_object(args.type_):
            labelled = label_kubernetes_props(args.type_, props, labels)
            return pulumi.ResourceTransformResult(props=labelled, opts=args.opts)
        return None

    return transform


def register_auto_tagging(contract: ServiceCostContract, taggable: frozenset[str] | None = None) -> None:
    """Opt in: tag every taggable AWS resource and label every Kubernetes object created after this call.

    Call it at the top of the program, before any resource is declared.
    """
    pulumi.runtime.register_resource_transform(cost_allocation_transform(Allocation.of(contract), taggable))
