"""Readers that turn what `finops-guard check` is given into the registrations the pack reads.

Every input (a Terraform plan, a Terraform source directory, a Pulumi stack export) becomes the
same thing a Pulumi program registers: `finops_guard.model.Registration`s with a Pulumi type
token, Pulumi-shaped camelCase inputs, a provider, a parent, dependencies and property
dependencies. Readers translate; the pack never knows where a resource came from.

The readers are imported when first named here, not with the package: `check` forks the child
that reads its inputs (`read_ahead.py`) before any reader is imported, and the child imports them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import jsonstream
    from .common import InputKind, ReadInput
    from .detect import detect_kind, read_input

#: name -> the module that defines it
_WHERE = {
    "InputKind": ".common",
    "ReadInput": ".common",
    "detect_kind": ".detect",
    "read_input": ".detect",
}


def __getattr__(name: str) -> Any:
    if name == "jsonstream":
        return importlib.import_module(".jsonstream", __name__)
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(where, __name__), name)


__all__ = ["InputKind", "ReadInput", "detect_kind", "jsonstream", "read_input"]
