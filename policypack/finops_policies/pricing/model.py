"""What an estimate is made of: cost lines, priced resources, unpriced resources, service totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

QuantitySource = Literal["input", "contract", "usage-file", "default", "unknown"]
Category = Literal["compute", "database", "storage", "network", "observability", "other"]
CATEGORIES: Final[tuple[Category, ...]] = ("compute", "database", "storage", "network", "observability", "other")
#: The service name of cost that no valid cost-allocation tags attribute.
UNALLOCATED: Final = "(unallocated)"


@dataclass(frozen=True)
class CostLine:
    """One priced quantity of a resource: `monthly_quantity` × `price` = `monthly_cost`.

    An autoscaled quantity is a range: the `_high` figures are the maximum (max replicas); for
    fixed quantities they equal the low ones. A quantity unknown until apply has no cost (None).
    """

    name: str
    unit: str
    monthly_quantity: float | None
    price: float | None
    monthly_cost: float | None
    quantity_source: QuantitySource
    monthly_quantity_high: float | None = None
    monthly_cost_high: float | None = None
    price_source: str = ""
    note: str = ""

    @property
    def high_cost(self) -> float | None:
        return self.monthly_cost if self.monthly_cost_high is None else self.monthly_cost_high


@dataclass
class ResourceCost:
    urn: str
    type: str
    name: str
    service: str
    team: str | None
    category: Category
    region: str | None
    allocated: bool
    lines: list[CostLine] = field(default_factory=list)
    #: why (part of) the resource could not be priced; non-empty means it is listed as unpriced
    unpriced: list[str] = field(default_factory=list)
    #: min and max replicas (tasks, instances, nodes) of a scaled workload; None for other resources
    replicas: tuple[float, float] | None = None

    @property
    def monthly_cost(self) -> float:
        return sum(line.monthly_cost or 0.0 for line in self.lines)

    @property
    def monthly_cost_high(self) -> float:
        return sum(line.high_cost or 0.0 for line in self.lines)


@dataclass(frozen=True)
class Unpriced:
    urn: str
    type: str
    name: str
    reason: str


@dataclass
class ServiceCost:
    service: str
    team: str | None
    monthly_cost: float = 0.0
    monthly_cost_high: float = 0.0
    by_category: dict[str, float] = field(default_factory=dict)
    by_category_high: dict[str, float] = field(default_factory=dict)
    resources: int = 0
    unpriced: int = 0

    def add(self, category: str, low: float, high: float) -> None:
        self.monthly_cost += low
        self.monthly_cost_high += high
        self.by_category[category] = self.by_category.get(category, 0.0) + low
        self.by_category_high[category] = self.by_category_high.get(category, 0.0) + high


@dataclass
class Estimate:
    """The priced stack. Amounts are USD per month (730 hours)."""

    catalog: dict[str, str]
    resources: list[ResourceCost]
    unpriced: list[Unpriced]
    free: list[tuple[str, str, str]]
    services: list[ServiceCost]
    overrides: dict[str, object] | None = None

    @property
    def total(self) -> float:
        return sum(r.monthly_cost for r in self.resources)

    @property
    def total_high(self) -> float:
        return sum(r.monthly_cost_high for r in self.resources)

    @property
    def unallocated(self) -> float:
        return sum(r.monthly_cost for r in self.resources if not r.allocated)

    @property
    def unallocated_share(self) -> float:
        total = self.total
        return self.unallocated / total if total else 0.0

    def service(self, name: str) -> ServiceCost | None:
        return next((s for s in self.services if s.service == name), None)
