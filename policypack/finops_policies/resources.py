"""Read-only views of the resources a policy checks, independent of where they came from.

A view wraps `ResourceValidationArgs`, a `PolicyResource` from `AnalyzeStack`, or a test case, and
reads properties only through `values.lookup`, so no policy ever touches an unknown directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import conventions as conv
from .values import MISSING, UNKNOWN, as_mapping, is_unknown, lookup


@dataclass(frozen=True)
class ProviderView:
    type: str
    name: str
    urn: str
    props: Any

    def get(self, *path: str | int) -> Any:
        return lookup(self.props, *path)

    @cached_property
    def config(self) -> dict[str, Any]:
        """Provider inputs with JSON-string values decoded (the engine sends config as strings)."""
        raw = lookup(self.props)
        if not isinstance(raw, dict):
            return {}
        decoded: dict[str, Any] = {}
        for key, value in raw.items():
            decoded[key] = as_mapping(value) if isinstance(value, str) and value.startswith("{") else value
        return decoded

    @cached_property
    def default_tags(self) -> dict[str, Any] | Any:
        """`defaultTags.tags` of an AWS provider: a dict, UNKNOWN, or {} when there are none."""
        value = lookup(self.props, "defaultTags")
        if value is MISSING or value is None:
            return {}
        if is_unknown(value):
            return UNKNOWN
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                return {}
        tags = lookup(value, "tags") if isinstance(value, dict) else MISSING
        if is_unknown(tags):
            return UNKNOWN
        return tags if isinstance(tags, dict) else {}

    @property
    def region(self) -> str | Any:
        value = self.get("region")
        return value if isinstance(value, str) or value is UNKNOWN else MISSING


@dataclass(frozen=True)
class ResourceView:
    type: str
    name: str
    urn: str
    props: Any
    provider: ProviderView | None = None
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *path: str | int) -> Any:
        return lookup(self.props, *path)

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]

    @property
    def is_aws(self) -> bool:
        return self.package == "aws"

    @property
    def is_kubernetes(self) -> bool:
        return self.package == "kubernetes"

    @property
    def is_plumbing(self) -> bool:
        """The stack, providers: resources no rule about cost applies to."""
        return self.type == conv.STACK_TYPE or self.type.startswith("pulumi:providers:")


@dataclass(frozen=True)
class StackView:
    """All resources of one `AnalyzeStack` call, indexed once."""

    resources: tuple[ResourceView, ...]

    @cached_property
    def by_urn(self) -> dict[str, ResourceView]:
        return {r.urn: r for r in self.resources}

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Indexes several stack policies build from this stack alone (both retention policies join
        buckets to their configurations), kept for the next policy handed the same view. Only
        results no policy changes belong here."""
        return {}

    def of_type(self, *types: str) -> Iterator[ResourceView]:
        wanted = set(types)
        return (r for r in self.resources if r.type in wanted)

    def resolve(self, urns: Iterable[str]) -> list[ResourceView]:
        index = self.by_urn
        return [index[u] for u in urns if u in index]
