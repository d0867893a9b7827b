"""Reading workloads the same way in every policy: pod templates, containers, env, labels, quantities.

A "workload" is anything that runs containers: the Kubernetes kinds with a pod template
(Deployment, StatefulSet, DaemonSet, Job, CronJob), a bare Pod, and an ECS task definition (whose
`containerDefinitions` is a JSON string). Everything here reads through `values.lookup`, so it
never raises and reports unknown (preview-time) values as `UNKNOWN` for the caller to judge.
The leading underscore keeps the policy registry from looking for a `POLICY` here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_list, as_mapping, is_absent, is_unknown, lookup

#: Where each Kubernetes kind keeps its pod template; a Pod is its own template.
_TEMPLATE_PATHS: Final[dict[str, tuple[str, ...]]] = {
    conv.K8S_DEPLOYMENT: ("spec", "template"),
    conv.K8S_STATEFULSET: ("spec", "template"),
    conv.K8S_DAEMONSET: ("spec", "template"),
    conv.K8S_JOB: ("spec", "template"),
    conv.K8S_CRONJOB: ("spec", "jobTemplate", "spec", "template"),
    conv.K8S_POD: (),
}
#: Container lists of a pod spec, in the order findings should mention them.
_POD_CONTAINER_FIELDS: Final = ("containers", "initContainers")


def template_path(resource_type: str) -> tuple[str, ...] | None:
    """Property path of the pod template (`()` for a Pod), or None if the type has none."""
    return _TEMPLATE_PATHS.get(resource_type)


def is_kubernetes_workload(resource_type: str) -> bool:
    return resource_type in _TEMPLATE_PATHS


def is_workload(resource_type: str) -> bool:
    """Kubernetes pod-bearing kinds and ECS task definitions."""
    return is_kubernetes_workload(resource_type) or resource_type == conv.ECS_TASK_DEFINITION


def pod_template(resource: ResourceView) -> Any:
    """The pod template (`{"metadata", "spec"}`) as a plain value, UNKNOWN or MISSING."""
    path = template_path(resource.type)
    if path is None:
        return MISSING
    return resource.get(*path)


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


@dataclass(frozen=True)
class Container:
    """One container of a workload.

    `spec` is the container's plain value (a dict for a well-formed one, possibly UNKNOWN); `path`
    is where it sits in the resource's inputs, for messages that need the full location.
    """

    list_name: str
    index: int
    name: str | None
    spec: Any
    path: str

    @property
    def label(self) -> str:
        """How messages name it: `containers[0] 'app'`."""
        where = f"{self.list_name}[{self.index}]"
        return f"{where} '{self.name}'" if self.name else where

    @property
    def is_ecs(self) -> bool:
        return self.list_name == "containerDefinitions"


@dataclass(frozen=True)
class ContainerScan:
    """The containers that could be read, and the container lists that are unknown until apply."""

    containers: tuple[Container, ...] = ()
    #: property paths of container lists (or whole templates) that are unknown
    unknown: tuple[str, ...] = ()


def _container(list_name: str, index: int, raw: Any, prefix: str) -> Container:
    name = lookup(raw, "name")
    return Container(
        list_name,
        index,
        name if isinstance(name, str) and name else None,
        raw,
        f"{prefix}{list_name}[{index}]",
    )


def containers(resource: ResourceView) -> ContainerScan:
    """Every container (and init container) of a Kubernetes workload or ECS task definition."""
    if resource.type == conv.ECS_TASK_DEFINITION:
        raw = resource.get("containerDefinitions")
        if is_unknown(raw):
            return ContainerScan(unknown=("containerDefinitions",))
        items = as_list(raw)
        if items is None:
            return ContainerScan()
        return ContainerScan(tuple(_container("containerDefinitions", i, c, "") for i, c in enumerate(items)))
    path = template_path(resource.type)
    if path is None:
        return ContainerScan()
    spec_path = (*path, "spec")
    pod_spec = resource.get(*spec_path)
    if is_unknown(pod_spec):
        return ContainerScan(unknown=(dotted(spec_path),))
    found: list[Container] = []
    unknown: list[str] = []
    prefix = dotted(spec_path) + "."
    for list_name in _POD_CONTAINER_FIELDS:
        items = lookup(pod_spec, list_name)
        if is_unknown(items):
            unknown.append(prefix + list_name)
        elif isinstance(items, list):
            found.extend(_container(list_name, i, c, prefix) for i, c in enumerate(items))
    return ContainerScan(tuple(found), tuple(unknown))


@dataclass(frozen=True)
class Env:
    """A container's environment as name -> value (a string or UNKNOWN).

    `opaque` is True when part of the list cannot be read (the list itself or an entry's name is
    unknown), so any variable may be hiding there.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    opaque: bool = False

    def get(self, name: str) -> Any:
        return self.values.get(name, MISSING)

    def find(self, names: tuple[str, ...] | frozenset[str]) -> list[tuple[str, Any]]:
        """Variables whose upper-cased name is one of `names` (apps often accept `log_level` too)."""
        wanted = {n.upper() for n in names}
        return [(name, value) for name, value in self.values.items() if name.upper() in wanted]


def container_env(container: Container) -> Env:
    """A container's env: Kubernetes `env`, ECS `environment`."""
    return env_from(lookup(container.spec, "environment" if container.is_ecs else "env"))


def env_from(raw: Any) -> Env:
    """Env from a list of `{name, value | valueFrom}` (Kubernetes, ECS) or a name -> value map (Lambda).

    A Kubernetes `valueFrom` is not a literal: its value is UNKNOWN. A later duplicate wins, as in
    Kubernetes. `envFrom` (whole ConfigMaps/Secrets) is not visible to policies and is not read.
    """
    if is_absent(raw):
        return Env()
    if is_unknown(raw):
        return Env(opaque=True)
    if isinstance(raw, dict):
        return Env({str(k): (UNKNOWN if is_unknown(v) else v) for k, v in raw.items()})
    items = as_list(raw)
    if items is None:
        return Env()
    values: dict[str, Any] = {}
    opaque = False
    for item in items:
        if is_unknown(item):
            opaque = True
            continue
        name = lookup(item, "name")
        if is_unknown(name):
            opaque = True
            continue
        if not isinstance(name, str) or not name:
            continue
        literal = lookup(item, "value")
        if not is_absent(lookup(item, "valueFrom")) or is_unknown(literal):
            values[name] = UNKNOWN
        elif is_absent(literal):
            values[name] = ""
        else:
            values[name] = literal if isinstance(literal, str) else str(literal)
    return Env(values, opaque)


def command_lines(container: Container) -> list[tuple[str, Any]]:
    """The container's command-line lists in execution order: (field, list of str | UNKNOWN).

    Kubernetes runs `command` then `args`; ECS runs `entryPoint` then `command`.
    """
    fields = ("entryPoint", "command") if container.is_ecs else ("command", "args")
    out: list[tuple[str, Any]] = []
    for name in fields:
        value = lookup(container.spec, name)
        if is_unknown(value):
            out.append((name, UNKNOWN))
        elif isinstance(value, list):
            out.append((name, value))
    return out


def string_map(value: Any) -> dict[str, Any] | Any:
    """A labels/annotations/tags map: a dict (values may be UNKNOWN), UNKNOWN, or {} when absent."""
    if is_unknown(value):
        return UNKNOWN
    mapping = as_mapping(value)
    return mapping if mapping is not None else {}


def metadata_labels(resource: ResourceView) -> dict[str, Any] | Any:
    return string_map(resource.get("metadata", "labels"))


def metadata_annotations(resource: ResourceView) -> dict[str, Any] | Any:
    return string_map(resource.get("metadata", "annotations"))


def template_labels(resource: ResourceView) -> dict[str, Any] | Any:
    path = template_path(resource.type)
    if not path:  # not a workload, or a Pod (whose template is itself)
        return {}
    return string_map(resource.get(*path, "metadata", "labels"))


def template_annotations(resource: ResourceView) -> dict[str, Any] | Any:
    path = template_path(resource.type)
    if not path:
        return {}
    return string_map(resource.get(*path, "metadata", "annotations"))


def resource_tags(resource: ResourceView) -> dict[str, Any] | Any:
    """An AWS resource's own `tags` map (not the provider's default tags)."""
    return string_map(resource.get("tags"))


# --- Kubernetes quantities ----------------------------------------------------------------------
# The grammar of k8s.io/apimachinery `resource.Quantity`: a signed decimal number, then a binary
# suffix (Ki..Ei), a decimal suffix (n u m "" k M G T P E) or a decimal exponent (e3, E-2).
_QUANTITY: Final = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?"
)
_BINARY: Final = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL: Final = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
#: Exponents far beyond any real quantity are refused rather than expanded into huge numbers.
_MAX_EXPONENT: Final = 40
MI: Final = Decimal(2**20)


def quantity(value: Any) -> Decimal | None:
    """A Kubernetes quantity (`500m`, `1`, `1280Mi`, `1.5Gi`, `1G`, `1e3`, 0.5) in base units.

    CPU comes back in cores, memory in bytes. Numbers (the engine sends floats) are taken as
    plain quantities. Returns None for anything the API server would reject.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if not isinstance(value, str):
        return None
    match = _QUANTITY.fullmatch(value)
    if match is None:
        return None
    number = Decimal(match.group("number"))
    suffix = match.group("suffix") or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number.scaleb(_DECIMAL[suffix])
    if suffix:
        exponent = int(suffix[1:])
        if abs(exponent) > _MAX_EXPONENT:
            return None
        return number.scaleb(exponent)
    return number


def mebibytes(size_in_bytes: Decimal) -> str:
    """Bytes as whole or fractional mebibytes for messages: `1536Mi`, `953.7Mi`."""
    mib = size_in_bytes / MI
    if mib == mib.to_integral_value():
        return f"{int(mib)}Mi"
    return f"{mib.quantize(Decimal('0.1'))}Mi"
