"""Helpers every component shares: reading args that may come from another language, and the contract.

Args are TypedDicts so the SDK's schema inference can publish them; a program in another language
hands them over through the provider host, which delivers integers as floats (`12.0`) and leaves
optional keys out. These helpers turn that into checked Python values with messages in the house
form: `'<component>.<arg>' must be <expectation>: <value>`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pulumi.errors import RunError

from .contract import ServiceCostContract


class ArgsError(RunError, ValueError):
    """A component argument that cannot be used; the message names the component and the argument.

    A `pulumi.RunError`: the Pulumi CLI shows the message without a stack trace.
    """


def whole_number(
    component: str,
    args: Mapping[str, Any],
    key: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """`args[key]` as an int (accepting the provider host's `12.0`), bounds-checked."""
    value = args.get(key)
    if value is None:
        if default is None:
            raise ArgsError(f"'{component}.{key}' is required")
        value = default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ArgsError(f"'{component}.{key}' must be a whole number: {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ArgsError(f"'{component}.{key}' must be a whole number: {value!r}")
        value = int(value)
    if minimum is not None and value < minimum:
        raise ArgsError(f"'{component}.{key}' must be >= {minimum}: {value}")
    if maximum is not None and value > maximum:
        raise ArgsError(f"'{component}.{key}' must be <= {maximum}: {value}")
    return int(value)


def flag(component: str, args: Mapping[str, Any], key: str, default: bool) -> bool:
    value = args.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ArgsError(f"'{component}.{key}' must be true or false: {value!r}")
    return value


def text(component: str, args: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = args.get(key)
    if value is None:
        if default is None:
            raise ArgsError(f"'{component}.{key}' is required")
        return default
    if not isinstance(value, str) or not value.strip():
        raise ArgsError(f"'{component}.{key}' must be a non-empty string: {value!r}")
    return value


def resolve_contract(
    component: str, args: Mapping[str, Any], contract: ServiceCostContract | None
) -> ServiceCostContract:
    """The contract given in Python (`contract=`), or read from `contract_file` / `contract_yaml`.

    Raises `ContractError` for a bad contract, `ArgsError` when none or more than one is given.
    """
    file, document = args.get("contract_file"), args.get("contract_yaml")
    given = [
        name
        for name, value in (("contract", contract), ("contract_file", file), ("contract_yaml", document))
        if value is not None
    ]
    if len(given) != 1:
        found = "none" if not given else ", ".join(given)
        raise ArgsError(f"'{component}' needs exactly one of contract, contract_file or contract_yaml: got {found}")
    if contract is not None:
        return contract
    if file is not None:
        return ServiceCostContract.load(text(component, args, "contract_file"))
    source = args.get("contract_source") or f"{component}.contract_yaml"
    return ServiceCostContract.parse(text(component, args, "contract_yaml"), source=str(source))
