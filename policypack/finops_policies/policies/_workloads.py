"""Reading workloads the same way in every policy: pod templates, containers, env, labels.

A "workload" is anything that runs containers: the Kubernetes kinds with a pod template
(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob), a bare Pod,
and an ECS task definition (whose `containerDefinitions` is a JSON string). Every policy reads a
pod template, a pod spec or a container through this module, and where each kind keeps its pod
template comes from `finops_policies.kubernetes`, which the components use too. Everything here
reads through `values.lookup`, so it never raises and reports unknown (preview-time) values as
`UNKNOWN` for the caller to judge. The leading underscore keeps the policy registry from looking
for a `POLICY` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies import kubernetes as k8s
from finops_policies.resources import ResourceView
from finops_policies.values import MISSING, UNKNOWN, as_list, as_mapping, is_absent, is_unknown, lookup

#: Container lists of a pod spec, in the order findings should mention them.
_POD_CONTAINER_FIELDS: Final = ("containers", "initContainers")


def template_path(resource_type: str) -> tuple[str, ...] | None:
    """Property path of the pod template (`()` for a Pod), or None if the type has none."""
    return k8s.pod_template_path(resource_type)


def is_kubernetes_workload(resource_type: str) -> bool:
    return k8s.is_workload(resource_type)


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
    spec = pod_spec(resource)
    if spec is None:
        return ContainerScan()
    spec_path, spec_value = spec
    if is_unknown(spec_value):
        return ContainerScan(unknown=(spec_path,))
    found: list[Container] = []
    unknown: list[str] = []
    prefix = spec_path + "."
    for list_name in _POD_CONTAINER_FIELDS:
        items = lookup(spec_value, list_name)
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


def pod_spec(resource: ResourceView) -> tuple[str, Any] | None:
    """(property path, value) of a Kubernetes workload's pod spec, or None for other types."""
    path = template_path(resource.type)
    if path is None:
        return None
    spec_path = (*path, "spec")
    return dotted(spec_path), resource.get(*spec_path)


def template_metadata(resource: ResourceView, name: str) -> tuple[str, Any] | None:
    """(property path, raw value) of `metadata.<name>` of a workload's pod template.

    None when the type has no pod template of its own: not a workload, or a Pod (its template is itself).
    """
    path = template_path(resource.type)
    if not path:
        return None
    full = (*path, "metadata", name)
    return dotted(full), resource.get(*full)


def template_labels(resource: ResourceView) -> dict[str, Any] | Any:
    found = template_metadata(resource, "labels")
    return string_map(found[1]) if found is not None else {}


def template_annotations(resource: ResourceView) -> dict[str, Any] | Any:
    found = template_metadata(resource, "annotations")
    return string_map(found[1]) if found is not None else {}


def resource_tags(resource: ResourceView) -> dict[str, Any] | Any:
    """An AWS resource's own `tags` map (not the provider's default tags)."""
    return string_map(resource.get("tags"))
