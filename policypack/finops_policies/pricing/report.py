"""The estimate as plain data: the `finops-guard cost --format json` document, close to Infracost's
breakdown (`totalMonthlyCost`, `resources[].costComponents[]`) so existing tooling can read it.

Budgets are reported against the high end of a range (max replicas): a service whose maximum
would exceed its threshold is flagged, because autoscaling may take it there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .baseline import CrossRegion, cross_region_entries
from .model import CostLine, Estimate, ResourceCost, ServiceCost

#: "2": resources carry `replicas` of scaled workloads, and the report lists `crossRegionDependencies`.
SCHEMA_VERSION: Final = "2"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _line(line: CostLine) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": line.name,
        "unit": line.unit,
        "monthlyQuantity": _round(line.monthly_quantity),
        "price": line.price,
        "monthlyCost": _round(line.monthly_cost),
        "quantitySource": line.quantity_source,
    }
    if line.monthly_cost_high is not None:
        item["monthlyQuantityHigh"] = _round(line.monthly_quantity_high)
        item["monthlyCostHigh"] = _round(line.monthly_cost_high)
    if line.note:
        item["note"] = line.note
    if line.price_source:
        item["priceSource"] = line.price_source
    return item


def _resource(cost: ResourceCost) -> dict[str, Any]:
    item: dict[str, Any] = {
        "urn": cost.urn,
        "type": cost.type,
        "name": cost.name,
        "service": cost.service,
        "team": cost.team,
        "category": cost.category,
        "region": cost.region,
        "allocated": cost.allocated,
        "monthlyCost": _round(cost.monthly_cost, 2),
        "monthlyCostHigh": _round(cost.monthly_cost_high, 2),
        "costComponents": [_line(line) for line in cost.lines],
    }
    if cost.replicas is not None:
        item["replicas"] = {"min": cost.replicas[0], "max": cost.replicas[1]}
    return item


def budget_status(cost: ServiceCost, budget: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not budget:
        return None
    soft = float(budget.get("monthlySoftLimit") or 0)
    hard = float(budget.get("monthlyHardReviewThreshold") or 0)
    limit = budget.get("observabilityPercentLimit")
    share = observability_percent(cost)
    status = "within"
    if hard and cost.monthly_cost_high > hard:
        status = "over-hard-review-threshold"
    elif soft and cost.monthly_cost_high > soft:
        status = "over-soft-limit"
    return {
        "monthlySoftLimit": soft,
        "monthlyHardReviewThreshold": hard,
        "observabilityPercentLimit": limit,
        "heldAgainst": "monthlyCostHigh",
        "status": status,
        "observabilityPercent": round(share, 2),
        "observabilityOverLimit": bool(limit is not None and share > float(limit)),
    }


def observability_percent(cost: ServiceCost) -> float:
    total = cost.monthly_cost_high
    return 100 * cost.by_category_high.get("observability", 0.0) / total if total else 0.0


def _unit_costs(cost: ServiceCost, volumes: Mapping[str, float] | None) -> list[dict[str, Any]]:
    out = []
    for unit, volume in sorted((volumes or {}).items()):
        if volume > 0:
            out.append(
                {
                    "unit": unit,
                    "monthlyVolume": volume,
                    "costPerUnit": round(cost.monthly_cost / volume, 6),
                    "costPerUnitHigh": round(cost.monthly_cost_high / volume, 6),
                }
            )
    return out


def estimate_dict(
    estimate: Estimate,
    *,
    budgets: Mapping[str, Mapping[str, Any]] | None = None,
    unit_volumes: Mapping[str, Mapping[str, float]] | None = None,
    cross_region: Sequence[CrossRegion] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON report of an estimate; `budgets` and `unit_volumes` are per service (from contracts),
    `cross_region` the stack's dependencies between regions (`baseline.attribute`), which a later
    cost review compares with its own."""
    budgets = budgets or {}
    unit_volumes = unit_volumes or {}
    total = estimate.total
    document: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "currency": "USD",
        "priceCatalog": dict(estimate.catalog),
        "totalMonthlyCost": round(total, 2),
        "totalMonthlyCostHigh": round(estimate.total_high, 2),
        "unallocatedMonthlyCost": round(estimate.unallocated, 2),
        "unallocatedShare": round(estimate.unallocated_share, 4),
        "services": [
            {
                "service": s.service,
                "team": s.team,
                "monthlyCost": round(s.monthly_cost, 2),
                "monthlyCostHigh": round(s.monthly_cost_high, 2),
                "byCategory": {k: round(v, 2) for k, v in sorted(s.by_category.items())},
                "byCategoryHigh": {k: round(v, 2) for k, v in sorted(s.by_category_high.items())},
                "budget": budget_status(s, budgets.get(s.service)),
                "unitCosts": _unit_costs(s, unit_volumes.get(s.service)),
                "resources": s.resources,
            }
            for s in estimate.services
        ],
        "resources": [_resource(r) for r in estimate.resources],
        "unpriced": [{"urn": u.urn, "type": u.type, "name": u.name, "reason": u.reason} for u in estimate.unpriced],
        "free": [{"urn": urn, "type": t, "name": name} for urn, t, name in estimate.free],
        "crossRegionDependencies": cross_region_entries(cross_region),
    }
    if estimate.overrides:
        document["priceOverrides"] = estimate.overrides
    if extra:
        document.update(extra)
    return document
