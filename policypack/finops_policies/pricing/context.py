"""What a pricing rule needs besides its resource: the catalog, the stack, declared usage, and a
collector for the lines it prices and the reasons it cannot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..resources import ResourceView, StackView
from ..values import UNKNOWN, as_number, is_unknown
from .catalog import PriceCatalog, PriceRow
from .model import CostLine, QuantitySource
from .usage import ServiceUsage, UsageBook

NO_USAGE = "no usage declared"


def money(value: float) -> str:
    return f"${value:,.2f}"


@dataclass
class PricingContext:
    catalog: PriceCatalog
    stack: StackView
    usage: UsageBook
    default_region: str | None = None
    #: (service, kind, class) -> how many resources share a service-level declared quantity
    shares: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: lazily computed facts about the stack (HPAs by target, node rates, ...)
    memo: dict[str, Any] = field(default_factory=dict)

    def remember(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def region_of(self, resource: ResourceView) -> str | None:
        own = resource.get("region")
        if isinstance(own, str) and own and not is_unknown(own):
            return own
        if resource.provider is not None:
            region = resource.provider.region
            if isinstance(region, str) and region:
                return region
        return self.default_region

    def missing_row(self, service: str, key: str, region: str | None) -> str:
        where = region or "an unknown region"
        return (
            f"unpriced: no catalog row for {service}/{key} in {where} (catalog {self.catalog.info.version}); "
            "add it with tools/refresh_prices.py or a config override (finops:priceOverrides)"
        )


@dataclass
class Pricing:
    """Lines and unpriced reasons of one resource, as its rule produces them."""

    ctx: PricingContext
    resource: ResourceView
    service: str | None
    region: str | None
    lines: list[CostLine] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)
    free: str | None = None
    #: min and max replicas (tasks, instances, nodes) of a scaled workload, as its rule read them
    replicas: tuple[float, float] | None = None

    @property
    def service_usage(self) -> ServiceUsage | None:
        return self.ctx.usage.service(self.service)

    def row(self, service: str, key: str, region: str | None = None) -> PriceRow | None:
        use = self.region if region is None else region
        row = self.ctx.catalog.find(service, key, use)
        if row is None:
            reason = self.ctx.missing_row(service, key, use)
            if reason not in self.unpriced:
                self.unpriced.append(reason)
        return row

    def line(
        self,
        name: str,
        service: str,
        key: str,
        quantity: float | None,
        source: QuantitySource,
        *,
        high: float | None = None,
        region: str | None = None,
        note: str = "",
    ) -> CostLine | None:
        """Price `quantity` (and `high`, for a range) of `service/key`; None if the catalog lacks it."""
        row = self.row(service, key, region)
        if row is None:
            return None
        cost: float | None = None
        cost_high: float | None = None
        if quantity is not None:
            cost, beyond = row.cost(quantity)
            if beyond > 0:
                self.unpriced.append(
                    f"unpriced: {beyond:,.0f} {row.unit} of {service}/{key} beyond the catalog's last tier "
                    f"(catalog {self.ctx.catalog.info.version})"
                )
        if high is not None and quantity is not None and high != quantity:
            cost_high, _ = row.cost(high)
        line = CostLine(
            name=name,
            unit=row.unit,
            monthly_quantity=quantity,
            price=row.usd,
            monthly_cost=cost,
            quantity_source=source,
            monthly_quantity_high=high if cost_high is not None else None,
            monthly_cost_high=cost_high,
            price_source=self.ctx.catalog.describe_source(row.source),
            note=note,
        )
        self.lines.append(line)
        return line

    def hours(
        self,
        name: str,
        service: str,
        key: str,
        count: float = 1,
        *,
        high: float | None = None,
        source: QuantitySource = "input",
        note: str = "",
    ) -> CostLine | None:
        """An always-on charge: `count` × 730 hours (a range when `high` differs)."""
        hours = self.ctx.catalog.hours_per_month
        return self.line(
            name, service, key, count * hours, source, high=None if high is None else high * hours, note=note
        )

    def unknown(self, name: str, what: str) -> None:
        """A quantity that is unknown until apply: shown, not priced, and listed as unpriced."""
        self.lines.append(CostLine(name, "", None, None, None, "unknown", note=f"{what} is unknown until apply"))
        self.unpriced.append(f"unpriced: {what} is unknown until apply")

    def declared(self, key: str) -> tuple[float, QuantitySource] | None:
        """A per-resource declared quantity (usage file first, then the service's contract)."""
        return self.ctx.usage.resource_quantity(self.service, self.resource.name, self.resource.urn, key)

    def usage_line(
        self,
        name: str,
        service: str,
        key: str,
        declared: tuple[float, QuantitySource] | None,
        *,
        scale: float = 1.0,
        note: str = "",
    ) -> CostLine | None:
        """A usage-based charge: the declared quantity, else 0 and 'no usage declared'."""
        if declared is None:
            return self.line(name, service, key, 0.0, "default", note=NO_USAGE)
        quantity, source = declared
        return self.line(name, service, key, quantity * scale, source, note=note)


def number_input(resource: ResourceView, *path: str | int) -> float | Any | None:
    """A numeric input: a float, UNKNOWN, or None when absent or not a number."""
    value = resource.get(*path)
    if is_unknown(value):
        return UNKNOWN
    return as_number(value)
