"""Policy test cases as data: a tiny stack, the config, and what the policy must report.

Props are written exactly as the engine sends them (camelCase keys, numbers as floats, provider
config as JSON strings, unknowns as the wire sentinels in `values`), so a case is a faithful
`Analyze`/`AnalyzeStack` request. Each policy's cases are `CASES` in the module of this package
named like the policy's (`cases/cost_allocation_tags.py`), built from `cases/builders.py`;
`PolicySpec.cases` loads them on first use, so the pack never builds them when it starts.
`tests/test_policy_cases.py` runs every case of every policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STACK = "dev"
PROJECT = "case"


def urn_of(type_: str, name: str, parent_type: str | None = None) -> str:
    qualified = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


@dataclass(frozen=True)
class CaseProvider:
    type: str
    name: str
    props: Mapping[str, Any]

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)


def aws_provider(
    region: str = "us-east-1", default_tags: Mapping[str, str] | None = None, name: str = "default_7_51_1"
) -> CaseProvider:
    """An AWS provider as the engine sends it: every config value a string."""
    import json

    props: dict[str, Any] = {"region": region, "version": "7.51.1"}
    if default_tags is not None:
        props["defaultTags"] = json.dumps({"tags": dict(default_tags)})
    return CaseProvider("pulumi:providers:aws", name, props)


def k8s_provider(name: str = "default_4_34_2") -> CaseProvider:
    return CaseProvider("pulumi:providers:kubernetes", name, {"version": "4.34.2"})


@dataclass(frozen=True)
class CaseResource:
    type: str
    name: str
    props: Mapping[str, Any] = field(default_factory=dict)
    provider: CaseProvider | None = None
    parent: str | None = None
    depends_on: tuple[str, ...] = ()
    #: property name -> names (or URNs) of the resources it came from
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    custom: bool = True

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)


@dataclass(frozen=True)
class Expect:
    """A violation the case must produce: on resource `name`, with `text` in its message."""

    name: str
    text: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    resources: tuple[CaseResource, ...]
    config: Mapping[str, Any] = field(default_factory=dict)
    violations: tuple[Expect, ...] = ()
    #: findings the case must produce at the advisory level (never blocking, whatever the policy's
    #: level), and no others
    advisory: tuple[Expect, ...] = ()
    #: names of resources whose check must come out unverifiable
    unverifiable: tuple[str, ...] = ()
    #: names of resources whose finding must be waived
    waived: tuple[str, ...] = ()
    #: text that must appear in no message (e.g. a secret value)
    never_shown: tuple[str, ...] = ()
    note: str = ""

    @property
    def passes(self) -> bool:
        return not self.violations


def one(type_: str, name: str, props: Mapping[str, Any] | None = None, **kw: Any) -> tuple[CaseResource, ...]:
    """A single-resource stack, the common shape of resource-policy cases."""
    return (CaseResource(type_, name, props or {}, **kw),)
