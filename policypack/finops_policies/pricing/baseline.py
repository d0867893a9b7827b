"""What a cost review compares, old against new: per service figures, workload scale, cross-region
dependencies.

The same facts come from three places: an estimate of the stack being previewed (`facts_of_estimate`),
a `finops-guard cost --format json` report (`facts_of_report`), and the compact form of such a
report (`reduce_report`) that travels in policy config. A report holds every resource and cost
line (megabytes for a large stack); the compact form keeps only what the review triggers read:

    {"kind": "finops-guardrails/cost-baseline", "version": 1, "priceCatalog": {...},
     "services": {"<service>": {"monthlyCost", "monthlyCostHigh", "observabilityHigh"}},
     "workloads": {"<type>::<name>": {"service", "min", "max"}},
     "crossRegionDependencies": [{"service", "resource", "type", "from", "to"}]}

Workloads are keyed by type and name, not URN, so a baseline from another stack of the same
program (main's `prod` against a branch's `dev`) still lines up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from .. import conventions as conv
from ..resources import ResourceView
from .attribution import SERVICE_KEY, allocation_tags, is_allocated
from .model import UNALLOCATED, Estimate

BASELINE_KIND: Final = "finops-guardrails/cost-baseline"
BASELINE_VERSION: Final = 1
#: The first report version whose resources carry `replicas` and which lists `crossRegionDependencies`.
REPORT_WITH_REVIEW_FACTS: Final = 2


class BaselineError(ValueError):
    """A baseline document that is neither a cost report nor its compact form; the text says why."""


@dataclass(frozen=True)
class ServiceFigures:
    """A service's monthly cost (low and high end of its range) and the observability part of the high end."""

    monthly_cost: float
    monthly_cost_high: float
    observability_high: float

    @property
    def observability_percent(self) -> float:
        """Observability's share of the cost at max scale (the figure budgets use too)."""
        return 100 * self.observability_high / self.monthly_cost_high if self.monthly_cost_high else 0.0


@dataclass(frozen=True)
class Workload:
    """A scaled workload: Kubernetes workload, ECS service, Auto Scaling group or EKS node group."""

    key: str
    type: str
    name: str
    service: str
    min: float
    max: float
    urn: str = ""


@dataclass(frozen=True)
class CrossRegion:
    """A resource of `service` depending on a resource in another region."""

    service: str
    resource: str
    type: str
    source: str
    target: str
    urn: str = ""

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.type, self.resource, self.source, self.target)


@dataclass(frozen=True)
class ReviewFacts:
    """One side of a cost review. `workloads` / `cross_region` are None when the source lacks them
    (a report written before they were recorded)."""

    services: Mapping[str, ServiceFigures] = field(default_factory=dict)
    workloads: Mapping[str, Workload] | None = field(default_factory=dict)
    cross_region: Sequence[CrossRegion] | None = field(default_factory=tuple)
    catalog: Mapping[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return not self.services and not self.workloads and not self.cross_region


def workload_key(type_: str, name: str) -> str:
    return f"{type_}::{name}"


def attribute(
    dependencies: Iterable[tuple[ResourceView, str, str]], required_tags: tuple[str, ...] = conv.REQUIRED_TAG_KEYS
) -> list[CrossRegion]:
    """Cross-region dependencies (resource, its region, the other region) with the service that owns
    each dependent resource, by its cost-allocation tags as the estimate attributes cost."""
    out = []
    for resource, source, target in dependencies:
        tags = allocation_tags(resource)
        service = tags.get(SERVICE_KEY) if is_allocated(tags, required_tags) else None
        out.append(CrossRegion(service or UNALLOCATED, resource.name, resource.type, source, target, resource.urn))
    return sorted(out, key=lambda c: (c.service, c.resource, c.source, c.target))


def facts_of_estimate(estimate: Estimate, cross_region: Sequence[CrossRegion]) -> ReviewFacts:
    services = {
        s.service: ServiceFigures(s.monthly_cost, s.monthly_cost_high, s.by_category_high.get("observability", 0.0))
        for s in estimate.services
    }
    workloads = {}
    for r in estimate.resources:
        if r.replicas is not None:
            key = workload_key(r.type, r.name)
            workloads[key] = Workload(key, r.type, r.name, r.service, r.replicas[0], r.replicas[1], r.urn)
    return ReviewFacts(services, workloads, tuple(cross_region), estimate.catalog)


def cross_region_entries(cross_region: Iterable[CrossRegion]) -> list[dict[str, str]]:
    """The report's `crossRegionDependencies`."""
    return [
        {"service": c.service, "resource": c.resource, "type": c.type, "from": c.source, "to": c.target}
        for c in cross_region
    ]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BaselineError(f"{where} is {value!r}; expected a number")
    return float(value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BaselineError(f"{where} is {type(value).__name__}; expected an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BaselineError(f"{where} is {type(value).__name__}; expected a list")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise BaselineError(f"{where} is {value!r}; expected a non-empty string")
    return value


def _cross_region(items: Any, where: str) -> tuple[CrossRegion, ...]:
    out = []
    for i, item in enumerate(_list(items, where)):
        entry = _mapping(item, f"{where}[{i}]")
        out.append(
            CrossRegion(
                _text(entry.get("service"), f"{where}[{i}].service"),
                _text(entry.get("resource"), f"{where}[{i}].resource"),
                _text(entry.get("type"), f"{where}[{i}].type"),
                _text(entry.get("from"), f"{where}[{i}].from"),
                _text(entry.get("to"), f"{where}[{i}].to"),
            )
        )
    return tuple(out)


def _report_facts(document: Mapping[str, Any]) -> ReviewFacts:
    services = {}
    for i, item in enumerate(_list(document.get("services", []), "services")):
        entry = _mapping(item, f"services[{i}]")
        name = _text(entry.get("service"), f"services[{i}].service")
        by_category = _mapping(entry.get("byCategoryHigh") or {}, f"services[{i}].byCategoryHigh")
        services[name] = ServiceFigures(
            _number(entry.get("monthlyCost", 0), f"services[{i}].monthlyCost"),
            _number(entry.get("monthlyCostHigh", entry.get("monthlyCost", 0)), f"services[{i}].monthlyCostHigh"),
            _number(by_category.get("observability", 0), f"services[{i}].byCategoryHigh.observability"),
        )
    version = document.get("version")
    recorded = isinstance(version, str) and version.isdigit() and int(version) >= REPORT_WITH_REVIEW_FACTS
    workloads: dict[str, Workload] | None = None
    cross_region: tuple[CrossRegion, ...] | None = None
    if recorded:
        workloads = {}
        for i, item in enumerate(_list(document.get("resources", []), "resources")):
            entry = _mapping(item, f"resources[{i}]")
            replicas = entry.get("replicas")
            if replicas is None:
                continue
            scale = _mapping(replicas, f"resources[{i}].replicas")
            type_ = _text(entry.get("type"), f"resources[{i}].type")
            name = _text(entry.get("name"), f"resources[{i}].name")
            key = workload_key(type_, name)
            workloads[key] = Workload(
                key,
                type_,
                name,
                str(entry.get("service") or UNALLOCATED),
                _number(scale.get("min"), f"resources[{i}].replicas.min"),
                _number(scale.get("max"), f"resources[{i}].replicas.max"),
                str(entry.get("urn") or ""),
            )
        cross_region = _cross_region(document.get("crossRegionDependencies", []), "crossRegionDependencies")
    catalog = document.get("priceCatalog")
    return ReviewFacts(services, workloads, cross_region, catalog if isinstance(catalog, Mapping) else None)


def _compact_facts(document: Mapping[str, Any]) -> ReviewFacts:
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"version is {document.get('version')!r}; expected {BASELINE_VERSION}")
    services = {}
    for name, item in _mapping(document.get("services", {}), "services").items():
        entry = _mapping(item, f"services.{name}")
        services[str(name)] = ServiceFigures(
            _number(entry.get("monthlyCost", 0), f"services.{name}.monthlyCost"),
            _number(entry.get("monthlyCostHigh", 0), f"services.{name}.monthlyCostHigh"),
            _number(entry.get("observabilityHigh", 0), f"services.{name}.observabilityHigh"),
        )
    workloads: dict[str, Workload] | None = None if "workloads" not in document else {}
    for key, item in _mapping(document.get("workloads", {}), "workloads").items():
        entry = _mapping(item, f"workloads.{key}")
        type_, sep, name = str(key).rpartition("::")
        if not sep or not type_ or not name:
            raise BaselineError(f"workloads key {key!r} is not '<type>::<name>'")
        workloads = workloads if workloads is not None else {}
        workloads[str(key)] = Workload(
            str(key),
            type_,
            name,
            str(entry.get("service") or UNALLOCATED),
            _number(entry.get("min", entry.get("max")), f"workloads.{key}.min"),
            _number(entry.get("max"), f"workloads.{key}.max"),
        )
    cross_region = (
        _cross_region(document["crossRegionDependencies"], "crossRegionDependencies")
        if "crossRegionDependencies" in document
        else None
    )
    catalog = document.get("priceCatalog")
    return ReviewFacts(services, workloads, cross_region, catalog if isinstance(catalog, Mapping) else None)


def facts_of_report(document: Mapping[str, Any]) -> ReviewFacts:
    """The review facts of a cost report or of its compact form; `BaselineError` says what is wrong."""
    if not isinstance(document, Mapping):
        raise BaselineError(f"the baseline is {type(document).__name__}; expected an object")
    if document.get("kind") == BASELINE_KIND:
        return _compact_facts(document)
    if "totalMonthlyCost" in document:
        return _report_facts(document)
    raise BaselineError(
        "the baseline is neither a `finops-guard cost --format json` report (it has no totalMonthlyCost) "
        f"nor a compact baseline (kind {BASELINE_KIND!r})"
    )


def compact(facts: ReviewFacts) -> dict[str, Any]:
    """The compact baseline document of `facts` (what policy config carries)."""
    document: dict[str, Any] = {"kind": BASELINE_KIND, "version": BASELINE_VERSION}
    if facts.catalog:
        document["priceCatalog"] = dict(facts.catalog)
    document["services"] = {
        name: {
            "monthlyCost": round(s.monthly_cost, 2),
            "monthlyCostHigh": round(s.monthly_cost_high, 2),
            "observabilityHigh": round(s.observability_high, 2),
        }
        for name, s in sorted(facts.services.items())
    }
    if facts.workloads is not None:
        document["workloads"] = {
            key: {"service": w.service, "min": w.min, "max": w.max} for key, w in sorted(facts.workloads.items())
        }
    if facts.cross_region is not None:
        document["crossRegionDependencies"] = cross_region_entries(facts.cross_region)
    return document


def reduce_report(document: Mapping[str, Any]) -> dict[str, Any]:
    """A cost report (or a compact baseline) as a compact baseline: per service figures, workload
    scale and cross-region dependencies, nothing per cost line."""
    return compact(facts_of_report(document))
