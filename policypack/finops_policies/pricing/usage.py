"""Declared usage: the quantities no program states (GB of logs, requests, traffic), as plain data.

A service declares them in its cost contract (`spec.usage`, quantity source `contract`); a program
without a contract uses a usage file (`usage-file`). Both have the same shape (camelCase, monthly)::

    logs: {logs: 120, traces: 30, debug: 2}      # GB ingested per month per retention class
    storageGb: {audit: 500, snapshots: 20}        # GB stored in the service's buckets per class
    requestsPerMonth: {lambda: 3e6, sqs: 1e6, sns: 2e5, dynamodbReads: 5e6, dynamodbWrites: 1e6}
    natGbPerMonth: 200                            # GB the service sends through NAT gateways
    internetEgressGbPerMonth: 50
    interAzGbPerMonth: 100
    interRegionGbPerMonth: {eu-west-1: 40}        # GB per month sent to each other region
    resources:                                    # per resource (Pulumi name, URN or glob)
      orders-table: {readRequestUnits: 5e6, writeRequestUnits: 1e6, storageGb: 20}

A class or kind shared by several resources of a service is split evenly between them (the line
says so). Nothing here is ever invented: an absent quantity is 0 and "no usage declared".
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .model import QuantitySource

#: Keys a `resources` entry may use, per what they measure (documented in the README).
RESOURCE_KEYS: Final = (
    "ingestedGb",
    "storedGb",
    "storageGb",
    "putRequests",
    "requests",
    "durationMs",
    "dataProcessedGb",
    "lcu",
    "readRequestUnits",
    "writeRequestUnits",
    "ioRequests",
)
REQUEST_KINDS: Final = ("lambda", "sqs", "sns", "dynamodbReads", "dynamodbWrites")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _numbers(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        return {}
    out = {}
    for key, item in value.items():
        number = _number(item)
        if number is not None:
            out[str(key)] = number
    return out


@dataclass(frozen=True)
class ServiceUsage:
    """One service's declared monthly quantities and where they were declared."""

    source: QuantitySource
    logs: Mapping[str, float] = field(default_factory=dict)
    storage_gb: Mapping[str, float] = field(default_factory=dict)
    requests: Mapping[str, float] = field(default_factory=dict)
    nat_gb: float | None = None
    internet_egress_gb: float | None = None
    inter_az_gb: float | None = None
    inter_region_gb: Mapping[str, float] = field(default_factory=dict)
    resources: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    unit_volumes: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], source: QuantitySource, unit_volumes: Mapping[str, Any] | None = None
    ) -> ServiceUsage:
        resources = data.get("resources")
        return cls(
            source=source,
            logs=_numbers(data.get("logs")),
            storage_gb=_numbers(data.get("storageGb")),
            requests=_numbers(data.get("requestsPerMonth")),
            nat_gb=_number(data.get("natGbPerMonth")),
            internet_egress_gb=_number(data.get("internetEgressGbPerMonth")),
            inter_az_gb=_number(data.get("interAzGbPerMonth")),
            inter_region_gb=_numbers(data.get("interRegionGbPerMonth")),
            resources={str(k): _numbers(v) for k, v in resources.items()} if isinstance(resources, Mapping) else {},
            unit_volumes=_numbers(unit_volumes or {}),
        )


@dataclass(frozen=True)
class UsageBook:
    """Declared usage of every service of a stack, plus per-resource quantities of a usage file."""

    services: Mapping[str, ServiceUsage] = field(default_factory=dict)
    #: resource name/URN glob -> quantities, from a usage file (applies whatever the service)
    resources: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    resources_source: QuantitySource = "usage-file"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UsageBook:
        """From `{"services": {name: usage}, "resources": {...}, "unitVolumes": {service: {...}}}`:
        the shape a usage file has, and the one policy config carries."""
        raw_volumes = data.get("unitVolumes")
        volumes: Mapping[str, Any] = raw_volumes if isinstance(raw_volumes, Mapping) else {}
        raw_services = data.get("services")
        services: Mapping[str, Any] = raw_services if isinstance(raw_services, Mapping) else {}
        book = {
            str(name): ServiceUsage.from_dict(
                usage if isinstance(usage, Mapping) else {},
                "contract" if isinstance(usage, Mapping) and usage.get("source") == "contract" else "usage-file",
                volumes.get(name),
            )
            for name, usage in services.items()
        }
        resources = data.get("resources")
        return cls(book, {str(k): _numbers(v) for k, v in resources.items()} if isinstance(resources, Mapping) else {})

    def merged(self, other: UsageBook) -> UsageBook:
        """`other`'s services and resources win over this book's (a usage file over contracts)."""
        return UsageBook({**self.services, **other.services}, {**self.resources, **other.resources})

    def service(self, name: str | None) -> ServiceUsage | None:
        return self.services.get(name) if name else None

    def resource_quantity(
        self, service: str | None, name: str, urn: str, key: str
    ) -> tuple[float, QuantitySource] | None:
        """A per-resource quantity: the usage file's entry first, then the service's own."""
        for patterns, source in ((self.resources, self.resources_source), self._service_resources(service)):
            for pattern, values in patterns.items():
                if key in values and _matches(pattern, name, urn):
                    return values[key], source
        return None

    def _service_resources(self, service: str | None) -> tuple[Mapping[str, Mapping[str, float]], QuantitySource]:
        usage = self.service(service)
        return (usage.resources, usage.source) if usage is not None else ({}, "contract")


def _matches(pattern: str, name: str, urn: str) -> bool:
    if pattern in (name, urn):
        return True
    return any(ch in pattern for ch in "*?[") and (
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(urn, pattern)
    )
