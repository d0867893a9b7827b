"""Cases of `cost-budget`: each threshold under and over, reviews valid, expired, capped and missing,
unknown replicas, declared usage, negotiated prices and waivers.

The service's figures are computed here from the catalog's own rates and the quantities the cases
set (an autoscaled Deployment of 1 vCPU and 2 GiB per pod, priced at the default Kubernetes rates),
never copied from the policy's output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from finops_policies import conventions as conv
from finops_policies.cases import Case, CaseResource, Expect
from finops_policies.cases.builders import day, pod_spec, res, waivers, workload
from finops_policies.pricing import PriceCatalog
from finops_policies.values import UNKNOWN_NUMBER

SERVICE = "orders"
TAGS = {"service": SERVICE, "team": "payments", "domain": "checkout", "environment": "prod"}
_CATALOG = PriceCatalog.shipped()
_HOURS = _CATALOG.hours_per_month
_CPU, _GIB, _MIN, _MAX = 1.0, 2.0, 2, 10


def _rate(service: str, key: str, region: str | None = None) -> float:
    row = _CATALOG.find(service, key, region)
    assert row is not None, key
    return row.usd


#: One pod's monthly cost at the default Kubernetes rates.
POD = _HOURS * (_CPU * _rate("kubernetes", "default/cpu-hours") + _GIB * _rate("kubernetes", "default/ram-gb-hours"))
NAT = _HOURS * _rate("vpc", "nat-gateway/hours", "us-east-1")
LOW, HIGH = _MIN * POD, _MAX * POD


def money(value: float) -> str:
    return f"${value:,.2f}"


def _api(replicas: Any = None, labels: Mapping[str, str] = TAGS) -> CaseResource:
    container = {"name": "api", "image": "api:1", "resources": {"requests": {"cpu": "1", "memory": "2Gi"}}}
    resource = workload(
        conv.K8S_DEPLOYMENT,
        "orders-api",
        pod_spec([container]),
        metadata={"labels": dict(labels)},
        template_metadata={"labels": dict(labels)},
    )
    if replicas is None:
        return resource
    props = {**resource.props, "spec": {**resource.props["spec"], "replicas": replicas}}
    return CaseResource(resource.type, resource.name, props, resource.provider)


def _hpa(high: Any = float(_MAX)) -> CaseResource:
    return res(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "orders-api",
        {
            "metadata": {"name": "orders-api", "labels": dict(TAGS)},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "orders-api"},
                "minReplicas": float(_MIN),
                "maxReplicas": high,
            },
        },
    )


def _logs() -> CaseResource:
    return res(
        conv.LOG_GROUP, "orders-logs", {"retentionInDays": 14.0, "tags": {**TAGS, conv.RETENTION_CLASS_KEY: "logs"}}
    )


STACK = (_api(), _hpa())


def budget(soft: float | None = None, hard: float | None = None, observability: float | None = None) -> dict[str, Any]:
    limits = {"monthlySoftLimit": soft, "monthlyHardReviewThreshold": hard, "observabilityPercentLimit": observability}
    return {"budgets": {SERVICE: {k: v for k, v in limits.items() if v is not None}}}


def review(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "services": [SERVICE],
        "ticket": "FIN-204",
        "approvedBy": "finance-partner",
        "expires": day(90),
        "reason": "launch month",
    }
    entry.update(changes)
    return {"reviews": [{k: v for k, v in entry.items() if v is not None}]}


OVER_HARD = budget(soft=LOW, hard=HIGH * 0.8)
_AT = f"is {money(HIGH)} a month at max scale (range {money(LOW)} – {money(HIGH)})"
_HARD = f"above the hard review threshold {money(HIGH * 0.8)}"

CASES = (
    Case("within-every-limit", STACK, budget(soft=HIGH + 1, hard=HIGH * 2, observability=25)),
    Case("no-budgets-no-pricing", STACK),
    Case("budget-of-another-service", STACK, {"budgets": {"billing": {"monthlyHardReviewThreshold": 1.0}}}),
    Case(
        "over-the-hard-threshold-at-max-replicas",
        STACK,
        OVER_HARD,
        violations=(Expect("orders-api", f"{_AT}, {_HARD}; largest: Deployment 'orders-api'"),),
        note="held against the high end: the low end is below the threshold",
    ),
    Case(
        "over-the-hard-threshold-with-a-valid-review-is-advisory",
        STACK,
        {**OVER_HARD, **review()},
        advisory=(Expect("orders-api", "reviewed under 'FIN-204' (approved by finance-partner"),),
    ),
    Case(
        "an-expired-review-does-not-count",
        STACK,
        {**OVER_HARD, **review(expires=day(-1))},
        violations=(Expect("orders-api", f"(not reviewed: review 'FIN-204' expired on {day(-1)})"),),
    ),
    Case(
        "a-review-without-approver-does-not-count",
        STACK,
        {**OVER_HARD, **review(approvedBy=None)},
        violations=(Expect("orders-api", "has no approvedBy"),),
    ),
    Case(
        "a-review-of-another-service-does-not-count",
        STACK,
        {**OVER_HARD, **review(services=["billing"])},
        violations=(Expect("orders-api", _HARD),),
    ),
    Case(
        "a-review-capped-below-the-estimate-does-not-count",
        STACK,
        {**OVER_HARD, **review(approvedMonthlyCost=round(HIGH * 0.9))},
        violations=(Expect("orders-api", f"review 'FIN-204' approves up to {money(round(HIGH * 0.9))}"),),
    ),
    Case(
        "a-review-capped-above-the-estimate-counts",
        STACK,
        {**OVER_HARD, **review(approvedMonthlyCost=round(HIGH * 1.5))},
        advisory=(Expect("orders-api", "reviewed under 'FIN-204'"),),
    ),
    Case(
        "over-the-soft-limit-only-is-advisory",
        STACK,
        budget(soft=HIGH - 1, hard=HIGH + 1),
        advisory=(Expect("orders-api", f"{_AT}, above the soft limit {money(HIGH - 1)}"),),
    ),
    Case(
        "fixed-replicas-price-one-figure",
        (_api(replicas=3.0),),
        budget(hard=2 * POD),
        violations=(Expect("orders-api", f"is {money(3 * POD)} a month, above the hard review threshold"),),
    ),
    Case(
        "declared-log-usage-in-config-makes-observability-too-large",
        (*STACK, _logs()),
        {**budget(observability=10), "usage": {"services": {SERVICE: {"logs": {"logs": 400}}}}},
        advisory=(Expect("orders-logs", "above the limit 10 %"),),
        note="the log group costs what its declared ingestion costs; without usage it would be $0",
    ),
    Case("log-group-without-declared-usage-costs-nothing", (*STACK, _logs()), budget(observability=10)),
    Case(
        "a-discount-brings-the-service-under-the-threshold",
        STACK,
        {**budget(hard=HIGH * 0.8), "discountPercent": 25},
    ),
    Case(
        "a-custom-rate-raises-the-cost-above-the-threshold",
        STACK,
        {**budget(hard=HIGH * 1.5), "priceOverrides": {"kubernetes/default/cpu-hours": 1.0}},
        violations=(Expect("orders-api", "above the hard review threshold"),),
    ),
    Case(
        "unlabelled-workloads-count-for-no-service",
        (_api(labels={"app": "api"}), _hpa()),
        budget(hard=1.0),
    ),
    Case(
        "max-replicas-unknown-until-apply-below-the-threshold",
        (_api(), _hpa(high=UNKNOWN_NUMBER)),
        budget(hard=HIGH * 100),
        unverifiable=("orders-api", SERVICE),
    ),
    Case(
        "replicas-unknown-until-apply-below-the-threshold",
        (_api(replicas=UNKNOWN_NUMBER),),
        budget(hard=HIGH * 100),
        unverifiable=("orders-api", SERVICE),
    ),
    Case(
        "replicas-unknown-but-already-over",
        (_api(replicas=UNKNOWN_NUMBER), res("aws:ec2/natGateway:NatGateway", "orders-nat", {"tags": dict(TAGS)})),
        budget(hard=1.0),
        violations=(Expect("orders-nat", f"is {money(NAT)} a month, above the hard review threshold $1.00"),),
        note="the part unknown until apply can only add to a figure already over",
    ),
    Case(
        "waived",
        STACK,
        {**OVER_HARD, **waivers(SERVICE, expires=day(30), ticket="FIN-9")},
        waived=(SERVICE,),
        note="a waiver names the service (or the URN of the resource the finding is on)",
    ),
)
