"""A change that trips a service's review triggers against the baseline needs a recorded review.

The stack is priced as `cost-budget` prices it and compared with `baseline` (an earlier `finops-guard
cost --format json` report, or its compact form; `finops-guard preview --baseline FILE` puts it
there). Each service is checked for the triggers its cost contract lists in `review.requiredWhen`
(`triggers`, or `defaultTriggers` for services without a contract):

- `monthly_cost_growth_gt_<N>_percent`: the service's monthly cost grew by more than N % at either
  end of its range (always-on cost at min replicas, or cost at max replicas); a service the baseline
  does not have, or had at $0, has no growth to measure;
- `observability_cost_gt_<N>_percent`: observability is above N % of the service's cost at max scale,
  and was not in the baseline (a service new in this change counts as not);
- `replica_count_doubles`: a workload's max replicas (Kubernetes workloads: the HPA's or KEDA's max,
  else `spec.replicas`; ECS services: the scaling target's max, else the desired count; Auto Scaling
  and EKS node groups: `maxSize`) is at least twice the baseline's;
- `new_cross_region_dependency`: a resource of the service depends on a resource in another region
  (as `cross-region-review` finds them), and the baseline has no such dependency of that resource
  between those two regions.

A tripped trigger is a mandatory finding unless a valid review names the service (and the trigger,
when the review lists `triggers`). Each message gives the baseline's figure and the new one.
Without a baseline, or for a service with no triggers, nothing is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.approvals import Approval
from finops_policies.findings import Finding
from finops_policies.policies import _cost
from finops_policies.policies.cross_region_review import cross_region_dependencies
from finops_policies.pricing import Estimate, ResourceCost
from finops_policies.pricing.baseline import (
    BaselineError,
    CrossRegion,
    ReviewFacts,
    ServiceFigures,
    Workload,
    attribute,
    facts_of_estimate,
    facts_of_report,
    workload_key,
)
from finops_policies.resources import StackView
from finops_policies.spec import ConfigKey, PolicySpec

NAME = "cost-review"
GROWTH: Final = re.compile(r"^monthly_cost_growth_gt_(\d+(?:\.\d+)?)_percent$")
OBSERVABILITY: Final = re.compile(r"^observability_cost_gt_(\d+(?:\.\d+)?)_percent$")
REPLICAS: Final = "replica_count_doubles"
CROSS_REGION: Final = "new_cross_region_dependency"
#: The triggers a contract's `review.requiredWhen` may list (N: a number).
TRIGGER_PATTERN: Final = conv.REVIEW_TRIGGER_PATTERN
TRIGGER_SCHEMA: Final[Mapping[str, Any]] = {"type": "string", "pattern": TRIGGER_PATTERN}
REVIEW_SCHEMA: Final[Mapping[str, Any]] = {
    **_cost.SERVICE_REVIEW_SCHEMA,
    "properties": {
        **_cost.SERVICE_REVIEW_SCHEMA["properties"],
        "triggers": {"type": "array", "items": {"type": "string"}},
    },
}


def is_trigger(name: str) -> bool:
    """Whether `name` is a review trigger this policy evaluates."""
    return re.fullmatch(TRIGGER_PATTERN, name) is not None


def _workloads_by_service(facts: ReviewFacts) -> dict[str, list[Workload]]:
    out: dict[str, list[Workload]] = {}
    for workload in (facts.workloads or {}).values():
        out.setdefault(workload.service, []).append(workload)
    return out


@dataclass(frozen=True)
class _Change:
    """Both sides of the review and what the findings need to say where they are."""

    old: ReviewFacts
    new: ReviewFacts
    estimate: Estimate
    stack: StackView
    reviews: Sequence[Approval]
    catalog_note: str

    @cached_property
    def _index(self) -> dict[str, list[ResourceCost]]:
        return _cost.by_service(self.estimate)

    def resources(self, service: str) -> list[ResourceCost]:
        return self._index.get(service, [])

    @cached_property
    def old_workloads(self) -> dict[str, list[Workload]]:
        """The baseline's workloads per service (none when the baseline does not record them)."""
        return _workloads_by_service(self.old)

    @cached_property
    def new_workloads(self) -> dict[str, list[Workload]]:
        return _workloads_by_service(self.new)

    @cached_property
    def new_cross_region(self) -> dict[str, list[CrossRegion]]:
        """The change's cross-region dependencies the baseline does not have, per service."""
        known = {c.identity for c in self.old.cross_region or ()}
        out: dict[str, list[CrossRegion]] = {}
        for dependency in self.new.cross_region or ():
            if dependency.identity not in known:
                out.setdefault(dependency.service, []).append(dependency)
        return out

    def anchor_urn(self, service: str, category: str | None = None) -> str:
        mine = self.resources(service)
        if category is not None:
            mine = [r for r in mine if r.category == category] or mine
        held = _cost.anchor(mine, self.stack)
        return held.urn if held is not None else ""

    def finding(
        self, trigger: str, service: str, *, urn: str, name: str | None, prop: str, found: str, expected: str, fix: str
    ) -> Finding | None:
        """A tripped trigger: None when a valid review covers it, else a finding (noting invalid reviews)
        on resource `name` (at `urn`), or on the service itself when `name` is None."""
        review, why_not = _cost.review_for(self.reviews, service, extra="triggers", value=trigger)
        if review is not None:
            return None
        notes = f" ({why_not})" if why_not else ""
        return Finding(
            urn,
            _cost.SERVICE_KIND if name is None else _resource_type(self.stack, urn),
            service if name is None else name,
            prop,
            f"{found}; review trigger {trigger} of service '{service}'{notes}",
            expected,
            f"{fix}, or " + _cost.review_example(NAME, service, triggers=[trigger]),
        )


def _resource_type(stack: StackView, urn: str) -> str:
    resource = stack.by_urn.get(urn)
    return resource.type if resource is not None else _cost.SERVICE_KIND


def _triggers(config: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    raw = config.get("triggers")
    per_service = {
        str(service): [t for t in names if isinstance(t, str) and is_trigger(t)]
        for service, names in (raw.items() if isinstance(raw, Mapping) else ())
        if isinstance(names, Sequence) and not isinstance(names, str)
    }
    defaults = config.get("defaultTriggers")
    default = [t for t in defaults if isinstance(t, str) and is_trigger(t)] if isinstance(defaults, list) else []
    return per_service, default


def check(stack: StackView, config: Mapping[str, Any]) -> Iterator[Finding]:
    baseline = config.get("baseline")
    if not isinstance(baseline, Mapping) or not baseline:
        return
    per_service, default = _triggers(config)
    if not per_service and not default:
        return
    try:
        old = facts_of_report(baseline)
    except BaselineError as error:
        yield Finding(
            "",
            "finops:policy:config",
            NAME,
            "baseline",
            f"cannot be read ({error})",
            "a `finops-guard cost --format json` report or its compact form",
            "",
            unverifiable=True,
            unverifiable_because="no trigger can be checked",
        )
        return
    estimate = _cost.estimate(stack, config)
    new = facts_of_estimate(estimate, attribute(cross_region_dependencies(stack)))
    change = _Change(old, new, estimate, stack, _cost.service_reviews(config), _catalog_note(old, new))
    for service in sorted(new.services):
        for trigger in per_service.get(service, default):
            yield from _evaluate(change, service, trigger)


def _catalog_note(old: ReviewFacts, new: ReviewFacts) -> str:
    before = (old.catalog or {}).get("version")
    after = (new.catalog or {}).get("version")
    if before and after and before != after:
        return f" (the baseline was priced with catalog {before}, this change with {after})"
    return ""


def _evaluate(change: _Change, service: str, trigger: str) -> Iterator[Finding]:
    growth = GROWTH.match(trigger)
    if growth:
        yield from _growth(change, service, trigger, float(growth.group(1)))
        return
    share = OBSERVABILITY.match(trigger)
    if share:
        yield from _observability(change, service, trigger, float(share.group(1)))
        return
    if trigger == REPLICAS:
        yield from _replicas(change, service, trigger)
    elif trigger == CROSS_REGION:
        yield from _cross_region(change, service, trigger)


def _percent(old: float, new: float) -> float:
    return 100 * (new - old) / old


def _growth(change: _Change, service: str, trigger: str, limit: float) -> Iterator[Finding]:
    old = change.old.services.get(service)
    new = change.new.services[service]
    if old is None or old.monthly_cost_high <= 0:
        return
    grown = [
        (label, before, after)
        for label, before, after in (
            ("at min scale", old.monthly_cost, new.monthly_cost),
            ("at max scale", old.monthly_cost_high, new.monthly_cost_high),
        )
        if before > 0 and _percent(before, after) > limit
    ]
    urn = change.anchor_urn(service)
    if not grown:
        unknown = _cost.unknown_parts(change.resources(service))
        if unknown:
            yield Finding(
                urn,
                _cost.SERVICE_KIND,
                service,
                "monthlyCost",
                f"is at least {_cost.span(new.monthly_cost, new.monthly_cost_high)} against the baseline's "
                f"{_cost.span(old.monthly_cost, old.monthly_cost_high)}; the cost of {_cost.quoted(unknown)} "
                "is unknown until apply",
                f"growth of at most {limit:g} %",
                "",
                unverifiable=True,
            )
        return
    shown = "; ".join(
        f"{label} {_cost.money(before)} → {_cost.money(after)} (+{_percent(before, after):.1f} %)"
        for label, before, after in grown
    )
    largest = _cost.largest(change.resources(service))
    drivers = f"; largest now: {largest}" if largest else ""
    found = change.finding(
        trigger,
        service,
        urn=urn,
        name=None,
        prop="monthlyCost",
        found=f"grew against the baseline: {shown}{change.catalog_note}{drivers}",
        expected=f"growth of at most {limit:g} % a month at either end of the range, or a valid review",
        fix="keep the change's cost within the growth the contract allows",
    )
    if found is not None:
        yield found


def _share(figures: ServiceFigures) -> str:
    return (
        f"{figures.observability_percent:.1f} % ({_cost.money(figures.observability_high)} of "
        f"{_cost.money(figures.monthly_cost_high)})"
    )


def _observability(change: _Change, service: str, trigger: str, limit: float) -> Iterator[Finding]:
    new = change.new.services[service]
    if new.observability_percent <= limit:
        return
    old = change.old.services.get(service)
    if old is not None and old.observability_percent > limit:
        return  # already above in the baseline: this change did not cross the line
    before = _share(old) if old is not None else "nothing (the service is new)"
    found = change.finding(
        trigger,
        service,
        urn=change.anchor_urn(service, "observability"),
        name=None,
        prop="observabilityShare",
        found=f"is {_share(new)} of its cost at max scale, above {limit:g} %; the baseline had {before}",
        expected=f"observability at most {limit:g} % of the service's cost, or a valid review",
        fix="ingest and keep less telemetry (debug logs off, shorter log and trace retention, lower sampling)",
    )
    if found is not None:
        yield found


def _replicas(change: _Change, service: str, trigger: str) -> Iterator[Finding]:
    if change.old.workloads is None:
        yield _missing_facts(change, service, "max replicas")
        return
    current = {workload_key(r.type, r.name): r for r in change.resources(service)}
    for before in sorted(change.old_workloads.get(service, []), key=lambda w: w.key):
        now_cost = current.get(before.key)
        if now_cost is None or now_cost.replicas is not None:
            continue
        if _cost.unknown_parts([now_cost]):
            yield Finding(
                now_cost.urn,
                now_cost.type,
                now_cost.name,
                "maxReplicas",
                f"is unknown until apply (the baseline's: {before.max:g})",
                f"max replicas below {2 * before.max:g} (twice the baseline's), or a valid review",
                "",
                unverifiable=True,
            )
    for now in sorted(change.new_workloads.get(service, []), key=lambda w: w.key):
        was = change.old.workloads.get(now.key)
        if was is None or was.max <= 0 or now.max < 2 * was.max:
            continue
        found = change.finding(
            trigger,
            service,
            urn=now.urn,
            name=now.name,
            prop="maxReplicas",
            found=f"went from {was.max:g} to {now.max:g} (×{now.max / was.max:.1f}) against the baseline",
            expected=f"max replicas below {2 * was.max:g} (twice the baseline's), or a valid review",
            fix=f"keep max replicas under {2 * was.max:g}",
        )
        if found is not None:
            yield found


def _cross_region(change: _Change, service: str, trigger: str) -> Iterator[Finding]:
    if change.old.cross_region is None:
        yield _missing_facts(change, service, "cross-region dependencies")
        return
    for dependency in change.new_cross_region.get(service, []):
        found = change.finding(
            trigger,
            service,
            urn=dependency.urn,
            name=dependency.resource,
            prop="crossRegionDependency",
            found=f"{dependency.source} → {dependency.target} is new: the baseline has no dependency of "
            f"'{dependency.resource}' between these regions",
            expected=f"dependencies within {dependency.source} as in the baseline, or a valid review",
            fix=f"keep the dependency in {dependency.source}",
        )
        if found is not None:
            yield found


def _missing_facts(change: _Change, service: str, what: str) -> Finding:
    return Finding(
        change.anchor_urn(service),
        _cost.SERVICE_KIND,
        service,
        "baseline",
        f"has no {what} (a report written before finops-guardrails recorded them)",
        f"a baseline with {what}",
        "",
        unverifiable=True,
        unverifiable_because="run `finops-guard cost --format json` on the baseline's program again",
    )


POLICY = PolicySpec(
    name=NAME,
    description="A change that trips its service's review triggers against the baseline has a recorded review.",
    blocks="a change that trips a service's review triggers against a baseline cost report (cost growth above "
    "N %, observability above N % of the service's cost, a workload's max replicas doubled, a new "
    "cross-region dependency) with no valid review (ticket, approver, unexpired)",
    why="Budgets catch the absolute overrun; triggers catch the change. A 20 % jump, replicas doubled or a new "
    "cross-region call is how a service drifts toward its ceiling one reasonable-looking change at a time, "
    "and each is a decision someone accountable should make on purpose, with the old and new figures in "
    "front of them.",
    fix="Keep the change within the triggers (the message names the figure and the baseline's), or record a "
    "review in this policy's config: `reviews: [{services: [glob], triggers: [name], ticket, approvedBy, "
    "expires}]`. The baseline is a previous `finops-guard cost --format json` report: `finops-guard preview "
    "--baseline FILE` (or `finops-guard contract policy-config --baseline FILE`) puts it in the config.",
    scope="stack",
    check=check,
    config={
        "baseline": ConfigKey(
            {"type": "object", "default": {}},
            "The cost before the change: a `finops-guard cost --format json` report, or the compact form "
            "`finops-guard contract policy-config --baseline` and `finops-guard preview --baseline` write. Empty: "
            "nothing is checked.",
        ),
        "triggers": ConfigKey(
            {"type": "object", "additionalProperties": {"type": "array", "items": TRIGGER_SCHEMA}, "default": {}},
            "Per service, the review triggers of its cost contract's `review.requiredWhen`: "
            "`monthly_cost_growth_gt_<N>_percent`, `observability_cost_gt_<N>_percent`, "
            f"`{REPLICAS}`, `{CROSS_REGION}`.",
        ),
        "defaultTriggers": ConfigKey(
            {"type": "array", "items": TRIGGER_SCHEMA, "default": []},
            "Triggers for services that `triggers` does not list (services without a contract).",
        ),
        "reviews": ConfigKey(
            {"type": "array", "items": REVIEW_SCHEMA, "default": []},
            "Recorded reviews: `{services: [glob], triggers: [glob], ticket, approvedBy, expires: YYYY-MM-DD, "
            "reason}`; without `triggers` a review covers every trigger of its services.",
        ),
        **_cost.PRICING_CONFIG,
    },
)
