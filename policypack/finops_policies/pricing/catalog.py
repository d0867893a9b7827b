"""The price catalog: sourced, dated list prices shipped with the pack as data.

One row per price: `service`, `key`, `region` (or `*` for a price that is not regional), `unit`,
a flat `usd` or volume `tiers`, the id of its `source` (repository, path, commit, date) and its
`effectiveDate`. The catalog's version, date and SHA-256 go into every estimate, so a figure can
always be traced to the data it came from. Reading it is the pack's only I/O (importlib.resources).

Prices can be overridden (`PriceOverrides`): custom rates per key, and a discount percentage for
negotiated rates; the estimate then says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Final

PACKAGE: Final = "finops_policies"
CATALOG_FILE: Final = ("data", "prices", "catalog.json")
SPECS_FILE: Final = ("data", "prices", "instance_specs.json")
ANY_REGION: Final = "*"
OVERRIDE_SOURCE: Final = "override"


@dataclass(frozen=True)
class Tier:
    """A price that applies up to `up_to` units of the month's quantity (None: without limit)."""

    usd: float
    up_to: float | None = None


@dataclass(frozen=True)
class PriceRow:
    service: str
    key: str
    region: str
    unit: str
    tiers: tuple[Tier, ...]
    source: str
    effective_date: str
    note: str = ""

    @property
    def usd(self) -> float:
        """The first (or only) tier's price: what a line quotes as its unit price."""
        return self.tiers[0].usd

    @property
    def tiered(self) -> bool:
        return len(self.tiers) > 1 or self.tiers[0].up_to is not None

    def cost(self, quantity: float) -> tuple[float, float]:
        """(cost, quantity beyond the last sourced tier) for a month's `quantity`."""
        remaining = quantity
        cost = 0.0
        floor = 0.0
        for tier in self.tiers:
            if remaining <= 0:
                break
            span = remaining if tier.up_to is None else min(remaining, tier.up_to - floor)
            cost += span * tier.usd
            remaining -= span
            floor = tier.up_to if tier.up_to is not None else floor
        return cost, max(remaining, 0.0)

    def scaled(self, factor: float) -> PriceRow:
        return replace(self, tiers=tuple(Tier(t.usd * factor, t.up_to) for t in self.tiers))


@dataclass(frozen=True)
class PriceOverrides:
    """Negotiated prices: a discount on every list price, and custom rates that replace rows.

    `rates` keys are `service/key` (every region) or `service/key@region`; values are USD per unit.
    A custom rate is taken as given (the discount does not apply to it).
    """

    discount_percent: float = 0.0
    rates: Mapping[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.discount_percent and not self.rates

    def as_report(self) -> dict[str, Any]:
        return {"discountPercent": self.discount_percent, "rates": dict(sorted(self.rates.items()))}


@dataclass(frozen=True)
class CatalogInfo:
    name: str
    version: str
    effective_date: str
    sha256: str
    rows: int

    def as_report(self) -> dict[str, Any]:
        return {"version": self.version, "effectiveDate": self.effective_date, "sha256": self.sha256}


def _row(raw: Mapping[str, Any]) -> PriceRow:
    if "tiers" in raw:
        tiers = tuple(
            Tier(float(t["usd"]), float(t["upTo"]) if t.get("upTo") is not None else None) for t in raw["tiers"]
        )
    else:
        tiers = (Tier(float(raw["usd"])),)
    return PriceRow(
        service=str(raw["service"]),
        key=str(raw["key"]),
        region=str(raw["region"]),
        unit=str(raw["unit"]),
        tiers=tiers,
        source=str(raw["source"]),
        effective_date=str(raw.get("effectiveDate", "")),
        note=str(raw.get("note", "")),
    )


class PriceCatalog:
    """Lookup of list prices by (service, key, region), with optional overrides applied."""

    def __init__(self, document: Mapping[str, Any], sha256: str, overrides: PriceOverrides | None = None) -> None:
        head = document.get("catalog") or {}
        self._document = document
        self.sources: dict[str, dict[str, str]] = dict(document.get("sources") or {})
        self._rows: dict[tuple[str, str, str], PriceRow] = {}
        for raw in document.get("rows") or ():
            row = _row(raw)
            self._rows[(row.service, row.key, row.region)] = row
        self.info = CatalogInfo(
            name=str(head.get("name", "")),
            version=str(head.get("version", "")),
            effective_date=str(head.get("effectiveDate", "")),
            sha256=sha256,
            rows=len(self._rows),
        )
        self.hours_per_month = float(head.get("hoursPerMonth", 730))
        self.overrides = overrides or PriceOverrides()

    @classmethod
    def from_text(cls, text: str) -> PriceCatalog:
        return cls(json.loads(text), hashlib.sha256(text.encode("utf-8")).hexdigest())

    @classmethod
    def shipped(cls) -> PriceCatalog:
        """The catalog shipped in the pack (read once per process)."""
        return _shipped()

    def with_overrides(self, overrides: PriceOverrides) -> PriceCatalog:
        return PriceCatalog(self._document, self.info.sha256, overrides)

    def rows(self) -> list[PriceRow]:
        return list(self._rows.values())

    def find(self, service: str, key: str, region: str | None) -> PriceRow | None:
        """The row for `key` in `region` (or the region-free row), overrides applied; None if absent."""
        custom = self._custom(service, key, region)
        if custom is not None:
            return custom
        row = None
        if region:
            row = self._rows.get((service, key, region))
        if row is None:
            row = self._rows.get((service, key, ANY_REGION))
        if row is None:
            return None
        if self.overrides.discount_percent:
            return row.scaled(1 - self.overrides.discount_percent / 100)
        return row

    def _custom(self, service: str, key: str, region: str | None) -> PriceRow | None:
        rates = self.overrides.rates
        if not rates:
            return None
        name = f"{service}/{key}"
        usd = rates.get(f"{name}@{region}") if region else None
        if usd is None:
            usd = rates.get(name)
        if usd is None:
            return None
        base = self._rows.get((service, key, region or ANY_REGION)) or self._rows.get((service, key, ANY_REGION))
        return PriceRow(
            service,
            key,
            region or ANY_REGION,
            base.unit if base else "unit",
            (Tier(float(usd)),),
            OVERRIDE_SOURCE,
            "",
            "custom rate from config",
        )

    def describe_source(self, source: str) -> str:
        """A one-line citation of a row's source."""
        if source == OVERRIDE_SOURCE:
            return "custom rate from config"
        info = self.sources.get(source)
        if not info:
            return source
        where = info.get("repository") or info.get("package") or ""
        path = info.get("path", "")
        commit = info.get("commit", "")
        return f"{where} {path}{'@' + commit[:12] if commit else ''} ({info.get('date', '')})".strip()


@cache
def _shipped() -> PriceCatalog:
    text = resources.files(PACKAGE).joinpath(*CATALOG_FILE).read_text(encoding="utf-8")
    return PriceCatalog.from_text(text)


@dataclass(frozen=True)
class InstanceSpec:
    vcpus: int
    memory_gib: float


@cache
def instance_specs() -> dict[str, InstanceSpec]:
    """vCPUs and memory per EC2 instance type (EC2 DescribeInstanceTypes, as bundled by moto)."""
    text = resources.files(PACKAGE).joinpath(*SPECS_FILE).read_text(encoding="utf-8")
    types = json.loads(text).get("types") or {}
    return {name: InstanceSpec(int(v[0]), float(v[1]) / 1024) for name, v in types.items()}
