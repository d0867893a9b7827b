"""Pricing Kubernetes workloads: replicas × the pod's CPU and memory requests × rates per hour.

Rates come from the cluster's node instance type where the stack says it (an EKS node group, an
Auto Scaling group or launch template): the node's hourly price is split between its vCPUs and
GiB of memory in OpenCost's default CPU:RAM price ratio, as OpenCost does for nodes. Otherwise
OpenCost's default rates are used and the line says so. An autoscaled workload (an HPA or KEDA
ScaledObject targeting it) is a range, min..max replicas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .. import conventions as conv
from .. import kubernetes as k8s
from ..policies._workloads import containers
from ..quantities import quantity
from ..resources import ResourceView
from ..values import as_mapping, as_number, is_unknown
from .catalog import instance_specs
from .context import Pricing, PricingContext
from .model import CostLine, QuantitySource

GIB: Final = Decimal(2**30)
#: Kubernetes API: Deployment/StatefulSet spec.replicas defaults to 1.
DEFAULT_REPLICAS: Final = 1.0
_SCALED_KINDS: Final = {conv.K8S_DEPLOYMENT: "Deployment", conv.K8S_STATEFULSET: "StatefulSet"}
_NODE_SOURCES: Final = ("aws:eks/nodeGroup:NodeGroup", conv.ASG, "aws:ec2/launchTemplate:LaunchTemplate")


@dataclass(frozen=True)
class NodeRates:
    cpu_key: tuple[str, str, str | None]
    ram_key: tuple[str, str, str | None]
    #: set when the rates are derived from a node type: (price per vCPU-hour, per GiB-hour)
    derived: tuple[float, float] | None
    description: str


def node_rates(ctx: PricingContext) -> NodeRates:
    return ctx.remember("nodeRates", lambda: _node_rates(ctx))  # type: ignore[no-any-return]


def _node_rates(ctx: PricingContext) -> NodeRates:
    defaults = NodeRates(
        ("kubernetes", "default/cpu-hours", None),
        ("kubernetes", "default/ram-gb-hours", None),
        None,
        "OpenCost default rates",
    )
    kinds: set[tuple[str, str | None]] = set()
    for resource in ctx.stack.of_type(*_NODE_SOURCES):
        kind = (
            resource.get("instanceTypes", 0) if resource.type.startswith("aws:eks/") else resource.get("instanceType")
        )
        if isinstance(kind, str) and not is_unknown(kind):
            kinds.add((kind, ctx.region_of(resource)))
    if len(kinds) != 1:
        return defaults
    kind, region = next(iter(kinds))
    row = ctx.catalog.find("ec2", f"instance/{kind}", region)
    spec = instance_specs().get(kind)
    cpu_default = ctx.catalog.find("kubernetes", "default/cpu-hours", None)
    ram_default = ctx.catalog.find("kubernetes", "default/ram-gb-hours", None)
    if row is None or spec is None or cpu_default is None or ram_default is None:
        return defaults
    # OpenCost's split: the node price divided in the ratio of its default CPU and RAM rates.
    scale = row.usd / (spec.vcpus * cpu_default.usd + spec.memory_gib * ram_default.usd)
    return NodeRates(
        defaults.cpu_key,
        defaults.ram_key,
        (cpu_default.usd * scale, ram_default.usd * scale),
        f"rates of the cluster's {kind} nodes (${row.usd:g}/h, {spec.vcpus} vCPU, {spec.memory_gib:g} GiB)",
    )


#: A scaler whose replica bounds are unknown until apply.
_UNKNOWN_SCALE: Final = "unknown"


def _autoscalers(ctx: PricingContext) -> dict[tuple[str, str, str], tuple[float, float] | str]:
    """Replica bounds per scaled target, or `_UNKNOWN_SCALE` when a bound is unknown until apply
    (the workload then has no price: min..max is what it would cost, and max is not known)."""

    def build() -> dict[tuple[str, str, str], tuple[float, float] | str]:
        found: dict[tuple[str, str, str], tuple[float, float] | str] = {}
        for hpa in ctx.stack.of_type(*conv.K8S_HPA_TYPES):
            ref = as_mapping(hpa.get("spec", "scaleTargetRef")) or {}
            target = (_namespace(hpa), str(ref.get("kind")), str(ref.get("name")))
            if is_unknown(hpa.get("spec", "minReplicas")) or is_unknown(hpa.get("spec", "maxReplicas")):
                found[target] = _UNKNOWN_SCALE
                continue
            low = as_number(hpa.get("spec", "minReplicas"))
            high = as_number(hpa.get("spec", "maxReplicas"))
            if high is not None:
                found[target] = (low or 1.0, high)
        for scaled in ctx.stack.of_type(conv.KEDA_SCALED_OBJECT):
            ref = as_mapping(scaled.get("spec", "scaleTargetRef")) or {}
            if is_unknown(scaled.get("spec", "minReplicaCount")) or is_unknown(scaled.get("spec", "maxReplicaCount")):
                target = (_namespace(scaled), str(ref.get("kind") or "Deployment"), str(ref.get("name")))
                found[target] = _UNKNOWN_SCALE
                continue
            low = as_number(scaled.get("spec", "minReplicaCount"))
            high = as_number(scaled.get("spec", "maxReplicaCount"))
            if high is not None:
                found[(_namespace(scaled), str(ref.get("kind") or "Deployment"), str(ref.get("name")))] = (
                    low or 0.0,
                    high,
                )
        return found

    return ctx.remember("autoscalers", build)  # type: ignore[no-any-return]


def _namespace(resource: ResourceView) -> str:
    value = resource.get("metadata", "namespace")
    return value if isinstance(value, str) else "default"


def _requests(p: Pricing) -> tuple[float, float] | None:
    """The pod's CPU (cores) and memory (GiB) requests: the sum over its (non-init) containers."""
    scan = containers(p.resource)
    if scan.unknown:
        p.unknown("Pod requests", ", ".join(scan.unknown))
        return None
    cpu = Decimal(0)
    memory = Decimal(0)
    for container in scan.containers:
        if container.list_name != "containers":
            continue
        requests = as_mapping((as_mapping(container.spec) or {}).get("resources"))
        requests = as_mapping((requests or {}).get("requests")) or {}
        if is_unknown(requests.get("cpu")) or is_unknown(requests.get("memory")):
            p.unknown("Pod requests", f"{container.label} requests")
            return None
        c = quantity(requests.get("cpu"))
        m = quantity(requests.get("memory"))
        if c is None or m is None:
            p.unpriced.append(f"unpriced: {container.label} has no CPU and memory requests to price a pod by")
            return None
        cpu += c
        memory += m
    if not scan.containers:
        p.unpriced.append("unpriced: the pod template has no containers")
        return None
    return float(cpu), float(memory / GIB)


def _replicas(p: Pricing) -> tuple[float, float, QuantitySource] | None:
    if p.resource.type == conv.K8S_POD:
        return 1.0, 1.0, "input"
    kind = _SCALED_KINDS.get(p.resource.type)
    name = p.resource.get("metadata", "name")
    scaler = _autoscalers(p.ctx).get((_namespace(p.resource), kind or "", str(name))) if kind else None
    if scaler == _UNKNOWN_SCALE:
        p.unknown("Pods", "the autoscaler's min/max replicas")
        return None
    if isinstance(scaler, tuple):
        return scaler[0], scaler[1], "input"
    replicas = p.resource.get("spec", "replicas")
    if is_unknown(replicas):
        p.unknown("Pods", "spec.replicas")
        return None
    count = as_number(replicas)
    return (count, count, "input") if count is not None else (DEFAULT_REPLICAS, DEFAULT_REPLICAS, "default")


def workload(p: Pricing) -> None:
    if p.resource.type == conv.K8S_DAEMONSET:
        p.unpriced.append("unpriced: a DaemonSet runs one pod per node and the node count is not in the stack")
        return
    if p.resource.type in (conv.K8S_JOB, conv.K8S_CRONJOB):
        p.unpriced.append("unpriced: a Job's pods run to completion; their run time is not declared")
        return
    size = _requests(p)
    replicas = _replicas(p)
    if replicas is not None:
        p.replicas = (replicas[0], replicas[1])
    if size is None or replicas is None:
        return
    cpu, memory = size
    low, high, source = replicas
    rates = node_rates(p.ctx)
    hours = p.ctx.catalog.hours_per_month
    note = rates.description + ("" if source == "input" else "; spec.replicas defaults to 1")
    if rates.derived is None:
        p.line(
            f"CPU requests ({cpu:g} vCPU × replicas)",
            *rates.cpu_key[:2],
            cpu * low * hours,
            source,
            high=cpu * high * hours,
            region="*",
            note=note,
        )
        p.line(
            f"Memory requests ({memory:g} GiB × replicas)",
            *rates.ram_key[:2],
            memory * low * hours,
            source,
            high=memory * high * hours,
            region="*",
            note=note,
        )
        return
    for name, unit, per_replica, rate in (
        (f"CPU requests ({cpu:g} vCPU × replicas)", "vCPU-hour", cpu * hours, rates.derived[0]),
        (f"Memory requests ({memory:g} GiB × replicas)", "GB-hour", memory * hours, rates.derived[1]),
    ):
        _derived_line(
            p, name=name, unit=unit, per_replica=per_replica, low=low, high=high, rate=rate, source=source, note=note
        )


def _derived_line(
    p: Pricing,
    *,
    name: str,
    unit: str,
    per_replica: float,
    low: float,
    high: float,
    rate: float,
    source: QuantitySource,
    note: str,
) -> None:
    p.lines.append(
        CostLine(
            name,
            unit,
            per_replica * low,
            rate,
            per_replica * low * rate,
            source,
            per_replica * high if high != low else None,
            per_replica * high * rate if high != low else None,
            "derived from the catalog's node price",
            note,
        )
    )


def service(p: Pricing) -> None:
    kind = p.resource.get("spec", "type")
    if kind == "LoadBalancer":
        p.unpriced.append(
            "unpriced: a Service of type LoadBalancer makes the cloud controller create a load "
            "balancer whose kind the stack does not state"
        )
    else:
        p.free = "a Service of type ClusterIP, NodePort or ExternalName uses no billed capacity"


def ingress(p: Pricing) -> None:
    p.unpriced.append("unpriced: an Ingress is served by a controller that may create a load balancer")


RULES = {
    conv.K8S_POD: workload,
    conv.K8S_SERVICE: service,
    "kubernetes:networking.k8s.io/v1:Ingress": ingress,
}


def rule_for(type_: str) -> Callable[[Pricing], None] | None:
    """The pricing rule of a Kubernetes type: every built-in workload kind is priced by its pods."""
    return RULES.get(type_) or (workload if k8s.is_workload(type_) else None)
