"""Which resources cost money, and where their tags and labels reach a bill: one source for the cost
estimate and for the `cost-allocation-tags` policy.

Everything here is data with its sources, read once:

- `data/prices/free_types.json`: types that cost nothing by themselves (some only under a
  condition on their inputs, e.g. a gateway VPC endpoint), written by hand from AWS's pricing pages
  and generated from Infracost's registry (`tools/gen_cost_classes.py`);
- `data/prices/priced_types.json`: types a public price source prices (Infracost's registry, the
  cost estimate's own rules, a few read from AWS's pricing pages);
- `data/cost_allocation_scope.json`: AWS types whose tags never reach a cost report (S3 objects,
  Elastic IPs), and which Kubernetes objects' labels cost tools read (OpenCost).

A type in none of the AWS lists is *unclassified*: the data cannot say whether it bills.
"""

from __future__ import annotations

import fnmatch
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final, Literal

from .kubernetes import is_workload
from .resources import ResourceView
from .values import MISSING, is_unknown

PACKAGE: Final = __package__ or "finops_policies"
FREE_TYPES_FILE: Final = ("data", "prices", "free_types.json")
PRICED_TYPES_FILE: Final = ("data", "prices", "priced_types.json")
SCOPE_FILE: Final = ("data", "cost_allocation_scope.json")

#: The classes a resource's tags or labels fall in, named as the policy's `levels` config names them.
CostClass = Literal[
    "awsCostBearing",
    "awsFree",
    "awsUnclassified",
    "kubernetesAllocationLabels",
    "kubernetesCostObjects",
    "kubernetesOther",
]
COST_CLASSES: Final[tuple[CostClass, ...]] = (
    "awsCostBearing",
    "awsFree",
    "awsUnclassified",
    "kubernetesAllocationLabels",
    "kubernetesCostObjects",
    "kubernetesOther",
)


@dataclass(frozen=True)
class _Group:
    patterns: tuple[str, ...]
    source: str
    #: input -> the values under which the group applies (None: unset); empty: always
    when: Mapping[str, tuple[Any, ...]]

    def matches(self, type_token: str) -> bool:
        return any(
            type_token == pattern or ("*" in pattern and fnmatch.fnmatchcase(type_token, pattern))
            for pattern in self.patterns
        )

    def holds_for(self, resource: ResourceView | None) -> bool:
        """Whether the group's condition holds; an unknown input never proves it."""
        if not self.when:
            return True
        if resource is None:
            return False
        for name, allowed in self.when.items():
            value = resource.get(name)
            if is_unknown(value):
                return False
            if (None if value is MISSING else value) not in allowed:
                return False
        return True


def _read(path: tuple[str, ...]) -> Any:
    return json.loads(resources.files(PACKAGE).joinpath(*path).read_text(encoding="utf-8"))


def _groups(raw: Sequence[Mapping[str, Any]]) -> tuple[_Group, ...]:
    return tuple(
        _Group(
            tuple(g["types"]),
            str(g["source"]),
            {str(k): tuple(v) for k, v in (g.get("when") or {}).items()},
        )
        for g in raw
    )


@functools.cache
def _free_groups() -> tuple[_Group, ...]:
    return _groups(_read(FREE_TYPES_FILE)["groups"])


@functools.cache
def _priced_groups() -> tuple[_Group, ...]:
    return _groups(_read(PRICED_TYPES_FILE)["groups"])


@functools.cache
def _scope() -> dict[str, Any]:
    raw: dict[str, Any] = _read(SCOPE_FILE)
    return raw


@functools.cache
def _never_billed_groups() -> tuple[_Group, ...]:
    return _groups(_scope()["tagsNeverBilled"])


@functools.lru_cache(maxsize=4096)
def _matching(kind: str, type_token: str) -> tuple[_Group, ...]:
    groups = {"free": _free_groups, "priced": _priced_groups, "never": _never_billed_groups}[kind]()
    return tuple(g for g in groups if g.matches(type_token))


def free_reason(type_token: str, resource: ResourceView | None = None) -> str | None:
    """Why `type_token` costs nothing by itself (its source), or None if that is not known.

    Groups with a condition on inputs (a gateway VPC endpoint, a public ACM certificate) need the
    `resource`; without it, or with an input unknown during preview, they do not apply.
    """
    for group in _matching("free", type_token):
        if group.holds_for(resource):
            return group.source
    return None


def is_free(type_token: str, resource: ResourceView | None = None) -> bool:
    return free_reason(type_token, resource) is not None


def free_type_patterns() -> list[str]:
    """Every type token or glob that is free (some only under a condition), for reports."""
    return [p for g in _free_groups() for p in g.patterns]


def priced_reason(type_token: str) -> str | None:
    """The source that prices `type_token`, or None if no listed source does."""
    found = _matching("priced", type_token)
    return found[0].source if found else None


def tags_never_billed(type_token: str) -> str | None:
    """Why tags on `type_token` never reach a cost report (its source), or None."""
    found = _matching("never", type_token)
    return found[0].source if found else None


def aws_cost_class(resource: ResourceView) -> tuple[CostClass, str]:
    """The class of an AWS resource for cost allocation, and the source that puts it there."""
    free = free_reason(resource.type, resource)
    if free is not None:
        return "awsFree", free
    priced = priced_reason(resource.type)
    if priced is not None:
        return "awsCostBearing", priced
    return "awsUnclassified", ""


def _kubernetes_group(name: str) -> tuple[tuple[str, ...], bool, str]:
    group = _scope()["kubernetes"][name]
    flag = bool(group.get("podTemplates") or group.get("workloads"))
    return tuple(group["types"]), flag, str(group["source"])


def _listed(type_token: str, patterns: tuple[str, ...]) -> bool:
    return any(type_token == p or ("*" in p and fnmatch.fnmatchcase(type_token, p)) for p in patterns)


@functools.lru_cache(maxsize=2048)
def kubernetes_label_class(type_token: str, *, pod_template: bool = False) -> tuple[CostClass, str]:
    """The class of a Kubernetes object's own labels, or (`pod_template=True`) of its pod template's.

    Allocation labels: pods and pod templates, namespaces, nodes (what OpenCost reads); cost
    objects: workloads' own labels, Services, volumes and claims, Ingresses; the rest is other.
    """
    allocation, templates, allocation_source = _kubernetes_group("allocationLabels")
    if pod_template:
        return ("kubernetesAllocationLabels", allocation_source) if templates else ("kubernetesOther", "")
    if _listed(type_token, allocation):
        return "kubernetesAllocationLabels", allocation_source
    objects, workloads, objects_source = _kubernetes_group("costObjects")
    if _listed(type_token, objects) or (workloads and is_workload(type_token)):
        return "kubernetesCostObjects", objects_source
    return "kubernetesOther", ""
