"""Each service stays inside the budget of its cost contract, or its overrun is reviewed.

The stack is priced in the pack (list prices from the shipped catalog, 730 hours a month, declared
usage from this policy's `usage` config, negotiated prices from `discountPercent` and
`priceOverrides`), and each service's estimate is held against its budget (`budgets`, from its
cost contract's `spec.budgets`):

- above `monthlyHardReviewThreshold`: a mandatory finding, unless a valid review names the service
  (ticket, approver, unexpired; `approvedMonthlyCost`, when set, caps what it approves);
- above `monthlySoftLimit` (or above the hard threshold with a valid review): an advisory finding;
- observability above `observabilityPercentLimit` of the service's cost: an advisory finding.

The soft and observability findings are advisory whatever this policy's level: each diagnostic
carries its own level on the wire, and the engine honours it per diagnostic. Which figure of a
range: the cost limits are held against the high end (`monthlyCostHigh`, every autoscaled workload
at max replicas), because autoscaling may take the service there; the observability share is the
observability cost over the service's cost, both at the high end. These are the figures (and the
function) the `finops-guard cost` report's budget status uses. Only priced cost counts: unpriced
resources are listed by `finops-guard cost`, and a service whose figure is below its threshold
only because a quantity is unknown until apply is reported as unverifiable.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from finops_policies.approvals import Approval
from finops_policies.findings import Finding
from finops_policies.policies import _cost
from finops_policies.pricing import ResourceCost, ServiceCost, budget_status
from finops_policies.resources import StackView
from finops_policies.spec import ConfigKey, PolicySpec

NAME = "cost-budget"
SOFT: Final = "monthlySoftLimit"
HARD: Final = "monthlyHardReviewThreshold"
OBSERVABILITY: Final = "observabilityPercentLimit"
APPROVED: Final = "approvedMonthlyCost"

BUDGET_SCHEMA: Final[Mapping[str, Any]] = {
    "type": "object",
    "properties": {
        SOFT: {"type": "number", "minimum": 0},
        HARD: {"type": "number", "minimum": 0},
        OBSERVABILITY: {"type": "number", "minimum": 0, "maximum": 100},
    },
    "additionalProperties": False,
}
REVIEW_SCHEMA: Final[Mapping[str, Any]] = {
    **_cost.SERVICE_REVIEW_SCHEMA,
    "properties": {**_cost.SERVICE_REVIEW_SCHEMA["properties"], APPROVED: {"type": "number", "minimum": 0}},
}


def _budgets(config: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    raw = config.get("budgets")
    out: dict[str, dict[str, float]] = {}
    for service, budget in raw.items() if isinstance(raw, Mapping) else ():
        if isinstance(budget, Mapping):
            limits = {
                k: float(v)
                for k, v in budget.items()
                if k in (SOFT, HARD, OBSERVABILITY) and isinstance(v, int | float) and not isinstance(v, bool)
            }
            if limits:
                out[str(service)] = limits
    return out


@dataclass(frozen=True)
class _Judged:
    """One budgeted service: its estimate, budget, status (as the cost report gives it) and resources."""

    cost: ServiceCost
    budget: Mapping[str, float]
    status: Mapping[str, Any]
    resources: list[ResourceCost]
    #: the resource findings are reported on (the service's most expensive one)
    urn: str

    def finding(
        self, prop: str, found: str, expected: str, fix: str, *, advisory: bool = False, unverifiable: bool = False
    ) -> Finding:
        return Finding(
            self.urn,
            _cost.SERVICE_KIND,
            self.cost.service,
            prop,
            found,
            expected,
            fix,
            unverifiable=unverifiable,
            advisory=advisory,
        )

    @property
    def at_max_scale(self) -> str:
        low, high = self.cost.monthly_cost, self.cost.monthly_cost_high
        if _cost.money(low) == _cost.money(high):
            return f"is {_cost.money(high)} a month"
        return f"is {_cost.money(high)} a month at max scale (range {_cost.span(low, high)})"

    @property
    def drivers(self) -> str:
        largest = _cost.largest(self.resources)
        return f"; largest: {largest}" if largest else ""


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    budgets = _budgets(config)
    if not budgets:
        return  # nothing to hold the stack against: it need not be priced
    estimate = _cost.estimate(stack, config)
    reviews = _cost.service_reviews(config)
    index = _cost.by_service(estimate)
    for cost in estimate.services:
        budget = budgets.get(cost.service)
        if budget is None:
            continue
        resources = index.get(cost.service, [])
        held = _cost.anchor(resources, stack)
        judged = _Judged(cost, budget, budget_status(cost, budget) or {}, resources, held.urn if held else "")
        yield from _cost_findings(judged, reviews)
        if judged.status.get("observabilityOverLimit"):
            telemetry = _cost.anchor([r for r in resources if r.category == "observability"], stack)
            yield _observability(replace(judged, urn=telemetry.urn) if telemetry is not None else judged)


_LOWER: Final = "lower what drives the cost (fewer max replicas, smaller instances or less declared usage)"


def _cost_findings(judged: _Judged, reviews: list[Approval]) -> Iterator[Finding]:
    service, high = judged.cost.service, judged.cost.monthly_cost_high
    soft, hard = judged.budget.get(SOFT), judged.budget.get(HARD)
    status = judged.status.get("status")
    if status == "over-hard-review-threshold" and hard is not None:
        review, why_not = _cost.review_for(reviews, service)
        approved = review.extra.get(APPROVED) if review is not None else None
        if review is not None and isinstance(approved, int | float) and high > approved:
            why_not = f"not reviewed: review '{review.ticket}' approves up to {_cost.money(float(approved))}"
            review = None
        if review is None:
            notes = f" ({why_not})" if why_not else ""
            yield judged.finding(
                "monthlyCostHigh",
                f"{judged.at_max_scale}, above the hard review threshold {_cost.money(hard)}{notes}{judged.drivers}",
                f"at most {_cost.money(hard)} a month at max scale, or a valid review of '{service}'",
                f"{_LOWER}, or " + _cost.review_example(NAME, service, **{APPROVED: math.ceil(high)}),
            )
            return
        limit = f"the soft limit {_cost.money(soft)}" if soft else "its budget"
        yield judged.finding(
            "monthlyCostHigh",
            f"{judged.at_max_scale}, above {limit} and the hard review threshold {_cost.money(hard)}, reviewed "
            f"under '{review.ticket}' (approved by {review.approved_by}, expires {review.expires}){judged.drivers}",
            f"at most {_cost.money(soft or hard)} a month at max scale",
            "bring the cost back under the budget before the review expires, or raise the budget in the contract",
            advisory=True,
        )
        return
    if status == "over-soft-limit" and soft is not None:
        hard_clause = f" (hard review threshold {_cost.money(hard)})" if hard else ""
        yield judged.finding(
            "monthlyCostHigh",
            f"{judged.at_max_scale}, above the soft limit {_cost.money(soft)}{hard_clause}{judged.drivers}",
            f"at most {_cost.money(soft)} a month at max scale",
            f"{_LOWER}, or raise monthlySoftLimit in the service's cost contract",
            advisory=True,
        )
        return
    unknown = _cost.unknown_parts(judged.resources)
    if hard is not None and unknown:
        yield judged.finding(
            "monthlyCostHigh",
            f"is at least {_cost.money(high)} a month at max scale, but the cost of {_cost.quoted(unknown)} "
            "is unknown until apply",
            f"at most {_cost.money(hard)} a month at max scale",
            "",
            unverifiable=True,
        )


def _observability(judged: _Judged) -> Finding:
    limit = judged.budget.get(OBSERVABILITY, 0.0)
    share = float(judged.status.get("observabilityPercent") or 0.0)
    spent = judged.cost.by_category_high.get("observability", 0.0)
    drivers = _cost.largest([r for r in judged.resources if r.category == "observability"])
    return judged.finding(
        "observabilityShare",
        f"is {share:.1f} % of its cost at max scale ({_cost.money(spent)} of "
        f"{_cost.money(judged.cost.monthly_cost_high)}{'; largest: ' + drivers if drivers else ''}), "
        f"above the limit {limit:g} %",
        f"observability at most {limit:g} % of the service's cost",
        "ingest and keep less telemetry (debug logs off, shorter retention of logs and traces, lower trace "
        "sampling), or raise observabilityPercentLimit in the service's cost contract",
        advisory=True,
    )


POLICY = PolicySpec(
    name=NAME,
    description="Each service's estimated monthly cost stays inside its contract's budget, or is reviewed.",
    blocks="a service whose estimated monthly cost at max scale is above its contract's hard review threshold "
    "with no valid review (ticket, approver, unexpired); above its soft limit, or with observability above "
    "its share limit, it is reported as advisory",
    why="A budget nobody checks is a wish. The estimate of every change is held against the budget its service "
    "agreed to, in the preview, before the money is spent: past the soft limit the team hears about it, past the "
    "hard review threshold someone accountable has to sign the overrun off. Telemetry that outgrows its share "
    "is the most common silent overrun: debug logs and full traces cost more than the service they watch.",
    fix="Lower what drives the cost (max replicas, instance sizes, declared usage such as log GB), or record a "
    "review in this policy's config: `reviews: [{services: [glob], ticket, approvedBy, expires, "
    "approvedMonthlyCost}]`. Budgets come from each service's cost contract: "
    "`finops-guard contract policy-config CONTRACT.yaml` writes them (`finops-guard preview` feeds them itself).",
    scope="stack",
    check=check,
    config={
        "budgets": ConfigKey(
            {"type": "object", "additionalProperties": BUDGET_SCHEMA, "default": {}},
            f"Per service (its `service` cost-allocation tag): `{{{SOFT}, {HARD}, {OBSERVABILITY}}}` in USD a "
            "month and percent, from the cost contract's `spec.budgets`; cost is held against the high end of "
            "its range (max replicas). A service without a budget is not checked.",
        ),
        "reviews": ConfigKey(
            {"type": "array", "items": REVIEW_SCHEMA, "default": []},
            f"Recorded reviews of overruns: `{{services: [glob], ticket, approvedBy, expires: YYYY-MM-DD, reason, "
            f"{APPROVED}}}`; a valid one lets a service past its hard review threshold (up to "
            f"`{APPROVED}` when set) and the finding becomes advisory.",
        ),
        **_cost.PRICING_CONFIG,
    },
)
