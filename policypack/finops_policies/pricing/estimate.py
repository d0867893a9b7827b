"""Pricing a whole stack: every resource through its rule, attributed to a service, team and category."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import conventions as conv
from ..resources import ResourceView, StackView
from .attribution import SERVICE_KEY, TEAM_KEY, allocation_tags, category_of, is_allocated
from .catalog import PriceCatalog
from .context import Pricing, PricingContext
from .free import free_reason
from .model import UNALLOCATED, CostLine, Estimate, ResourceCost, ServiceCost, Unpriced
from .rules_aws import RULES as AWS_RULES
from .rules_kubernetes import RULES as K8S_RULES
from .rules_kubernetes import rule_for as k8s_rule_for
from .usage import UsageBook

RULES = {**AWS_RULES, **K8S_RULES}
_USAGE_ONLY_TYPE = "finops:usage:DeclaredTraffic"


@dataclass(frozen=True)
class EstimateOptions:
    """How to price: the region of resources that do not say theirs (stack config `aws:region`)."""

    default_region: str | None = None
    required_tags: tuple[str, ...] = conv.REQUIRED_TAG_KEYS
    extra_free: tuple[str, ...] = field(default_factory=tuple)


def priceable(resource: ResourceView) -> bool:
    """Whether a registration is a cloud resource at all (not the stack, a provider or a component)."""
    if resource.is_plumbing:
        return False
    return resource.is_aws or resource.is_kubernetes or resource.type in RULES


def estimate_stack(
    stack: StackView,
    *,
    catalog: PriceCatalog | None = None,
    usage: UsageBook | None = None,
    options: EstimateOptions | None = None,
    custom: Iterable[str] = (),
) -> Estimate:
    """The monthly estimate of `stack`. `custom` lists URNs of custom resources (components are
    skipped: only what the engine would create costs money)."""
    catalog = catalog or PriceCatalog.shipped()
    usage = usage or UsageBook()
    options = options or EstimateOptions()
    ctx = PricingContext(catalog, stack, usage, options.default_region)
    custom_urns = set(custom)
    chosen = [r for r in stack.resources if priceable(r) and (not custom_urns or r.urn in custom_urns)]
    tags = {r.urn: allocation_tags(r) for r in chosen}
    ctx.memo["tags"] = tags
    _count_shares(ctx, chosen, tags)

    priced: list[ResourceCost] = []
    unpriced: list[Unpriced] = []
    free: list[tuple[str, str, str]] = []
    for resource in chosen:
        t = tags[resource.urn]
        allocated = is_allocated(t, options.required_tags)
        service = t.get(SERVICE_KEY) if allocated else None
        reason = free_reason(resource.type, resource)
        if reason is not None:
            free.append((resource.urn, resource.type, resource.name))
            continue
        rule = RULES.get(resource.type) or k8s_rule_for(resource.type)
        if rule is None:
            unpriced.append(
                Unpriced(
                    resource.urn,
                    resource.type,
                    resource.name,
                    f"unpriced: no pricing rule for {resource.type} (catalog {catalog.info.version})",
                )
            )
            continue
        pricing = Pricing(ctx, resource, service, None if resource.is_kubernetes else ctx.region_of(resource))
        rule(pricing)
        if pricing.free is not None:
            free.append((resource.urn, resource.type, resource.name))
            continue
        cost = ResourceCost(
            urn=resource.urn,
            type=resource.type,
            name=resource.name,
            service=service or UNALLOCATED,
            team=t.get(TEAM_KEY) if allocated else None,
            category=category_of(resource, t),
            region=pricing.region,
            allocated=allocated,
            lines=pricing.lines,
            unpriced=pricing.unpriced,
            replicas=pricing.replicas,
        )
        priced.append(cost)
        unpriced.extend(Unpriced(resource.urn, resource.type, resource.name, why) for why in pricing.unpriced)
    priced.extend(_declared_traffic(ctx, priced))
    return Estimate(
        catalog=catalog.info.as_report(),
        resources=priced,
        unpriced=unpriced,
        free=free,
        services=_services(priced),
        overrides=None if catalog.overrides.empty else catalog.overrides.as_report(),
    )


def _count_shares(ctx: PricingContext, chosen: list[ResourceView], tags: dict[str, dict[str, str]]) -> None:
    kinds = {conv.LOG_GROUP: "logs", conv.S3_BUCKET: "storage", conv.S3_BUCKET_V2: "storage"}
    requests = {conv.LAMBDA_FUNCTION: "lambda", "aws:sqs/queue:Queue": "sqs", "aws:sns/topic:Topic": "sns"}
    for resource in chosen:
        service = tags[resource.urn].get(SERVICE_KEY)
        if not service:
            continue
        kind = kinds.get(resource.type)
        if kind is not None:
            klass = tags[resource.urn].get(conv.RETENTION_CLASS_KEY) or "default"
            ctx.shares[(service, kind, klass)] = ctx.shares.get((service, kind, klass), 0) + 1
        kind = requests.get(resource.type)
        if kind is not None:
            ctx.shares[(service, "requests", kind)] = ctx.shares.get((service, "requests", kind), 0) + 1
        if resource.type == "aws:dynamodb/table:Table":
            for k in ("dynamodbReads", "dynamodbWrites"):
                ctx.shares[(service, "requests", k)] = ctx.shares.get((service, "requests", k), 0) + 1


def _service_region(service: str, priced: list[ResourceCost], default: str | None) -> str | None:
    regions = [r.region for r in priced if r.service == service and r.region]
    return max(set(regions), key=regions.count) if regions else default


def _declared_traffic(ctx: PricingContext, priced: list[ResourceCost]) -> list[ResourceCost]:
    """Service-level traffic (NAT, internet, inter-AZ, inter-region GB) priced as one entry per service."""
    out = []
    for name, usage in sorted(ctx.usage.services.items()):
        wanted = [
            ("NAT gateway data processed", "vpc", "nat-gateway/data-processed", usage.nat_gb, None),
            ("Internet egress", "data-transfer", "internet-out", usage.internet_egress_gb, None),
            ("Inter-AZ data transfer", "data-transfer", "inter-az", usage.inter_az_gb, None),
        ] + [
            (f"Inter-region data transfer to {target}", "data-transfer", "inter-region", gb, target)
            for target, gb in sorted(usage.inter_region_gb.items())
        ]
        wanted = [w for w in wanted if w[3] is not None]
        if not wanted:
            continue
        region = _service_region(name, priced, ctx.default_region)
        holder = ResourceView(_USAGE_ONLY_TYPE, f"{name}-declared-traffic", f"urn:finops:usage::{name}::traffic", {})
        pricing = Pricing(ctx, holder, name, region)
        for label, service, key, gb, target in wanted:
            specific = f"{key}/{target}" if target else key
            chosen_key = specific if target and ctx.catalog.find(service, specific, region) else key
            pricing.line(label, service, chosen_key, gb, usage.source)
        out.append(
            ResourceCost(
                holder.urn,
                holder.type,
                holder.name,
                name,
                None,
                "network",
                region,
                True,
                pricing.lines,
                pricing.unpriced,
            )
        )
    return out


def _services(priced: list[ResourceCost]) -> list[ServiceCost]:
    services: dict[str, ServiceCost] = {}
    for cost in priced:
        entry = services.setdefault(cost.service, ServiceCost(cost.service, cost.team))
        if entry.team is None and cost.team:
            entry.team = cost.team
        entry.add(cost.category, cost.monthly_cost, cost.monthly_cost_high)
        entry.resources += 1
        entry.unpriced += 1 if cost.unpriced else 0
    return sorted(services.values(), key=lambda s: (-s.monthly_cost_high, s.service))


def line_total(lines: Iterable[CostLine]) -> float:
    return sum(line.monthly_cost or 0.0 for line in lines)
