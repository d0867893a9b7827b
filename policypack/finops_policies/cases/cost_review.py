"""Cases of `cost-review`: each trigger tripped and not, with and without a recorded review, baselines
in both forms (a cost report and its compact form), old reports without the facts, unknowns and
waivers.

The stack is the autoscaled Deployment of the `cost-budget` cases (its figures computed there from the
catalog's rates); each baseline says what the service cost, how far it scaled and which
cross-region dependencies it had before the change.
"""

from __future__ import annotations

from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect, aws_provider
from finops_policies.cases.builders import day, res, waivers
from finops_policies.cases.cost_budget import HIGH, LOW, SERVICE, STACK, TAGS, _api, _hpa, _logs, money
from finops_policies.pricing.baseline import BASELINE_KIND
from finops_policies.values import UNKNOWN_NUMBER, UNKNOWN_STRING

GROWTH = "monthly_cost_growth_gt_20_percent"
OBSERVABILITY = "observability_cost_gt_30_percent"
REPLICAS = "replica_count_doubles"
CROSS_REGION = "new_cross_region_dependency"
ALL = [GROWTH, OBSERVABILITY, REPLICAS, CROSS_REGION]
_DEPLOYMENT = f"{conv.K8S_DEPLOYMENT}::orders-api"


def baseline(
    low: float = LOW,
    high: float = HIGH,
    observability: float = 0.0,
    max_replicas: float | None = 10.0,
    cross_region: list[dict[str, str]] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """A compact baseline of service `orders` (workloads and cross-region facts left out when None)."""
    document: dict[str, Any] = {
        "kind": BASELINE_KIND,
        "version": 1,
        "services": {SERVICE: {"monthlyCost": low, "monthlyCostHigh": high, "observabilityHigh": observability}},
    }
    if max_replicas is not None:
        document["workloads"] = {_DEPLOYMENT: {"service": SERVICE, "min": 2.0, "max": max_replicas}}
    if cross_region is not None:
        document["crossRegionDependencies"] = cross_region
    document.update(more)
    return document


def config(base: dict[str, Any], triggers: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {"baseline": base, "triggers": {SERVICE: triggers if triggers is not None else ALL}, **more}


def review(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "services": [SERVICE],
        "ticket": "ARB-31",
        "approvedBy": "architecture-review-board",
        "expires": day(60),
        "reason": "launch traffic",
    }
    entry.update(changes)
    return {"reviews": [{k: v for k, v in entry.items() if v is not None}]}


_SMALLER = baseline(low=LOW / 1.5, high=HIGH / 1.5, max_replicas=10.0, cross_region=[])
_GREW = f"at max scale {money(HIGH / 1.5)} → {money(HIGH)} (+50.0 %)"

_US = aws_provider("us-east-1")
_EU = aws_provider("eu-west-1", name="eu")
_PRIMARY = CaseResource(conv.RDS_INSTANCE, "orders-db", {"engine": "postgres", "tags": dict(TAGS)}, _US)
_REPLICA = CaseResource(
    conv.RDS_INSTANCE,
    "orders-db-replica",
    {"replicateSourceDb": UNKNOWN_STRING, "tags": dict(TAGS)},
    _EU,
    property_dependencies={"replicateSourceDb": ("orders-db",)},
)
_EDGE = {"service": SERVICE, "resource": "orders-db-replica", "type": conv.RDS_INSTANCE, "from": "eu-west-1"}
_REPORT = {
    "version": "2",
    "totalMonthlyCost": LOW / 1.5,
    "services": [
        {
            "service": SERVICE,
            "monthlyCost": LOW / 1.5,
            "monthlyCostHigh": HIGH / 1.5,
            "byCategoryHigh": {"compute": HIGH / 1.5},
        }
    ],
    "resources": [
        {
            "urn": "u",
            "type": conv.K8S_DEPLOYMENT,
            "name": "orders-api",
            "service": SERVICE,
            "replicas": {"min": 2, "max": 4},
        }
    ],
    "crossRegionDependencies": [],
}
_LOGS_USAGE = {"usage": {"services": {SERVICE: {"logs": {"logs": 400}}}}}

CASES = (
    Case("no-baseline-checks-nothing", STACK, {"triggers": {SERVICE: ALL}}),
    Case("baseline-without-triggers-checks-nothing", STACK, {"baseline": _SMALLER}),
    Case("unchanged", STACK, config(baseline(cross_region=[]))),
    Case("growth-within-the-limit", STACK, config(baseline(low=LOW / 1.1, high=HIGH / 1.1), [GROWTH])),
    Case(
        "growth-above-20-percent-at-both-ends",
        STACK,
        config(_SMALLER, [GROWTH]),
        violations=(Expect("orders-api", f"grew against the baseline: at min scale {money(LOW / 1.5)}"),),
        advisory=(),
    ),
    Case(
        "growth-of-the-always-on-cost-only",
        STACK,
        config(baseline(low=LOW / 2, high=HIGH), [GROWTH]),
        violations=(Expect("orders-api", f"at min scale {money(LOW / 2)} → {money(LOW)} (+100.0 %)"),),
    ),
    Case(
        "growth-with-a-threshold-from-the-contract",
        STACK,
        config(_SMALLER, ["monthly_cost_growth_gt_60_percent"]),
    ),
    Case("growth-reviewed", STACK, {**config(_SMALLER, [GROWTH]), **review()}),
    Case("growth-reviewed-for-that-trigger", STACK, {**config(_SMALLER, [GROWTH]), **review(triggers=[GROWTH])}),
    Case(
        "a-review-of-another-trigger-does-not-count",
        STACK,
        {**config(_SMALLER, [GROWTH]), **review(triggers=[REPLICAS])},
        violations=(Expect("orders-api", _GREW),),
    ),
    Case(
        "an-expired-review-does-not-count",
        STACK,
        {**config(_SMALLER, [GROWTH]), **review(expires=day(-3))},
        violations=(Expect("orders-api", f"(not reviewed: review 'ARB-31' expired on {day(-3)})"),),
    ),
    Case(
        "a-review-with-a-malformed-ticket-does-not-count",
        STACK,
        {**config(_SMALLER, [GROWTH]), **review(ticket="approved")},
        violations=(Expect("orders-api", "does not match"),),
    ),
    Case(
        "a-service-new-in-the-change-has-no-growth",
        STACK,
        config({"kind": BASELINE_KIND, "version": 1, "services": {}}, [GROWTH]),
    ),
    Case(
        "a-full-cost-report-as-baseline",
        STACK,
        config(_REPORT, [GROWTH, REPLICAS]),
        violations=(
            Expect("orders-api", _GREW),
            Expect("orders-api", "maxReplicas went from 4 to 10 (×2.5) against the baseline"),
        ),
    ),
    Case(
        "observability-crosses-30-percent",
        (*STACK, _logs()),
        {**config(baseline(high=HIGH, observability=0.0), [OBSERVABILITY]), **_LOGS_USAGE},
        violations=(Expect("orders-logs", "of its cost at max scale, above 30 %; the baseline had 0.0 %"),),
        note="the finding is on the largest observability resource",
    ),
    Case(
        "observability-already-above-in-the-baseline",
        (*STACK, _logs()),
        {**config(baseline(high=HIGH, observability=HIGH), [OBSERVABILITY]), **_LOGS_USAGE},
    ),
    Case(
        "observability-of-a-new-service",
        (*STACK, _logs()),
        {**config({"kind": BASELINE_KIND, "version": 1, "services": {}}, [OBSERVABILITY]), **_LOGS_USAGE},
        violations=(Expect("orders-logs", "the baseline had nothing (the service is new)"),),
    ),
    Case(
        "observability-reviewed",
        (*STACK, _logs()),
        {**config(baseline(observability=0.0), [OBSERVABILITY]), **_LOGS_USAGE, **review(triggers=["observability*"])},
    ),
    Case(
        "max-replicas-doubled",
        STACK,
        config(baseline(max_replicas=5.0), [REPLICAS]),
        violations=(Expect("orders-api", "maxReplicas went from 5 to 10 (×2.0)"),),
    ),
    Case("max-replicas-up-but-not-doubled", STACK, config(baseline(max_replicas=6.0), [REPLICAS])),
    Case("max-replicas-doubled-and-reviewed", STACK, {**config(baseline(max_replicas=5.0), [REPLICAS]), **review()}),
    Case(
        "a-workload-new-in-the-change-is-not-a-doubling",
        STACK,
        config(baseline(max_replicas=None, workloads={}), [REPLICAS]),
    ),
    Case(
        "max-replicas-unknown-until-apply",
        (_api(), _hpa(high=UNKNOWN_NUMBER)),
        config(baseline(max_replicas=5.0), [REPLICAS]),
        unverifiable=("orders-api",),
    ),
    Case(
        "a-baseline-report-without-replicas",
        STACK,
        config({**_REPORT, "version": "1"}, [REPLICAS]),
        unverifiable=(SERVICE,),
    ),
    Case(
        "a-new-cross-region-dependency",
        (_PRIMARY, _REPLICA),
        config(baseline(cross_region=[]), [CROSS_REGION]),
        violations=(Expect("orders-db-replica", "crossRegionDependency eu-west-1 → us-east-1 is new"),),
    ),
    Case(
        "a-cross-region-dependency-the-baseline-had",
        (_PRIMARY, _REPLICA),
        config(baseline(cross_region=[{**_EDGE, "to": "us-east-1"}]), [CROSS_REGION]),
    ),
    Case(
        "a-cross-region-dependency-to-another-region-than-before",
        (_PRIMARY, _REPLICA),
        config(baseline(cross_region=[{**_EDGE, "to": "us-west-2"}]), [CROSS_REGION]),
        violations=(
            Expect("orders-db-replica", "the baseline has no dependency of 'orders-db-replica' between these regions"),
        ),
    ),
    Case(
        "a-new-cross-region-dependency-reviewed",
        (_PRIMARY, _REPLICA),
        {**config(baseline(cross_region=[]), [CROSS_REGION]), **review(triggers=[CROSS_REGION])},
    ),
    Case(
        "a-baseline-report-without-cross-region-facts",
        (_PRIMARY, _REPLICA),
        config({**_REPORT, "version": "1"}, [CROSS_REGION]),
        unverifiable=(SERVICE,),
    ),
    Case(
        "default-triggers-for-services-without-a-contract",
        STACK,
        {"baseline": _SMALLER, "defaultTriggers": [GROWTH]},
        violations=(Expect("orders-api", _GREW),),
    ),
    Case(
        "triggers-of-another-service-only",
        STACK,
        {"baseline": _SMALLER, "triggers": {"billing": [GROWTH]}},
    ),
    Case(
        "a-malformed-baseline",
        STACK,
        config({"services": "everything"}, [GROWTH]),
        note="neither a report nor a compact baseline: unverifiable (tests/test_cost_policies.py), never blocking",
    ),
    Case(
        "growth-below-the-limit-but-replicas-unknown",
        (_api(replicas=UNKNOWN_NUMBER), res("aws:ec2/natGateway:NatGateway", "orders-nat", {"tags": dict(TAGS)})),
        config(baseline(low=100.0, high=100.0), [GROWTH]),
        unverifiable=("orders-api", SERVICE),
    ),
    Case(
        "waived",
        STACK,
        {**config(_SMALLER, [GROWTH]), **waivers(SERVICE, expires=day(30), ticket="FIN-10")},
        waived=(SERVICE,),
    ),
)
