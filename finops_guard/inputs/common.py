"""What every reader builds: URNs, the root stack, provider registrations, wire values."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Registration, SourceLocation

InputKind = Literal["terraform-plan", "terraform-source", "pulumi-state"]

STACK_TYPE = "pulumi:pulumi:Stack"
MODULE_TYPE = "terraform:index:Module"
#: The engine's sentinel for a value unknown until apply (pulumi/sdk `UnknownStringValue`); the
#: pack reads every unknown sentinel as unknown, whatever its declared type.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The wire form of a secret (pulumi.runtime.rpc): `{SIG_KEY: SECRET_SIG, "value": ...}`.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def provider_config_value(value: Any) -> Any:
    """Provider config reaches analyzers as strings, objects JSON-encoded (as the engine sends it)."""
    if value is None or isinstance(value, str) or value == UNKNOWN:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass
class ReadInput:
    """One input, read: the registrations in order, and what the run could not check."""

    kind: InputKind
    path: str
    project: str
    stack: str
    registrations: list[Registration]
    warnings: list[str] = field(default_factory=list)
    #: values found in the input that must never be printed (sensitive attributes, secrets)
    secret_values: set[str] = field(default_factory=set)
    #: Terraform resource types with no Pulumi equivalent known to us, and how many of each
    unmapped: dict[str, int] = field(default_factory=dict)


class UrnMaker:
    """URNs as the engine makes them: `urn:pulumi:<stack>::<project>::<parent types$type>::<name>`."""

    def __init__(self, stack: str, project: str) -> None:
        self.stack = stack
        self.project = project
        self._qualified: dict[str, str] = {}

    def make(self, type_: str, name: str, parent: str | None = None) -> str:
        qualified = type_
        if parent and parent in self._qualified and self._qualified[parent] != STACK_TYPE:
            qualified = f"{self._qualified[parent]}${type_}"
        urn = f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"
        self._qualified[urn] = qualified
        return urn


def stack_registration(urns: UrnMaker) -> Registration:
    name = f"{urns.project}-{urns.stack}"
    return Registration(
        urn=urns.make(STACK_TYPE, name),
        type=STACK_TYPE,
        name=name,
        custom=False,
        parent=None,
        provider=None,
        dependencies=[],
        property_dependencies={},
        inputs={},
        synthesized=True,
    )


def provider_registration(
    urns: UrnMaker, package: str, name: str, inputs: dict[str, Any], source: SourceLocation | None = None
) -> Registration:
    type_ = f"pulumi:providers:{package}"
    return Registration(
        urn=urns.make(type_, name),
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=None,
        dependencies=[],
        property_dependencies={},
        inputs={k: provider_config_value(v) for k, v in inputs.items() if v is not None},
        source=source,
    )


def provider_reference(provider: Registration) -> str:
    """`<provider urn>::<id>`, the id unknown as for a provider about to be created."""
    return f"{provider.urn}::{UNKNOWN}"
