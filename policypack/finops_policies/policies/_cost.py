"""What the two cost policies (`cost-budget`, `cost-review`) share: pricing the stack from their
config, the reviews that let a service through, and the wording of a service-level finding.

Both price the stack they are given with the pack's own pricing functions and the declared usage
and negotiated prices of their config, so `pulumi preview --policy-pack` and `finops-guard cost`
compute the same figures from the same inputs.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from finops_policies import conventions as conv
from finops_policies.approvals import APPROVAL_SUBJECTS_SERVICES, Approval, parse_approvals, why_not
from finops_policies.pack import shared_in_call
from finops_policies.pricing import (
    Estimate,
    EstimateOptions,
    PriceCatalog,
    PriceOverrides,
    ResourceCost,
    UsageBook,
    estimate_stack,
)
from finops_policies.resources import StackView
from finops_policies.spec import APPROVAL_ITEM_SCHEMA, ConfigKey

#: The per-call memo key of the estimate both cost policies read.
ESTIMATE_MEMO: Final = "finops-guardrails/cost-estimate"
#: The type a service-level finding names in its message ("service 'orders': ...").
SERVICE_KIND: Final = "finops:cost:service"

_NUMBER_MAP: Final[Mapping[str, Any]] = {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}}

#: A review: an approval naming services (globs) instead of resources.
SERVICE_REVIEW_SCHEMA: Final[Mapping[str, Any]] = {
    **APPROVAL_ITEM_SCHEMA,
    "properties": {
        **{k: v for k, v in APPROVAL_ITEM_SCHEMA["properties"].items() if k != "resources"},
        "services": {"type": "array", "items": {"type": "string"}},
    },
}

#: Config keys of both cost policies: what to price with. `finops-guard contract policy-config`
#: writes them from cost contracts; `finops-guard preview` fills them from the contracts it finds.
PRICING_CONFIG: Final[Mapping[str, ConfigKey]] = {
    "usage": ConfigKey(
        {"type": "object", "default": {}},
        "Declared monthly usage, shaped like a usage file: `{services: {<service>: {logs, storageGb, "
        "requestsPerMonth, natGbPerMonth, ...}}, resources: {<name or glob>: {...}}}`; what no one declares "
        "is priced at 0, never guessed.",
    ),
    "discountPercent": ConfigKey(
        {"type": "number", "minimum": 0, "exclusiveMaximum": 100, "default": 0},
        "A negotiated discount on every list price, in percent (stack config `finops:discountPercent` "
        "for `finops-guard cost`).",
    ),
    "priceOverrides": ConfigKey(
        {**_NUMBER_MAP, "default": {}},
        'Custom rates in USD that replace catalog rows: `{"service/key[@region]": USD}`, e.g. '
        '`{"ec2/instance/m6i.large@us-east-1": 0.08}` (stack config `finops:priceOverrides` for '
        "`finops-guard cost`).",
    ),
}


def default_region(stack: StackView) -> str | None:
    """The stack's `aws:region`: the region of its default AWS provider."""
    for r in stack.resources:
        if r.type == conv.AWS_PROVIDER and r.name.startswith("default"):
            region = r.get("region")
            if isinstance(region, str) and region:
                return region
    return None


def catalog(config: Mapping[str, Any]) -> PriceCatalog:
    """The shipped catalog with the config's discount and custom rates."""
    discount = config.get("discountPercent")
    rates = config.get("priceOverrides")
    overrides = PriceOverrides(
        float(discount) if isinstance(discount, int | float) and 0 <= discount < 100 else 0.0,
        {
            str(k): float(v)
            for k, v in (rates.items() if isinstance(rates, Mapping) else ())
            if isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
        },
    )
    shipped = PriceCatalog.shipped()
    return shipped if overrides.empty else shipped.with_overrides(overrides)


def estimate(stack: StackView, config: Mapping[str, Any]) -> Estimate:
    """The stack priced as `finops-guard cost` prices it, with the config's usage and prices.

    Both cost policies price the same `AnalyzeStack` request: the second one reuses the first one's
    estimate when they price with the same config (`pack.shared_in_call`).
    """
    usage = config.get("usage")

    def price() -> Estimate:
        return estimate_stack(
            stack,
            catalog=catalog(config),
            usage=UsageBook.from_dict(usage if isinstance(usage, Mapping) else {}),
            options=EstimateOptions(default_region=default_region(stack)),
        )

    priced_with = json.dumps({k: config.get(k) for k in PRICING_CONFIG}, sort_keys=True, default=str)
    return shared_in_call(ESTIMATE_MEMO, stack, price, priced_with)


def money(value: float) -> str:
    return f"${value:,.2f}"


def span(low: float, high: float) -> str:
    return money(low) if money(low) == money(high) else f"{money(low)} – {money(high)}"


def by_service(estimate: Estimate) -> dict[str, list[ResourceCost]]:
    """Each service's priced resources, most expensive (at max scale) first: built once per check,
    as a stack has hundreds of services."""
    out: dict[str, list[ResourceCost]] = {}
    for r in estimate.resources:
        out.setdefault(r.service, []).append(r)
    for resources in out.values():
        resources.sort(key=lambda r: (-r.monthly_cost_high, r.name))
    return out


def anchor(resources: Sequence[ResourceCost], stack: StackView) -> ResourceCost | None:
    """The resource a service-level finding is reported on: its most expensive one the stack has
    (so reports point at the program line that drives the cost)."""
    return next((r for r in resources if r.urn in stack.by_urn), None)


def largest(resources: Sequence[ResourceCost], count: int = 3) -> str:
    """`Deployment 'api' $1,234.00, ...`: what drives a service's cost at max scale."""
    shown = [r for r in resources if r.monthly_cost_high > 0][:count]
    return ", ".join(f"{r.type.rsplit(':', 1)[-1]} '{r.name}' {money(r.monthly_cost_high)}" for r in shown)


def unknown_parts(resources: Sequence[ResourceCost]) -> list[str]:
    """Names of the service's resources with a quantity unknown until apply (their cost is missing)."""
    return [r.name for r in resources if any(line.quantity_source == "unknown" for line in r.lines)]


def quoted(names: Sequence[str], shown: int = 3) -> str:
    """`'a', 'b', 'c' and 2 more`."""
    text = ", ".join(f"'{n}'" for n in names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def service_reviews(config: Mapping[str, Any]) -> list[Approval]:
    pattern = str(config.get("ticketPattern") or conv.DEFAULT_TICKET_PATTERN)
    return parse_approvals(config.get("reviews"), pattern, subjects=APPROVAL_SUBJECTS_SERVICES)


def review_for(
    reviews: Sequence[Approval], service: str, *, extra: str | None = None, value: str | None = None
) -> tuple[Approval | None, str]:
    """The valid review covering `service` (and, when `extra` is a key the review sets, `value`
    matching one of its globs), and a clause saying why the reviews that name it do not count."""
    matching = [a for a in reviews if a.matches(service, service) and _covers(a, extra, value)]
    valid = next((a for a in matching if a.valid), None)
    if valid is not None or not matching:
        return valid, ""
    return None, f"not reviewed: review {why_not(matching)}"


def _covers(review: Approval, key: str | None, value: str | None) -> bool:
    if key is None or value is None or key not in review.extra:
        return True
    patterns = review.extra[key]
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return isinstance(patterns, Sequence) and any(
        isinstance(p, str) and fnmatch.fnmatchcase(value, p) for p in patterns
    )


def review_example(policy: str, service: str, **more: Any) -> str:
    """A review entry to paste into `policy`'s config, with placeholders for what a human decides."""
    entry = {
        "services": [service],
        **more,
        "ticket": "<TICKET-123>",
        "approvedBy": "<reviewer>",
        "expires": "<YYYY-MM-DD>",
        "reason": "<why>",
    }
    return f"record a review in the {policy} policy config: {json.dumps(entry, ensure_ascii=False)}"
